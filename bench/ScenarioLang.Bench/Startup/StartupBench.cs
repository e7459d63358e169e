using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ScenarioLang.Bench.Measuring;

namespace ScenarioLang.Bench.Startup;

/// <summary>
/// kscn-bench startup: whole processes, each kind run in turn so that the machine's noise spreads over all of them.
/// (a) a .NET hello world, (b) kscn run on an unchanged sample (its compile cache warm) in its own process,
/// (b') the same handed to a warm kscn server, (c) kscn run on a copy whose generated C# differs every time (a cache
/// miss: Roslyn runs), (d) Roslyn alone compiling the sample's C# in a process of its own. b÷a and b'÷a are what
/// running a scenario costs over starting .NET; c÷d what kscn adds to Roslyn.
/// </summary>
public sealed partial class StartupBench(StartupBenchOptions options, TextWriter progress)
{
    private const string Sample = "samples/ioperm/andy-stale-tss-bits.kscn";
    // The step of the changed copy whose port changes on every run: A has every port, so the verdict stays.
    private const string ChangedStep = "cpu0 A: outb 0x3f8 -> ok";
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    private int _changes;

    /// <param name="Reference">The letter of the kind this one's ratio divides by; null for the reference itself.</param>
    private sealed record Kind(string Letter, string Name, string? Reference, Func<Task<ProcessResult>> Run);

    public async Task<string> RunAsync()
    {
        TimedProcess.EnsureAvailable();
        var root = RepoRoot.Find();
        var outDir = Path.GetFullPath(options.Out ?? Path.Combine(Path.GetTempPath(), $"kscn-startup-{DateTime.UtcNow:yyyyMMdd-HHmmss}"));
        Directory.CreateDirectory(outDir);
        progress.WriteLine($"kscn-bench startup: published programs, logs and results.md in {outDir}");

        var kscnDir = options.Kscn is { } given ? Path.GetFullPath(given) : await PublishAsync(root, outDir, "compiler/ScenarioLang.Cli", "kscn");
        var helloDir = await PublishAsync(root, outDir, "bench/HelloWorld", "hello");
        var benchDir = await PublishAsync(root, outDir, "bench/ScenarioLang.Bench", "bench", "-p:PublishReadyToRun=true");
        // Every kscn in its own process but (b'), whose server listens in a runtime directory of this bench's own.
        var cache = new Dictionary<string, string> { ["KSCN_CACHE_DIR"] = Path.Combine(outDir, "cache"), ["KSCN_SERVER"] = "0" };
        var served = new Dictionary<string, string>(cache) { ["KSCN_SERVER"] = "1", ["XDG_RUNTIME_DIR"] = Path.Combine(outDir, "run") };
        var changed = Path.Combine(outDir, "changed.kscn");
        var generated = Path.Combine(outDir, "sample.g.cs");
        var emit = await StartAsync(root, kscnDir, "kscn", ["emit", Sample], cache);
        await File.WriteAllTextAsync(generated, Expect(emit, "kscn emit", "namespace"));

        Kind[] kinds =
        [
            new("a", "hello world", null, () => StartAsync(root, helloDir, "hello", [])),
            new("b", "kscn run, unchanged sample, in-process", "a", () => StartAsync(root, kscnDir, "kscn", ["run", Sample], cache)),
            new("b'", "kscn run, unchanged sample, served", "a", () => StartAsync(root, kscnDir, "kscn", ["run", Sample], served)),
            new("c", "kscn run, changed sample", "d", () => { WriteChanged(root, changed); return StartAsync(root, kscnDir, "kscn", ["run", changed], cache); }),
            new("d", "Roslyn alone, the sample's C#", "a", () => StartAsync(root, benchDir, "kscn-bench", ["roslyn", generated, "--reference", Path.Combine(kscnDir, "ScenarioLang.Runtime.dll")])),
        ];
        Expect(await StartAsync(root, kscnDir, "kscn", ["server", "start"], served), "kscn server start", "kscn server: pid");
        try
        {
            return await MeasureAsync(root, outDir, kscnDir, kinds, cache, served, changed);
        }
        finally
        {
            Expect(await StartAsync(root, kscnDir, "kscn", ["server", "stop"], served), "kscn server stop", "kscn server: stopped");
        }
    }

