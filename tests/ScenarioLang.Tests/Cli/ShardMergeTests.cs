using ScenarioLang.Tests.Infrastructure;
using static ScenarioLang.Tests.Infrastructure.Kscn;

namespace ScenarioLang.Tests.Cli;

/// <summary>
/// kscn explore --shard i/n --shard-output FILE and --merge FILE...: every shard writes its part of the search, and the
/// merge prints the bytes and exit code of the search run whole; a set of files that is not one whole search is refused.
/// </summary>
public sealed class ShardMergeTests
{
    /// <summary>
    /// Store buffering on cpu5 and cpu6 beside a ring of five CPUs that do the same (128 executions): a search longer
    /// than its first part (Explorer.FirstPart), so cut into many. The first execution in which every load of the
    /// ring sees a store is late in the search and in the third shard's parts, so the merge must number it after the
    /// other shards' executions and restore its schedule; the pair's loads that both miss get fence hints.
    /// </summary>
    internal const string SbBesideRing = """
        scenario "SB beside a ring whose loads all see the stores" {
          memory tso
          cpus 7
          shared z0
          shared z1
          shared z2
          shared z3
          shared z4
          shared x
          shared y
          explore {
            cpu0 kernel: store z0 = 1
            cpu0 kernel: load z1 -> q0
            cpu1 kernel: store z1 = 1
            cpu1 kernel: load z2 -> q1
            cpu2 kernel: store z2 = 1
            cpu2 kernel: load z3 -> q2
            cpu3 kernel: store z3 = 1
            cpu3 kernel: load z4 -> q3
            cpu4 kernel: store z4 = 1
            cpu4 kernel: load z0 -> q4
            cpu5 kernel: store x = 1
            cpu5 kernel: load y -> r0
            cpu6 kernel: store y = 1
            cpu6 kernel: load x -> r1
          }
          expect never q0 == 1 and q1 == 1 and q2 == 1 and q3 == 1 and q4 == 1
          expect never r0 == 0 and r1 == 0
        }
        """;

    public static TheoryData<string, string[], int> Searches => new()
    {
        // Holds: two scenarios, a sometimes that one shard sees and a never that every shard must confirm.
        { "samples/litmus/sb.kscn", [], 0 },
        // Fails, with a counterexample (and fence hints) from the third shard's parts.
        { "sb-beside-ring.kscn", [], 1 },
        { "sb-beside-ring.kscn", ["--stop-at-first"], 1 },
        // A budget that stops the search inside a part after the first: the merge re-runs that part up to the budget,
        // as the whole search does; one that stops it at the end of the first; one inside the first.
        { "sb-beside-ring.kscn", ["--max-executions", "70"], 1 },
        { "sb-beside-ring.kscn", ["--max-executions", "70", "--stop-at-first"], 1 },
        { "sb-beside-ring.kscn", ["--max-executions", "64"], 1 },
        { "sb-beside-ring.kscn", ["--max-executions", "3"], 1 },
        { "samples/litmus/iriw.kscn", ["--max-executions", "7"], 4 },
        // Several variants, a matrix: one passes, one fails its expectations, one has findings.
        { "samples/ioperm/andy-preempted-ioperm.kscn", ["--variant", "ioperm=pre-5.5,v2-06-16,hpa-tss"], 1 },
        { "samples/litmus/iriw.kscn", ["--strategy", "random", "--max-executions", "150"], 4 },
    };

    [Theory]
    [MemberData(nameof(Searches))]
    public void Three_shards_merge_into_what_the_whole_search_prints(string file, string[] options, int exit)
    {
        var dir = Directory.CreateTempSubdirectory("kscn-shards-").FullName;
        var path = File(dir, file);
        var whole = Invoke(["explore", path, .. options, "--save", Path.Combine(dir, "whole.replay")]);
        Assert.Equal(exit, whole.ExitCode);

        var shards = new List<string>();
        var outputs = new List<string>();
        for (var i = 1; i <= 3; i++)
        {
            var shard = Path.Combine(dir, $"s{i}.kscnshard");
            var part = Invoke(["explore", path, .. options, "--shard", $"{i}/3", "--shard-output", shard]);
            // The shard's own verdict is partial: it exits 0 once its file is written, and the merge judges.
            Assert.Equal(0, part.ExitCode);
            Assert.Contains($"kscn: wrote shard {i}/3 to {shard}", part.Error);
            shards.Add(shard);
            outputs.Add(part.Out);
        }
        var merged = Invoke(["explore", path, .. options, "--save", Path.Combine(dir, "merged.replay"), "--merge", .. shards]);

        Assert.Equal(whole.Out, merged.Out);
        Assert.Equal(whole.ExitCode, merged.ExitCode);
        Assert.All(outputs, o => Assert.NotEqual(whole.Out, o));
        Assert.Equal(ReadOrNothing(Path.Combine(dir, "whole.replay")), ReadOrNothing(Path.Combine(dir, "merged.replay")));
    }

