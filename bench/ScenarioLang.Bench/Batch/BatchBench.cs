using System.CommandLine;
using System.Globalization;
using ScenarioLang.Bench.Measuring;

namespace ScenarioLang.Bench.Batch;

/// <summary>
/// kscn test on corpora of 100 and 1000 files, each as one whole process, against the reference of the same files run
/// as separate kscn run processes; cold (--no-cache: Roslyn every time) and warm (the compile cache filled). Every
/// figure comes from this one run, so the ratios hold on a noisy machine.
/// </summary>
public sealed class BatchBench(BatchBenchOptions options, TextWriter progress)
{
    public static Command Command()
    {
        var output = new Option<string?>("--out") { Description = "Directory for the generated corpora, the logs and results.md (default: a new temporary one)." };
        var kscn = new Option<string?>("--kscn") { Description = "The kscn.dll to measure (default: build compiler/ScenarioLang.Cli in Release and use it)." };
        var sizes = new Option<int[]>("--sizes") { Description = "Files in each kscn test corpus.", DefaultValueFactory = _ => [100, 1000], AllowMultipleArgumentsPerToken = true };
        var separate = new Option<int?>("--separate") { Description = "Files run as separate kscn run processes for the reference (default: one copy of each sample)." };
        var timeout = new Option<int>("--timeout") { Description = "Wall-clock limit of one kscn process, in seconds.", DefaultValueFactory = _ => 900 };
        var repeat = new Option<int>("--repeat") { Description = "Processes per figure; the table shows the median.", DefaultValueFactory = _ => 1 };
        var command = new Command("batch", "Time kscn test on 100 and 1000 generated files against separate kscn run processes, and print the Markdown table.")
        {
            output, kscn, sizes, separate, timeout, repeat,
        };
        command.SetAction(async (parse, _) =>
        {
            var options = new BatchBenchOptions(
                parse.GetValue(output),
                parse.GetValue(kscn),
                parse.GetValue(sizes)!,
                parse.GetValue(separate) ?? BatchCorpus.Samples(RepoRoot.Find()).Count,
                TimeSpan.FromSeconds(parse.GetValue(timeout)),
                Math.Max(1, parse.GetValue(repeat)));
            Console.Write(await new BatchBench(options, Console.Error).RunAsync());
            return 0;
        });
        return command;
    }

    public async Task<string> RunAsync()
    {
        TimedProcess.EnsureAvailable();
        var root = RepoRoot.Find();
        var kscn = options.Kscn is { } given ? Path.GetFullPath(given) : await KscnBuild.ReleaseAsync(root, progress);
        var outDir = Path.GetFullPath(options.Out ?? Path.Combine(Path.GetTempPath(), $"kscn-bench-batch-{DateTime.UtcNow:yyyyMMdd-HHmmss}"));
        var logs = Directory.CreateDirectory(Path.Combine(outDir, "logs")).FullName;
        // A cache of the bench's own: warm figures start from what this run put in it, cold ones pass --no-cache.
        var cache = new Dictionary<string, string> { ["KSCN_CACHE_DIR"] = Directory.CreateDirectory(Path.Combine(outDir, "cache")).FullName };
        progress.WriteLine($"kscn-bench batch: {kscn}; corpora, logs and results.md in {outDir}");

        async Task<ProcessResult> Once(string label, params string[] arguments)
        {
            var result = await TimedProcess.RunAsync(outDir, options.Timeout, "dotnet", [kscn, .. arguments], cache);
            File.WriteAllText(Path.Combine(logs, label + ".txt"), result.Output);
            if (result.TimedOut || result.ExitCode is not (0 or 1))
                throw new BenchException($"{label}: kscn {string.Join(' ', arguments)} exited with {result.ExitCode}{(result.TimedOut ? " (timed out)" : "")}:\n{result.Output}");
            progress.WriteLine($"{label}: {result.WallSeconds:F1} s, {result.PeakMiB:F0} MiB");
            return result;
        }

        // The machine is shared: each figure is the run of median wall time out of options.Repeat.
        async Task<ProcessResult> Median(string label, params string[] arguments)
        {
            var runs = new List<ProcessResult>();
            for (var i = 1; i <= options.Repeat; i++)
                runs.Add(await Once(options.Repeat == 1 ? label : $"{label}-{i}", arguments));
            return runs.OrderBy(r => r.Wall).ElementAt(runs.Count / 2);
        }

        var rows = new List<BatchRow>();
        TestOutput? firstCorpus = null;
        foreach (var size in options.Sizes)
        {
            var corpus = Path.Combine(outDir, $"corpus-{size}");
            BatchCorpus.Write(root, corpus, size);
            var cold = await Median($"test-{size}-cold", "test", corpus, "--no-cache");
            var output = TestOutput.Parse(cold.Output);
            firstCorpus ??= output;
            var oneJob = await Median($"test-{size}-cold-jobs-1", "test", corpus, "--no-cache", "--jobs", "1");
            await Once($"test-{size}-fill-cache", "test", corpus);
            var warm = await Median($"test-{size}-warm", "test", corpus);
            rows.Add(new BatchRow($"`kscn test` {size} files, --no-cache", 1, output.Runs, cold.Wall, cold.PeakMiB));
            rows.Add(new BatchRow($"`kscn test` {size} files, --no-cache --jobs 1", 1, output.Runs, oneJob.Wall, oneJob.PeakMiB));
            rows.Add(new BatchRow($"`kscn test` {size} files, cache warm", 1, output.Runs, warm.Wall, warm.PeakMiB));
        }

        var separateFiles = Directory.EnumerateFiles(Path.Combine(outDir, $"corpus-{options.Sizes[0]}"), "*.kscn").Order(StringComparer.Ordinal).Take(options.Separate).ToList();
        var separateRuns = separateFiles.Sum(f => firstCorpus!.RunsOf(f));
        foreach (var (label, arguments) in ((string, string[])[])[("--no-cache", ["--no-cache"]), ("cache warm", [])])
        {
            if (arguments.Length == 0)
            {
                foreach (var file in separateFiles)
                    await Once($"fill-cache-{Path.GetFileNameWithoutExtension(file)}", "run", file);
            }
            var processes = new List<ProcessResult>();
            foreach (var file in separateFiles)
                processes.Add(await Median($"run-{Path.GetFileNameWithoutExtension(file)}{(arguments.Length == 0 ? "-warm" : "-cold")}", ["run", file, .. arguments]));
            rows.Add(new BatchRow($"{separateFiles.Count} separate `kscn run FILE`, {label}", separateFiles.Count, separateRuns,
                processes.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.Wall), processes.Max(p => p.PeakMiB)));
        }