    private async Task<string> MeasureAsync(string root, string outDir, string kscnDir, Kind[] kinds,
        Dictionary<string, string> cache, Dictionary<string, string> served, string changed)
    {
        // One unmeasured round: the disk cache of the files, kscn's compile cache for (b), the server's first request for (b').
        foreach (var kind in kinds)
            Expect(await kind.Run(), kind.Name, null);
        var runs = kinds.ToDictionary(k => k.Name, _ => new List<ProcessResult>());
        for (var i = 0; i < options.Runs; i++)
        {
            foreach (var kind in kinds)
            {
                var result = await kind.Run();
                Expect(result, kind.Name, null);
                runs[kind.Name].Add(result);
            }
            progress.WriteLine($"round {i + 1} of {options.Runs}: " + string.Join(", ", kinds.Select(k => $"{runs[k.Name][^1].WallSeconds:F2} s")));
        }
        var timings = new Dictionary<string, string> { ["KSCN_TIMINGS"] = "1" };
        var unchangedPhases = Phases(await StartAsync(root, kscnDir, "kscn", ["run", Sample], cache.Concat(timings).ToDictionary()));
        var servedPhases = Phases(await StartAsync(root, kscnDir, "kscn", ["run", Sample], served.Concat(timings).ToDictionary()));
        WriteChanged(root, changed);
        var changedPhases = Phases(await StartAsync(root, kscnDir, "kscn", ["run", changed], cache.Concat(timings).ToDictionary()));

        var report = Report(root, kscnDir, kinds, runs.ToDictionary(r => r.Key, r => Median(r.Value)), [("unchanged (b)", unchangedPhases), ("served (b')", servedPhases), ("changed (c)", changedPhases)]);
        await File.WriteAllTextAsync(Path.Combine(outDir, "results.md"), report);
        return report;
    }

    private Task<string> PublishAsync(string root, string outDir, string project, string name, params string[] extra) =>
        KscnBuild.PublishAsync(root, outDir, project, name, progress, extra);

    private Task<ProcessResult> StartAsync(string root, string directory, string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null) =>
        options.ViaDotnet
            ? TimedProcess.RunAsync(root, Limit, "dotnet", arguments.Prepend(Path.Combine(directory, program + ".dll")), environment)
            : TimedProcess.RunAsync(root, Limit, Path.Combine(directory, program), arguments, environment);

    /// <summary>The sample with its port changed, so kscn generates C# it has not compiled before.</summary>
    private void WriteChanged(string root, string path)
    {
        var text = File.ReadAllText(Path.Combine(root, Sample));
        if (!text.Contains(ChangedStep, StringComparison.Ordinal))
            throw new BenchException($"{Sample} no longer has the step '{ChangedStep}' the changed copy varies");
        var port = 0x400 + _changes++;
        File.WriteAllText(path, text.Replace(ChangedStep, $"cpu0 A: outb 0x{port:x} -> ok", StringComparison.Ordinal));
    }

    /// <summary>A failed process makes every figure meaningless: stop with its output. Returns stdout and stderr.</summary>
    private static string Expect(ProcessResult result, string what, string? mustContain)
    {
        if (result.ExitCode != 0 || (mustContain is not null && !result.Output.Contains(mustContain, StringComparison.Ordinal)))
            throw new BenchException($"{what} failed (exit {result.ExitCode}):\n{result.Output}");
        return result.Output;
    }

    private static ProcessResult Median(List<ProcessResult> runs) => runs.OrderBy(r => r.Wall).ElementAt(runs.Count / 2);

    private static IReadOnlyDictionary<string, double> Phases(ProcessResult result) =>
        result.Output.Split('\n').Select(l => TimingLine().Match(l)).Where(m => m.Success)
            .ToDictionary(m => m.Groups[1].Value.TrimEnd(), m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^kscn timings: (.+?)\s+([\d.]+) ms$")]
    private static partial Regex TimingLine();

    private string Report(string root, string kscnDir, Kind[] kinds, Dictionary<string, ProcessResult> medians,
        (string Process, IReadOnlyDictionary<string, double> Phases)[] phasesOf)
    {
        string Figure(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
        var byLetter = kinds.ToDictionary(k => k.Letter, k => medians[k.Name]);
        var table = new StringBuilder("| Process | Wall s | Ratio | Peak MiB |\n|---|--:|--:|--:|\n");
        foreach (var kind in kinds)
        {
            var median = medians[kind.Name];
            var ratio = kind.Reference is { } reference ? $"{kind.Letter} ÷ {reference} = {Figure(median.WallSeconds / byLetter[reference].WallSeconds, "F1")}" : "reference";
            table.Append($"| ({kind.Letter}) {kind.Name} | {Figure(median.WallSeconds, "F3")} | {ratio} | {Figure(median.PeakMiB, "F0")} |\n");
        }
        var phases = new StringBuilder($"| Phase | {string.Join(" | ", phasesOf.Select(p => p.Process + " ms"))} |\n|---|{string.Concat(phasesOf.Select(_ => "--:|"))}\n");
        foreach (var phase in phasesOf.SelectMany(p => p.Phases.Keys).Distinct())
            phases.Append($"| {phase} | {string.Join(" | ", phasesOf.Select(p => Cell(p.Phases, phase)))} |\n");
        var host = options.ViaDotnet ? "`dotnet X.dll`" : "its apphost";
        return $"""
            ## Start-up, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC

            {MachineInfo.Read(root).Markdown()}- kscn: `{kscnDir}`; every process started through {host}; median of {options.Runs} processes of each kind, run in turn

            {table}
            Phases of one more kscn process of each kind (`KSCN_TIMINGS=1`):

            {phases}
            """;
    }

    private static string Cell(IReadOnlyDictionary<string, double> phases, string phase) =>
        phases.TryGetValue(phase, out var ms) ? ms.ToString("F1", CultureInfo.InvariantCulture) : "—";
}
