using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ScenarioLang.Bench.Measuring;
using ScenarioLang.Bench.Shapes;

namespace ScenarioLang.Bench.Explore;

/// <summary>
/// kscn explore on the same shapes by two builds (<c>--baseline</c>) or with <c>--jobs 1</c> and <c>--jobs 2</c>
/// (<c>--jobs-pair</c>), or both, run in turns (every variant once, then again) so that the load of a shared machine
/// falls on all of them alike; the figures are the medians. Executions per CPU-second divide by the search's CPU time:
/// the process's less the floor's (the same build and jobs on SB-ring-2: start-up, parse, the cached assembly, a tiny
/// search), so a faster start-up does not pass for a faster search. The outputs of the variants are compared (less
/// kscn's timing line): a faster kscn that prints something else is not faster. With <c>--jobs-pair</c>, two
/// <c>--jobs 1</c> processes also run at once: twice one's wall time over theirs is what two threads could gain at
/// most on this machine, whose cores the runtime's own threads (JIT, GC) and the neighbours' load share.
/// </summary>
/// <remarks>
/// With <c>--warm N</c> each process explores the shape's file N times in one <c>kscn explore</c>, and a second table
/// sums, per explore block, the search times kscn reports for copies 3 to N: the first copy pays the JIT's first
/// compilation, the second its promotion of the hot code, and the rest is the search alone, which a process's CPU
/// time cannot show for a search of a tenth of a second. Each copy is a file of its own to kscn: its generated code is
/// compiled and JIT-compiled again, and what the earlier copies printed is kept to the end, which a search of a few
/// milliseconds feels. Served, the file is instead asked for N times, one request each, as a reviewer runs it again
/// on a warm server (the same assembly and code, if the server keeps them); the requests' times are added.
/// <para>
/// With <c>--served</c> every build's processes are clients of a <c>kscn server</c> of its own (started with
/// <c>kscn server start</c>, so with what kscn gives a server it starts, and warmed by the unmeasured round): the
/// way kscn runs by default. The wall times and the warm table are then the served search's; a client's CPU time is
/// not the search's, so the CPU columns and the executions per CPU-second are left out, and so are the two processes
/// at once (two clients of one server measure the server, not the machine).
/// </para>
/// </remarks>
public sealed partial class PairedBench(ExploreBenchOptions options, PairedOptions paired, TextWriter progress)
{
    private const int FloorRuns = 3;

    public async Task<string> RunAsync()
    {
        TimedProcess.EnsureAvailable();
        var root = RepoRoot.Find();
        var kscn = options.Kscn is { } given ? Path.GetFullPath(given) : await KscnBuild.ReleaseAsync(root, progress);
        var outDir = Path.GetFullPath(options.Out ?? Path.Combine(Path.GetTempPath(), $"kscn-bench-{DateTime.UtcNow:yyyyMMdd-HHmmss}"));
        var shapesDir = Directory.CreateDirectory(Path.Combine(outDir, "shapes")).FullName;
        var logsDir = Directory.CreateDirectory(Path.Combine(outDir, "logs")).FullName;

        List<(string Name, string Dll)> builds = [("this", kscn)];
        if (paired.Baseline is { } baseline)
            builds.Insert(0, ("baseline", Path.GetFullPath(baseline)));
        foreach (var (_, dll) in builds.Where(b => !File.Exists(b.Dll)))
            throw new BenchException($"{dll} does not exist");
        int?[] jobs = paired.JobsPair ? [1, 2] : [null];
        var environments = builds.Select((_, i) => Environment(outDir, i)).ToList();
        var variants = builds.SelectMany((b, i) => jobs.Select(j => new Variant(b.Name, b.Dll, j, environments[i]))).ToList();
        // What two threads can gain on this machine at most: two --jobs 1 processes at once, against one alone.
        if (paired.JobsPair && !paired.Served)
            variants.AddRange(builds.Select((b, i) => new Variant(b.Name, b.Dll, 1, environments[i], Copies: 2)));
        progress.WriteLine($"kscn-bench: {string.Join(", ", variants.Select(v => v.Label))}; logs and results.md in {outDir}");
        if (paired.Served)
        {
            foreach (var (build, environment) in builds.Zip(environments))
                await ServerAsync(build.Dll, "start", environment, logsDir);
            if (paired.After is { } after)
            {
                foreach (var (build, environment) in builds.Zip(environments))
                    await ExploreFirstAsync(build.Dll, Path.GetFullPath(after), environment, logsDir);
            }
        }
        try
        {
            return await MeasureAsync(root, outDir, shapesDir, logsDir, variants);
        }
        finally
        {
            if (paired.Served)
            {
                foreach (var (build, environment) in builds.Zip(environments))
                    await ServerAsync(build.Dll, "stop", environment, logsDir);
            }
        }
    }

