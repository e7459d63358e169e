using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ScenarioLang.Bench.Measuring;
using ScenarioLang.Bench.References;
using ScenarioLang.Bench.Shapes;

namespace ScenarioLang.Bench.Litmus;

/// <summary>
/// kscn-bench litmus: the classic litmus tests through kscn and herd7 side by side. Each test is a pair with one stem,
/// samples/litmus/STEM.kscn and bench/reference/herd7/litmus/STEM.litmus. First the verdicts: herd7 on x86tso.cat must
/// answer Sometimes where the .kscn file's first expectation says <c>sometimes</c> and Never where it says <c>never</c>,
/// and <c>kscn test</c> must pass them all. Then wall times, each kind run in turn every round: the whole folder in one
/// herd7 call against <c>kscn test samples/litmus</c> served by a warm <c>kscn server</c> (through kscn-client, the
/// native client, and through kscn itself), and one file (SB) likewise. With <c>--rings</c>, SB rings too
/// (<see cref="RingsAsync"/>).
/// </summary>
public sealed partial class LitmusBench(LitmusBenchOptions options, TextWriter progress)
{
    private const string KscnFolder = "samples/litmus";
    private const string LitmusFolder = "bench/reference/herd7/litmus";
    private const string SingleStem = "sb";
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);
    // herd7's largest ring: about 40 s here, six times SB-ring-12's.
    private const int LargestHerd7Ring = 14;

    private sealed record Kind(string Name, string Program, string[] Arguments, IReadOnlyDictionary<string, string> Environment);

    public async Task<string> RunAsync()
    {
        var root = RepoRoot.Find();
        var outDir = Path.GetFullPath(options.Out ?? Path.Combine(Path.GetTempPath(), $"kscn-litmus-{DateTime.UtcNow:yyyyMMdd-HHmmss}"));
        Directory.CreateDirectory(outDir);
        progress.WriteLine($"kscn-bench litmus: published kscn, logs and results.md in {outDir}");
        var herd7 = options.Herd7 is { } given ? Path.GetFullPath(given) : await BuildHerd7Async(root);
        var kscnDir = options.Kscn is { } dir ? Path.GetFullPath(dir) : await PublishAsync(root, outDir);
        var pairs = Pairs(root);

        var runtime = Path.Combine(outDir, "run");
        Directory.CreateDirectory(runtime);
        var served = new Dictionary<string, string> { ["KSCN_CACHE_DIR"] = Path.Combine(outDir, "cache"), ["KSCN_SERVER"] = "1", ["XDG_RUNTIME_DIR"] = runtime };
        var none = new Dictionary<string, string>();
        var kscn = Path.Combine(kscnDir, "kscn");
        var client = Path.Combine(kscnDir, "kscn-client");
        var litmusFiles = pairs.Select(p => p.Litmus).ToArray();
        var single = pairs.Single(p => p.Stem == SingleStem);
        Kind[] kinds =
        [
            new("herd7, the folder in one call", herd7, ["-model", "x86tso.cat", .. litmusFiles], none),
            new("kscn-client test samples/litmus, served", client, ["test", KscnFolder], served),
            new("kscn test samples/litmus, served", kscn, ["test", KscnFolder], served),
            new($"herd7, {SingleStem}.litmus", herd7, ["-model", "x86tso.cat", single.Litmus], none),
            new($"kscn-client test {SingleStem}.kscn, served", client, ["test", single.Kscn], served),
            new($"kscn test {SingleStem}.kscn, served", kscn, ["test", single.Kscn], served),
        ];

        var verdicts = await VerdictsAsync(root, herd7, pairs);
        Expect(await RunAsync(root, kscn, ["server", "start"], served), "kscn server start", "kscn server: pid");
        try
        {
            // Unmeasured: the disk cache, kscn's compile cache, the server's first requests (its JIT).
            for (var i = 0; i < 3; i++)
                foreach (var kind in kinds)
                    Expect(await RunAsync(root, kind.Program, kind.Arguments, kind.Environment), kind.Name, null);
            var walls = kinds.ToDictionary(k => k.Name, _ => new List<double>());
            for (var round = 0; round < options.Rounds; round++)
            {
                foreach (var kind in kinds)
                    walls[kind.Name].Add(Expect(await RunAsync(root, kind.Program, kind.Arguments, kind.Environment), kind.Name, null).Milliseconds);
                progress.WriteLine($"round {round + 1} of {options.Rounds}: " + string.Join(", ", kinds.Select(k => $"{walls[k.Name][^1]:F0} ms")));
            }
            var report = Report(root, herd7, kscnDir, verdicts, kinds, walls.ToDictionary(w => w.Key, w => Median(w.Value)));
            if (options.Rings.Count > 0)
                report += await RingsAsync(root, outDir, herd7, kscn, client, served);
            await File.WriteAllTextAsync(Path.Combine(outDir, "results.md"), report);
            return report;
        }
        finally
        {
            Expect(await RunAsync(root, kscn, ["server", "stop"], served), "kscn server stop", "kscn server: stopped");
        }
    }

    /// <summary>
    /// The SB rings of <c>--rings</c>, whole process: herd7 on the ring's litmus test against <c>kscn test</c> of the
    /// same shape as kscn-bench explore writes it, through kscn-client served by the warm server and in a kscn process
    /// of its own (<c>KSCN_SERVER=0</c>). Both must find the outcome (Sometimes, and the test passing); then each kind
    /// runs once per round, in turn, after three unmeasured kscn rounds (the compile cache, the server's JIT).
    /// </summary>
    private async Task<string> RingsAsync(string root, string outDir, string herd7, string kscn, string client, Dictionary<string, string> served)
    {
        var directory = Directory.CreateDirectory(Path.Combine(outDir, "rings")).FullName;
        var alone = new Dictionary<string, string>(served) { ["KSCN_SERVER"] = "0" };
        var table = new StringBuilder("| Ring | herd7 s | kscn-client test, served s | ÷ herd7 | kscn test, in-process s | ÷ herd7 |\n|---|--:|--:|--:|--:|--:|\n");
        foreach (var cpus in options.Rings)
        {
            var shape = LitmusCatalog.SbRing(cpus);
            var stem = Path.Combine(directory, shape.Name.ToLowerInvariant());
            await File.WriteAllTextAsync(stem + ".kscn", KscnWriter.Write(shape));
            await File.WriteAllTextAsync(stem + ".litmus", LitmusWriter.Write(shape));
            var withHerd7 = cpus <= LargestHerd7Ring;
            Kind[] kinds =
            [
                .. withHerd7 ? [new Kind("herd7", herd7, ["-model", "x86tso.cat", stem + ".litmus"], new Dictionary<string, string>())] : Array.Empty<Kind>(),
                new("served", client, ["test", stem + ".kscn"], served),
                new("in-process", kscn, ["test", stem + ".kscn"], alone),
            ];
            if (withHerd7)
                Expect(await RunAsync(root, herd7, kinds[0].Arguments, kinds[0].Environment), $"herd7 {shape.Name}", $"Observation {shape.Name} Sometimes ");
            // Unmeasured, as for the folder: the compile cache, and the server's JIT for a search of this size.
            for (var i = 0; i < 3; i++)
                foreach (var kind in kinds.Where(k => k.Name != "herd7"))
                    Expect(await RunAsync(root, kind.Program, kind.Arguments, kind.Environment), $"{kind.Name} {shape.Name}", "1 passed");
            var walls = kinds.ToDictionary(k => k.Name, _ => new List<double>());
            for (var round = 0; round < options.RingRounds; round++)
            {
                foreach (var kind in kinds)
                    walls[kind.Name].Add(Expect(await RunAsync(root, kind.Program, kind.Arguments, kind.Environment), $"{kind.Name} {shape.Name}", null).Milliseconds / 1000);
                progress.WriteLine($"{shape.Name}, round {round + 1} of {options.RingRounds}: " + string.Join(", ", kinds.Select(k => $"{k.Name} {walls[k.Name][^1]:F2} s")));
            }
            var (client1, alone1) = (Median(walls["served"]), Median(walls["in-process"]));
            static string S(double value) => value.ToString("F2", CultureInfo.InvariantCulture);
            static string R(double value) => value.ToString("F3", CultureInfo.InvariantCulture);
            table.Append(withHerd7 && Median(walls["herd7"]) is var herd
                ? $"| {shape.Name} | {S(herd)} | {S(client1)} | {R(client1 / herd)} | {S(alone1)} | {R(alone1 / herd)} |\n"
                : $"| {shape.Name} | not run | {S(client1)} | — | {S(alone1)} | — |\n");
        }
        return $"""

            ## SB rings against herd7, whole process

            - median of {options.RingRounds} rounds, each running every process once, in turn, after three unmeasured kscn rounds; herd7 and kscn agree (Sometimes; the test passes)
            - herd7 runs up to SB-ring-{LargestHerd7Ring}: its time grows about sixfold per two CPUs (SB-ring-16 would take minutes per run)

            {table}
            """;
    }

    /// <summary>One litmus test in both languages.</summary>
    private sealed record Pair(string Stem, string Kscn, string Litmus);

    private static List<Pair> Pairs(string root)
    {
        var kscn = Directory.GetFiles(Path.Combine(root, KscnFolder), "*.kscn").Select(Path.GetFileNameWithoutExtension).ToHashSet();
        var litmus = Directory.GetFiles(Path.Combine(root, LitmusFolder), "*.litmus").Select(Path.GetFileNameWithoutExtension).ToHashSet();
        if (!kscn.SetEquals(litmus))
            throw new BenchException($"{KscnFolder} and {LitmusFolder} must hold the same tests; only in one of them: {string.Join(", ", kscn.Union(litmus).Except(kscn.Intersect(litmus)).Order())}");
        return [.. kscn.Order(StringComparer.Ordinal).Select(stem => new Pair(stem!, $"{KscnFolder}/{stem}.kscn", $"{LitmusFolder}/{stem}.litmus"))];
    }

    /// <summary>One row per test: herd7's answer, the .kscn file's expectation; a disagreement stops the bench.</summary>
    private async Task<List<(Pair Pair, string Herd7, string Kscn)>> VerdictsAsync(string root, string herd7, List<Pair> pairs)
    {
        var herd = Expect(await RunAsync(root, herd7, ["-model", "x86tso.cat", .. pairs.Select(p => p.Litmus)], new Dictionary<string, string>()), "herd7", "Observation");
        var observed = ObservationLine().Matches(herd.Output).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        var rows = new List<(Pair, string, string)>();
        var disagreements = new List<string>();
        foreach (var pair in pairs)
        {
            var name = File.ReadLines(Path.Combine(root, pair.Litmus)).First().Split(' ', 2)[1].Trim();
            var herdVerdict = observed.GetValueOrDefault(name) ?? throw new BenchException($"herd7 printed no observation for {name} ({pair.Litmus}):\n{herd.Output}");
            var expectation = ExpectLine().Match(File.ReadAllText(Path.Combine(root, pair.Kscn)));
            if (!expectation.Success)
                throw new BenchException($"{pair.Kscn} has no 'expect never' or 'expect sometimes'");
            var kscnVerdict = expectation.Groups[1].Value;
            if (!herdVerdict.Equals(kscnVerdict, StringComparison.OrdinalIgnoreCase))
                disagreements.Add($"{pair.Stem}: herd7 says {herdVerdict}, {pair.Kscn} expects {kscnVerdict}");
            rows.Add((pair, herdVerdict, kscnVerdict));
        }
        if (disagreements.Count > 0)
            throw new BenchException("kscn and herd7 disagree:\n" + string.Join("\n", disagreements));
        return rows;
    }

    private async Task<string> BuildHerd7Async(string root)
    {
        progress.WriteLine("building herd7 with bench/reference/herd7/build.sh (once; later runs find it built)");
        var build = await TimedProcess.RunAsync(root, TimeSpan.FromMinutes(30), "sh", ["-c", "bench/reference/herd7/build.sh 2>/dev/null"]);
        var path = build.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        if (build.ExitCode != 0 || path is null || !File.Exists(path))
            throw new BenchException($"bench/reference/herd7/build.sh failed (exit {build.ExitCode}); run it to see why, or pass --herd7");
        return path;
    }

    private async Task<string> PublishAsync(string root, string outDir)
    {
        var kscnDir = await KscnBuild.PublishAsync(root, outDir, "compiler/ScenarioLang.Cli", "kscn", progress);
        await KscnBuild.PublishAsync(root, outDir, "compiler/ScenarioLang.Client", "kscn", progress);
        return kscnDir;
    }

    /// <summary>Wall time of a whole process started directly (no time or timeout wrapper: at 10 ms their own starts would count).</summary>
    private sealed record Timed(double Milliseconds, int ExitCode, string Output);

    private static async Task<Timed> RunAsync(string root, string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new BenchException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new BenchException($"{program} {string.Join(' ', start.ArgumentList)} took longer than {Limit.TotalSeconds:F0} s");
        }
        clock.Stop();
        return new Timed(clock.Elapsed.TotalMilliseconds, process.ExitCode, await stdout + await stderr);
    }

    private static Timed Expect(Timed result, string what, string? mustContain)
    {
        if (result.ExitCode != 0 || (mustContain is not null && !result.Output.Contains(mustContain, StringComparison.Ordinal)))
            throw new BenchException($"{what} failed (exit {result.ExitCode}):\n{result.Output}");
        return result;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    [GeneratedRegex(@"^Observation (\S+) (Sometimes|Never|Always) ", RegexOptions.Multiline)]
    private static partial Regex ObservationLine();

    [GeneratedRegex(@"^\s*expect (never|sometimes) ", RegexOptions.Multiline)]
    private static partial Regex ExpectLine();

    private string Report(string root, string herd7, string kscnDir, List<(Pair Pair, string Herd7, string Kscn)> verdicts, Kind[] kinds, Dictionary<string, double> medians)
    {
        static string Ms(double value) => value.ToString("F1", CultureInfo.InvariantCulture);
        var agreement = new StringBuilder("| Test | herd7 (x86tso.cat) | kscn expectation |\n|---|---|---|\n");
        foreach (var (pair, herd, kscn) in verdicts)
            agreement.Append($"| {pair.Stem} | {herd} | `{kscn}` (passes) |\n");
        var table = new StringBuilder("| Process | Wall ms (median) | Ratio to herd7 |\n|---|--:|--:|\n");
        for (var i = 0; i < kinds.Length; i++)
        {
            var reference = medians[kinds[i < 3 ? 0 : 3].Name];
            var median = medians[kinds[i].Name];
            var ratio = i is 0 or 3 ? "reference" : (median / reference).ToString("F2", CultureInfo.InvariantCulture);
            table.Append($"| {kinds[i].Name} | {Ms(median)} | {ratio} |\n");
        }
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";
        return $"""
            ## Litmus tests against herd7, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC

            {MachineInfo.Read(root).Markdown()}- herd7: `{herd7}` ({Herd7Version(herd7)}); kscn: `{kscnDir}`; load average at the end: {load}
            - {verdicts.Count} tests; median of {options.Rounds} rounds, each running every process once, in turn, after 3 unmeasured rounds

            {agreement}
            {table}
            """;
    }

    private static string Herd7Version(string herd7)
    {
        var start = new ProcessStartInfo(herd7, ["-version"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start);
        var output = process?.StandardOutput.ReadToEnd().Trim() ?? "";
        process?.WaitForExit();
        return output.Length > 0 ? "herd7 " + output : "version unknown";
    }
}