    [Fact]
    public void The_merged_counterexample_is_numbered_among_all_the_executions_and_keeps_its_fence_hints()
    {
        var dir = Directory.CreateTempSubdirectory("kscn-shards-").FullName;
        var path = File(dir, "sb-beside-ring.kscn");
        var shards = Enumerable.Range(1, 3).Select(i => Path.Combine(dir, $"s{i}")).ToArray();
        for (var i = 1; i <= 3; i++)
            Assert.Equal(0, Invoke("explore", path, "--shard", $"{i}/3", "--shard-output", shards[i - 1]).ExitCode);
        const string Late = "(q0=1; q1=1; q2=1; q3=1; q4=1; r0=0; r1=0), as a schedule";
        Assert.DoesNotContain(Late, Invoke("explore", path, "--shard", "1/3").Out);
        Assert.Contains($"execution 15 of 16 {Late}", Invoke("explore", path, "--shard", "3/3").Out);

        var merged = Invoke(["explore", path, "--merge", .. shards]);

        Assert.Contains($"execution 125 of 128 {Late}:", merged.Out);
        Assert.Contains("a full fence (mfence, smp_mb()) on cpu5 between 'store x = 1' (line 22) and 'load y' (line 23)", merged.Out);
    }

    [Fact]
    public void The_merge_prints_what_the_files_say_and_searches_no_part_again()
    {
        var dir = Directory.CreateTempSubdirectory("kscn-shards-").FullName;
        var path = File(dir, "sb-beside-ring.kscn");
        var shards = Enumerable.Range(1, 3).Select(i => Path.Combine(dir, $"s{i}")).ToArray();
        for (var i = 1; i <= 3; i++)
            Assert.Equal(0, Invoke("explore", path, "--shard", $"{i}/3", "--shard-output", shards[i - 1]).ExitCode);
        // A final state no execution reaches, with a checksum that matches: only a merge that reads the tallies prints it.
        var text = System.IO.File.ReadAllText(shards[1]);
        var body = text[..(text.LastIndexOf('\n', text.Length - 2) + 1)].Replace("; r0=1; r1=1\"", "; r0=7; r1=7\"", StringComparison.Ordinal);
        Assert.NotEqual(text, body + text[body.Length..]);
        var checksum = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(body)));
        System.IO.File.WriteAllText(shards[1], $"{body}sha256 {checksum}\n");

        var merged = Invoke(["explore", path, "--merge", .. shards]);

        Assert.Contains("; r0=7; r1=7", merged.Out);
        Assert.Equal(1, merged.ExitCode);
    }

    [Fact]
    public void A_shard_file_is_the_same_bytes_for_any_number_of_threads()
    {
        var dir = Directory.CreateTempSubdirectory("kscn-shards-").FullName;
        var path = Path.Combine(Repository.Root, "samples/litmus/iriw.kscn");
        var (one, two) = (Path.Combine(dir, "one"), Path.Combine(dir, "two"));

        Assert.Equal(0, Invoke("explore", path, "--shard", "2/3", "--jobs", "1", "--shard-output", one).ExitCode);
        Assert.Equal(0, Invoke("explore", path, "--shard", "2/3", "--jobs", "2", "--shard-output", two).ExitCode);

        Assert.Equal(System.IO.File.ReadAllBytes(one), System.IO.File.ReadAllBytes(two));
        Assert.StartsWith("kscn shard file, format 1\n{", System.IO.File.ReadAllText(one), StringComparison.Ordinal);
    }

    public static TheoryData<string, string[], string> Refusals => new()
    {
        { "a shard missing", ["--merge", "S1", "S2"], "kscn: --merge: shard 3 of 3 is missing: without every shard's part of the search, the merge cannot say what the search found\n" },
        { "a shard twice", ["--merge", "S1", "S2", "S2", "S3"], "kscn: --merge: 'S2' and 'S2' are both shard 2/3: a merge takes each shard once\n" },
        { "a shard of another split", ["--merge", "S1", "S2", "T2"], "kscn: --merge: 'S1' is shard 1/3 and 'T2' is shard 2/2: the shards of a merge split the search the same way\n" },
        { "other options", ["--merge", "S1", "S2", "S3", "--max-executions", "500"], "kscn: --merge: 'S1' was searched with --max-executions 1000000, and this merge has --max-executions 500\n" },
        { "other variants", ["--merge", "S1", "S2", "S3", "--variant", "ioperm=merged"], "kscn: --merge: 'S1' was written with no --variant, and this merge has --variant ioperm=merged\n" },
        { "a flag left out", ["--stop-at-first", "--merge", "S1", "S2", "S3"], "kscn: --merge: 'S1' was searched with no --stop-at-first, and this merge has --stop-at-first\n" },
        { "a damaged file", ["--merge", "S1", "DAMAGED", "S3"], "kscn: --merge: cannot read 'DAMAGED': it is damaged: its checksum does not match its contents\n" },
        { "a file cut short", ["--merge", "S1", "CUT", "S3"], "kscn: --merge: cannot read 'CUT': it is cut short: its last line is not its checksum\n" },
        { "another format", ["--merge", "S1", "FORMAT2", "S3"], "kscn: --merge: cannot read 'FORMAT2': it is in shard file format '2', and this kscn reads format 1\n" },
        { "not a shard file", ["--merge", "S1", "SOURCE", "S3"], "kscn: --merge: cannot read 'SOURCE': it is not a kscn shard file (kscn explore --shard i/n --shard-output FILE writes them)\n" },
        { "a directory", ["--merge", "DIR"], "kscn: --merge: cannot read 'DIR': it is a directory\n" },
        { "a shard with the merge", ["--shard", "1/3", "--merge", "S1", "S2", "S3"], "kscn: --merge takes no --shard: it reads every shard's file and searches no part itself\n" },
        { "an output without a shard", ["--shard-output", "OUT"], "kscn: --shard-output needs --shard i/n: it writes one shard's part of the search\n" },
        { "a timeout", ["--shard", "1/3", "--shard-output", "OUT", "--timeout", "60"], "kscn: --timeout cannot go with --shard-output or --merge: a timeout cuts each shard where its machine's speed leaves it, and no whole search stops there (a CI job's own time limit stops a shard that takes too long)\n" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Shard_files_that_are_not_one_whole_search_are_refused(string what, string[] arguments, string message)
    {
        var dir = Directory.CreateTempSubdirectory("kscn-shards-").FullName;
        var path = File(dir, "sb-beside-ring.kscn");
        var files = new Dictionary<string, string> { ["DIR"] = dir, ["OUT"] = Path.Combine(dir, "out"), ["SOURCE"] = path };
        for (var i = 1; i <= 3; i++)
        {
            files[$"S{i}"] = Path.Combine(dir, $"s{i}");
            Assert.Equal(0, Invoke("explore", path, "--shard", $"{i}/3", "--shard-output", files[$"S{i}"]).ExitCode);
        }
        files["T2"] = Path.Combine(dir, "t2");
        Assert.Equal(0, Invoke("explore", path, "--shard", "2/2", "--shard-output", files["T2"]).ExitCode);
        var text = System.IO.File.ReadAllText(files["S2"]);
        files["DAMAGED"] = Write(dir, "damaged", text.Replace("\"runs\": 1,", "\"runs\": 2,", StringComparison.Ordinal));
        files["CUT"] = Write(dir, "cut", text[..(text.Length / 2)]);
        files["FORMAT2"] = Write(dir, "format2", text.Replace("format 1\n", "format 2\n", StringComparison.Ordinal));
        Assert.NotEqual(text, System.IO.File.ReadAllText(files["DAMAGED"]));

        var output = Invoke(["explore", path, .. arguments.Select(a => files.GetValueOrDefault(a, a))]);

        Assert.True(output.ExitCode == 2, what);
        Assert.Equal(message, files.Aggregate(output.Error, (error, f) => error.Replace($"'{f.Value}'", $"'{f.Key}'", StringComparison.Ordinal)));
        Assert.Equal("", output.Out);
    }

    [Fact]
    public void A_scenario_changed_since_its_shards_searched_it_is_refused()
    {
        var dir = Directory.CreateTempSubdirectory("kscn-shards-").FullName;
        var path = File(dir, "sb-beside-ring.kscn");
        var shards = Enumerable.Range(1, 2).Select(i => Path.Combine(dir, $"s{i}")).ToArray();
        for (var i = 1; i <= 2; i++)
            Assert.Equal(0, Invoke("explore", path, "--shard", $"{i}/2", "--shard-output", shards[i - 1]).ExitCode);
        System.IO.File.AppendAllText(path, "// changed\n");

        var output = Invoke(["explore", path, "--merge", .. shards]);

        Assert.Equal(2, output.ExitCode);
        Assert.Matches($"^kscn: --merge: '{System.Text.RegularExpressions.Regex.Escape(shards[0])}' searched another version of .*sb-beside-ring.kscn: it has changed since \\(SHA-256 [0-9a-f]{{12}}…, now [0-9a-f]{{12}}…\\)\n$", output.Error);
    }

    /// <summary>A sample's path, or one of the scenarios above written into <paramref name="dir"/>.</summary>
    private static string File(string dir, string name) => name switch
    {
        "sb-beside-ring.kscn" => Write(dir, name, SbBesideRing + "\n"),
        _ => Path.Combine(Repository.Root, name),
    };

    private static string Write(string dir, string name, string text)
    {
        var path = Path.Combine(dir, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private static string? ReadOrNothing(string path) => System.IO.File.Exists(path) ? System.IO.File.ReadAllText(path) : null;
}