    /// <summary>A build's environment: its own compile cache (the two builds' runtimes differ) and, served, its own server.</summary>
    private Dictionary<string, string> Environment(string outDir, int build)
    {
        var environment = new Dictionary<string, string> { ["KSCN_CACHE_DIR"] = Path.Combine(outDir, $"cache-{build}"), ["KSCN_SERVER"] = paired.Served ? "1" : "0" };
        if (paired.Served)
            environment["XDG_RUNTIME_DIR"] = Directory.CreateDirectory(Path.Combine(outDir, $"run-{build}")).FullName;
        return environment;
    }

    private async Task ServerAsync(string dll, string verb, Dictionary<string, string> environment, string logsDir)
    {
        var run = await TimedProcess.RunAsync(logsDir, options.Timeout, "dotnet", [dll, "server", verb], environment);
        if (run.ExitCode != 0)
            throw new BenchException($"kscn server {verb} ({dll}) failed (exit {run.ExitCode}):\n{run.Output}");
    }

    /// <summary>The server explores <paramref name="file"/> before anything is measured (<c>--after</c>).</summary>
    private async Task ExploreFirstAsync(string dll, string file, Dictionary<string, string> environment, string logsDir)
    {
        if (!File.Exists(file))
            throw new BenchException($"{file} does not exist");
        var (command, through) = Command(dll);
        var run = await TimedProcess.RunAsync(logsDir, options.Timeout, command, [.. through, "explore", file], environment);
        if (run.TimedOut || run.ExitCode is not (0 or 1))
            throw new BenchException($"kscn explore {file} ({dll}) failed (exit {run.ExitCode}):\n{run.Output}");
    }

    private async Task<string> MeasureAsync(string root, string outDir, string shapesDir, string logsDir, List<Variant> variants)
    {

        var floorShape = BenchShape.Generated(LitmusCatalog.SbRing(LitmusCatalog.SmallestRing), shapesDir);
        var shapes = LitmusCatalog.SbRings(options.MaxRing)
            .Select(s => BenchShape.Generated(s, shapesDir))
            .Concat(BenchShape.Samples.Select(s => BenchShape.Sample(root, s, shapesDir)))
            .Where(s => s.Matches(options.Filter))
            .ToList();

        // One unmeasured run of each file per variant first, so every measured run finds its assembly in the cache.
        foreach (var shape in shapes.Prepend(floorShape))
            foreach (var variant in variants)
                await ExploreAsync(variant, shape, Path.Combine(logsDir, "warm-up.txt"));

        var floors = new Dictionary<Variant, ProcessResult>();
        foreach (var variant in variants)
            floors[variant] = Median(await Turns(variants.Where(v => v == variant).ToList(), floorShape, FloorRuns, logsDir))[variant];

        var rows = new List<(BenchShape Shape, Dictionary<Variant, ProcessResult> Runs)>();
        var warmRows = new List<(BenchShape Shape, Dictionary<Variant, List<ProcessResult>> Runs)>();
        foreach (var shape in shapes)
        {
            var turns = await Turns(variants, shape, options.Repeat, logsDir);
            var median = Median(turns);
            rows.Add((shape, median));
            warmRows.Add((shape, turns));
            progress.WriteLine($"{shape.Name}: " + string.Join("; ", variants.Select(v => $"{v.Label} {median[v].WallSeconds:F2} s wall, {median[v].CpuSeconds:F2} s CPU")));
        }

        var report = Report(root, variants, floors, rows) + (paired.Warm is { } copies ? WarmReport(variants, warmRows, copies, paired.Served) : "");
        File.WriteAllText(Path.Combine(outDir, "results.md"), report);
        return report;
    }