        var report = Report(root, kscn, rows, separateFiles.Count);
        File.WriteAllText(Path.Combine(outDir, "results.md"), report);
        return report;
    }

    private string Report(string root, string kscn, List<BatchRow> rows, int separate)
    {
        var reference = rows[^2];
        var samples = BatchCorpus.Samples(root).Count;
        var table = string.Join("\n", rows.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"| {r.Label} | {r.Processes} | {r.Runs} | {r.Wall.TotalSeconds:F1} | {r.PerRun.TotalMilliseconds:F0} | {r.PeakMiB:F0} | {reference.PerRun / r.PerRun:F1}× |")));
        return $"""
            ## kscn test: batches, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC

            {MachineInfo.Read(root).Markdown()}- kscn: `{Path.GetRelativePath(root, kscn)}`; default `--jobs`: {Environment.ProcessorCount}
            - Corpora: copies of the {samples} samples in turn, scenarios renamed; the separate runs are the first {separate} files{(separate == samples ? " (each sample once, so the same mix as the corpora)" : "")}, their times summed: their per-scenario figure is what N files would cost as separate processes
            - Cold: `--no-cache` (Roslyn in every process); warm: `KSCN_CACHE_DIR` filled by an earlier run of the same files
            - Each figure: the process of median wall time out of {options.Repeat} (for the separate runs, per file)

            | run | processes | scenario runs | wall (s) | per scenario run (ms) | peak RSS (MiB) | faster per scenario than separate `--no-cache` |
            |---|---:|---:|---:|---:|---:|---:|
            {table}

            """;
    }

    private sealed record BatchRow(string Label, int Processes, int Runs, TimeSpan Wall, double PeakMiB)
    {
        public TimeSpan PerRun => Wall / Math.Max(Runs, 1);
    }

    /// <summary>kscn test's lines: one per scenario run, "pass  FILE:LINE …", "FAIL  …" or "error …".</summary>
    private sealed record TestOutput(IReadOnlyList<string> RunFiles)
    {
        public int Runs => RunFiles.Count;

        public int RunsOf(string file) => RunFiles.Count(f => f == file);

        public static TestOutput Parse(string output) => new(output.Split('\n')
            .Where(l => l.StartsWith("pass ", StringComparison.Ordinal) || l.StartsWith("FAIL ", StringComparison.Ordinal) || l.StartsWith("error ", StringComparison.Ordinal))
            .Select(l => l[6..l.IndexOf(".kscn:", StringComparison.Ordinal)] + ".kscn")
            .ToList());
    }
}