    /// <summary>Runs every variant once per turn, <paramref name="turns"/> times; returns each variant's runs.</summary>
    private async Task<Dictionary<Variant, List<ProcessResult>>> Turns(List<Variant> variants, BenchShape shape, int turns, string logsDir)
    {
        var runs = variants.ToDictionary(v => v, _ => new List<ProcessResult>());
        for (var turn = 0; turn < turns; turn++)
        {
            foreach (var variant in variants)
            {
                var log = Path.Combine(logsDir, $"{shape.Name.Replace('/', '-')}-{variant.Label.Replace(' ', '-')}-{turn + 1}.txt");
                runs[variant].Add(await ExploreAsync(variant, shape, log));
            }
        }
        return runs;
    }

    /// <summary>
    /// The variant's run; for several copies at once, the wall time until the last ends, each one's CPU time on
    /// average, the largest peak, the first one's output (any other output is a failure).
    /// </summary>
    private async Task<ProcessResult> ExploreAsync(Variant variant, BenchShape shape, string log)
    {
        var (command, through) = Command(variant.Dll);
        // In one process the file is named N times; served, it is asked for N times (see the class's remarks).
        var (copies, requests) = paired.Served ? (1, paired.Warm ?? 1) : (paired.Warm ?? 1, 1);
        IEnumerable<string> arguments = [.. through, "explore", .. Enumerable.Repeat(shape.File, copies)];
        if (variant.Jobs is { } jobs)
            arguments = arguments.Concat(["--jobs", jobs.ToString(CultureInfo.InvariantCulture)]);
        var runs = await Task.WhenAll(Enumerable.Range(0, variant.Copies).Select(_ => Requests(requests, () =>
            TimedProcess.RunAsync(Path.GetDirectoryName(shape.File)!, options.Timeout, command, arguments.Concat(options.KscnArguments), variant.Environment))));
        var result = runs[0];
        if (runs.Any(r => Comparable(r.Output) != Comparable(result.Output)))
            throw new BenchException($"{variant.Label} on {shape.Name}: the copies printed different outputs");
        result = result with
        {
            Wall = runs.Max(r => r.Wall),
            CpuSeconds = runs.Average(r => r.CpuSeconds),
            PeakMiB = runs.Max(r => r.PeakMiB),
            ExitCode = runs.Select(r => r.ExitCode).FirstOrDefault(c => c != 0),
            TimedOut = runs.Any(r => r.TimedOut),
        };
        File.WriteAllText(log, result.Output);
        return result;
    }

    /// <summary>The same invocation <paramref name="count"/> times in a row, as one result: the wall and CPU times added, the largest peak, the outputs joined.</summary>
    private static async Task<ProcessResult> Requests(int count, Func<Task<ProcessResult>> run)
    {
        var result = await run();
        for (var i = 1; i < count && !result.TimedOut; i++)
        {
            var next = await run();
            result = next with
            {
                Wall = result.Wall + next.Wall,
                CpuSeconds = result.CpuSeconds + next.CpuSeconds,
                PeakMiB = Math.Max(result.PeakMiB, next.PeakMiB),
                Output = result.Output + next.Output,
            };
        }
        return result;
    }

    /// <summary>
    /// How a build is run: <c>dotnet kscn.dll</c>, or served, the native kscn-client beside it when the build has one (a
    /// published tool package does), which starts no .NET runtime, as a user's served invocations need not.
    /// </summary>
    private (string Command, string[] Arguments) Command(string dll) =>
        paired.Served && Path.Combine(Path.GetDirectoryName(dll)!, "kscn-client") is var client && File.Exists(client)
            ? (client, [])
            : ("dotnet", [dll]);

    private static Dictionary<Variant, ProcessResult> Median(Dictionary<Variant, List<ProcessResult>> runs) =>
        runs.ToDictionary(r => r.Key, r => r.Value.OrderBy(p => p.Wall).ElementAt(r.Value.Count / 2));

    private string Report(string root, List<Variant> variants, Dictionary<Variant, ProcessResult> floors, List<(BenchShape Shape, Dictionary<Variant, ProcessResult> Runs)> rows)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"## kscn explore, paired, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC\n\n");
        text.Append(MachineInfo.Read(root).Markdown());
        text.Append(CultureInfo.InvariantCulture, $"- Load average before the run: {LoadAverage()}\n");
        if (paired.Served)
            text.Append("- Served: each build's processes are clients of a warm `kscn server` of its own; CPU is the client's, so only wall times compare\n");
        if (paired.After is { } after)
            text.Append(CultureInfo.InvariantCulture, $"- Each server first explored `{Path.GetFileName(after)}`, unmeasured\n");
        foreach (var variant in variants)
            text.Append(CultureInfo.InvariantCulture, $"- {variant.Label}: `{string.Join(' ', [Command(variant.Dll).Command, .. Command(variant.Dll).Arguments])}`; floor (SB-ring-2, median of {FloorRuns}) {floors[variant].WallSeconds:F2} s wall, {floors[variant].CpuSeconds:F2} s CPU\n");
        text.Append(CultureInfo.InvariantCulture, $"- Runs per variant and shape: {options.Repeat}, in turns; medians by wall time; extra arguments: {(options.KscnArguments.Count == 0 ? "none" : string.Join(' ', options.KscnArguments))}\n\n");

        text.Append(paired.Served
            ? "| Shape | Variant | Executions | Wall s | Same output |\n|---|---|--:|--:|---|\n"
            : "| Shape | Variant | Executions | Wall s | CPU s | Search CPU s | Executions / CPU-s | Peak MiB | Same output |\n|---|---|--:|--:|--:|--:|--:|--:|---|\n");
        foreach (var (shape, runs) in rows)
        {
            var reference = Comparable(runs[variants[0]].Output);
            foreach (var variant in variants)
            {
                var run = runs[variant];
                // A change to the search itself (which executions it runs) changes its counts, not what it concludes.
                var same = Comparable(run.Output) == reference ? "yes"
                    : Conclusions(run.Output) == Conclusions(runs[variants[0]].Output) ? "same verdicts and states" : "**no**";
                text.Append(CultureInfo.InvariantCulture, $"| {shape.Name} | {variant.Label} | {Count(Executions(run))} | {run.WallSeconds:F2} | ");
                if (!paired.Served)
                    text.Append(CultureInfo.InvariantCulture, $"{run.CpuSeconds:F2} | {SearchCpu(run, floors[variant]):F2} | {PerCpuSecond(run, floors[variant])} | {run.PeakMiB:F0} | ");
                text.Append(same).Append(" |\n");
            }
        }
        text.Append('\n').Append(Ratios(variants, floors, rows, paired.Served));
        return text.ToString();
    }

    /// <summary>The ratios the issue asks about: executions per CPU-second of this build over the baseline's, and wall time with --jobs 1 over --jobs 2.</summary>
    private static string Ratios(List<Variant> variants, Dictionary<Variant, ProcessResult> floors, List<(BenchShape Shape, Dictionary<Variant, ProcessResult> Runs)> rows, bool served)
    {
        var text = new StringBuilder();
        var pairs = new List<(string Name, Func<Dictionary<Variant, ProcessResult>, string> Cell)>();
        foreach (var jobs in variants.Select(v => v.Jobs).Distinct())
        {
            var (baseline, mine) = (variants.Find(v => v.Build == "baseline" && v.Jobs == jobs), variants.Find(v => v.Build == "this" && v.Jobs == jobs));
            if (baseline is not null && mine is not null)
            {
                pairs.Add(served
                    ? ($"Wall, baseline ÷ this{JobsSuffix(jobs)}", runs => Ratio(runs[baseline].WallSeconds, runs[mine].WallSeconds))
                    : ($"Executions / CPU-s, this ÷ baseline{JobsSuffix(jobs)}", runs => Ratio(Rate(runs[mine], floors[mine]), Rate(runs[baseline], floors[baseline]))));
                // The same search's CPU time, whatever number of executions each build needed to decide it.
                if (!served)
                    pairs.Add(($"Search CPU-s, baseline ÷ this{JobsSuffix(jobs)}", runs => Ratio(SearchCpu(runs[baseline], floors[baseline]), SearchCpu(runs[mine], floors[mine]))));
            }
        }
        foreach (var build in variants.Select(v => v.Build).Distinct())
        {
            var (one, two) = (variants.Find(v => v.Build == build && v is { Jobs: 1, Copies: 1 }), variants.Find(v => v.Build == build && v.Jobs == 2));
            if (one is not null && two is not null)
                pairs.Add(($"Wall, --jobs 1 ÷ --jobs 2 ({build})", runs => Ratio(runs[one].WallSeconds, runs[two].WallSeconds)));
            if (one is not null && variants.Find(v => v.Build == build && v.Copies == 2) is { } together)
                pairs.Add(($"Machine's ceiling: 2 × one --jobs 1 ÷ two at once ({build})", runs => Ratio(2 * runs[one].WallSeconds, runs[together].WallSeconds)));
        }
        if (pairs.Count == 0)
            return "";
        text.Append("| Shape | ").Append(string.Join(" | ", pairs.Select(p => p.Name))).Append(" |\n");
        text.Append("|---|").Append(string.Concat(pairs.Select(_ => "--:|"))).Append('\n');
        foreach (var (shape, runs) in rows)
            text.Append("| ").Append(shape.Name).Append(" | ").Append(string.Join(" | ", pairs.Select(p => p.Cell(runs)))).Append(" |\n");
        return text.ToString();
    }

    /// <summary>
    /// Per explore block, the sum of kscn's own search times for copies 3 to <paramref name="copies"/> of the file in
    /// one process, the median over the turns; each against the baseline at the same --jobs, or --jobs 2 against --jobs 1.
    /// </summary>
    private static string WarmReport(List<Variant> variants, List<(BenchShape Shape, Dictionary<Variant, List<ProcessResult>> Runs)> rows, int copies, bool served)
    {
        var text = new StringBuilder();
        var how = served ? $"asked for {copies} times of a warm server, one request each, requests" : $"{copies} times in one process, copies";
        text.Append(CultureInfo.InvariantCulture, $"\n### Warm: the file {how} 3 to {copies} summed per explore block (kscn's own search times), median of the turns\n\n");
        var single = variants.Where(v => v.Copies == 1).ToList();
        var copy = served ? "request" : "copy";
        text.Append(CultureInfo.InvariantCulture, $"| Shape | Block | Variant | Executions per {copy} | Search s, {copy} 3 to N | Executions / s | Against |\n");
        text.Append("|---|---|---|--:|--:|--:|---|\n");
        foreach (var (shape, runs) in rows)
        {
            var blocks = single.ToDictionary(v => v, v => WarmBlocks(runs[v], copies, $"{v.Label} on {shape.Name}"));
            // A file of several blocks (pgd/late-wmb: fork and exec) also gets its whole search, the blocks' sums added.
            if (blocks.Values.First().Count > 1)
            {
                foreach (var sums in blocks.Values)
                    sums[AllBlocks] = (sums.Values.Sum(s => s.Executions), sums.Values.Sum(s => s.Seconds));
            }
            foreach (var block in blocks.Values.First().Keys)
            {
                foreach (var (variant, sums) in blocks)
                {
                    var (executions, seconds) = sums.TryGetValue(block, out var sum) ? sum : throw new BenchException($"{variant.Label} on {shape.Name}: no explore block {block}");
                    var rate = seconds > 0 ? executions * (copies - 2) / seconds : (double?)null;
                    // This build against the baseline at the same --jobs, or --jobs 2 against --jobs 1 of the same build.
                    var (reference, against) = variant.Build == "this" && single.Find(v => v.Build == "baseline" && v.Jobs == variant.Jobs) is { } b
                        ? (b, "÷ baseline")
                        : variant.Jobs == 2 && single.Find(v => v.Build == variant.Build && v.Jobs == 1) is { } one ? (one, "--jobs 1 ÷ --jobs 2") : (null, "");
                    var ratio = reference is not null ? $"{Ratio(blocks[reference][block].Seconds, seconds)} {against}" : "";
                    text.Append(CultureInfo.InvariantCulture, $"| {shape.Name} | {block} | {variant.Label} | {Count(executions)} | {seconds:F3} | {(rate is { } r ? Count((long)r) : "—")} | {ratio} |\n");
                }
            }
        }
        return text.ToString();
    }

    private const string AllBlocks = "all blocks";

    /// <summary>For each explore block of the runs (one process per turn), its executions per copy and the median over the turns of the seconds of copies 3 to N.</summary>
    private static Dictionary<string, (long Executions, double Seconds)> WarmBlocks(List<ProcessResult> turns, int copies, string what)
    {
        var perTurn = turns.Select(run =>
        {
            var lines = ExploreOutput.Timings(run.Output);
            var blocks = lines.GroupBy(l => l.Block).ToList();
            if (blocks.Count == 0 || blocks.Any(b => b.Count() != copies))
                throw new BenchException($"{what}: expected every explore block {copies} times in kscn's timing lines, found {string.Join(", ", blocks.Select(b => $"{b.Key} {b.Count()}"))}");
            return blocks.ToDictionary(b => b.Key, b => (b.First().Executions, b.Skip(2).Sum(t => t.Seconds)));
        }).ToList();
        return perTurn[0].Keys.ToDictionary(block => block, block =>
        {
            var seconds = perTurn.Select(t => t[block].Item2).Order().ToList();
            return (perTurn[0][block].Executions, seconds[seconds.Count / 2]);
        });
    }

    private static string JobsSuffix(int? jobs) => jobs is { } j ? $" (--jobs {j})" : "";

    private static long? Executions(ProcessResult run) => ExploreOutput.Parse(run.Output)?.Executions + (ExploreOutput.Parse(run.Output)?.Pruned ?? 0);

    private static double SearchCpu(ProcessResult run, ProcessResult floor) => Math.Max(0, run.CpuSeconds - floor.CpuSeconds);

    /// <summary>Runs (executions to a final state and pruned ones) per CPU-second of search; null below 0.02 s, where it would be noise.</summary>
    private static double? Rate(ProcessResult run, ProcessResult floor) =>
        Executions(run) is { } n && SearchCpu(run, floor) is var cpu and >= 0.02 ? n / cpu : null;

    private static string PerCpuSecond(ProcessResult run, ProcessResult floor) => Rate(run, floor) is { } r ? Count((long)r) : "—";

    private static string Ratio(double? a, double? b) => a is { } x && b is { } y && y > 0 ? (x / y).ToString("F2", CultureInfo.InvariantCulture) + "×" : "—";

    private static string Count(long? value) => value?.ToString("N0", CultureInfo.InvariantCulture) ?? "—";

    /// <summary>What the output concludes: each verdict with its step, and the distinct final states, without the counts.</summary>
    private static string Conclusions(string output) =>
        string.Join('\n', VerdictLine().Matches(output).Select(m => m.Value)) + "\n" +
        string.Join('\n', StateLine().Matches(output).Select(m => m.Groups[1].Value).Distinct().Order(StringComparer.Ordinal));

    [GeneratedRegex(@"^  \[(pass|FAIL| \?\? )\] \d+:\d+ .*?(?=   \(|$)", RegexOptions.Multiline)]
    private static partial Regex VerdictLine();

    [GeneratedRegex(@"^ +\d+× (.*)$", RegexOptions.Multiline)]
    private static partial Regex StateLine();

    /// <summary>The output less kscn's timing line ("kscn: explored … in 0.27 s: …, N per second"), which differs from run to run.</summary>
    private static string Comparable(string output) =>
        string.Join('\n', output.Split('\n').Where(l => !l.StartsWith("kscn: explored", StringComparison.Ordinal)));

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>A build at a --jobs (null: kscn's default), in its build's environment (<see cref="Environment(string, int)"/>).</summary>
    /// <remarks><paramref name="Copies"/>: processes started at once, each the same command.</remarks>
    private sealed record Variant(string Build, string Dll, int? Jobs, IReadOnlyDictionary<string, string> Environment, int Copies = 1)
    {
        public string Label => (Jobs is { } j ? $"{Build} --jobs {j}" : Build) + (Copies > 1 ? $", {Copies} processes at once" : "");
    }
}

/// <param name="Baseline">A second kscn.dll (e.g. an older commit's build) measured in turns with the first.</param>
/// <param name="JobsPair">Measure every build with --jobs 1 and with --jobs 2.</param>
/// <param name="Warm">Explore each file this many times in one process (served: in as many requests), and report the search times of copies 3 on.</param>
/// <param name="Served">Run every build's processes as clients of a warm kscn server of its own.</param>
/// <param name="After">Served: a file each build's server explores first, unmeasured.</param>
public sealed record PairedOptions(string? Baseline, bool JobsPair, int? Warm = null, bool Served = false, string? After = null);
