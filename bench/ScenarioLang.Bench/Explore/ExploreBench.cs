using System.Globalization;
using ScenarioLang.Bench.Measuring;
using ScenarioLang.Bench.Shapes;

namespace ScenarioLang.Bench.Explore;

/// <summary>
/// Runs kscn explore on every shape as a separate process, with reduction and (where feasible) without, and writes
/// the table. Every figure comes from this one run: the floor too, so the ratios hold even on a noisy machine.
/// </summary>
public sealed class ExploreBench(ExploreBenchOptions options, TextWriter progress)
{
    private const int FloorRuns = 3;

    public async Task<string> RunAsync()
    {
        TimedProcess.EnsureAvailable();
        var root = RepoRoot.Find();
        var kscn = options.Kscn is { } given ? Path.GetFullPath(given) : await KscnBuild.ReleaseAsync(root, progress);
        if (!File.Exists(kscn))
            throw new BenchException($"{kscn} does not exist");
        var outDir = Path.GetFullPath(options.Out ?? Path.Combine(Path.GetTempPath(), $"kscn-bench-{DateTime.UtcNow:yyyyMMdd-HHmmss}"));
        var shapesDir = Directory.CreateDirectory(Path.Combine(outDir, "shapes")).FullName;
        var logsDir = Directory.CreateDirectory(Path.Combine(outDir, "logs")).FullName;
        progress.WriteLine($"kscn-bench: {kscn}; shapes, logs and results.md in {outDir}");

        var floorShape = BenchShape.Generated(LitmusCatalog.SbRing(LitmusCatalog.SmallestRing), shapesDir);
        var shapes = LitmusCatalog.SbRings(Math.Max(options.MaxRing, options.MaxRingUnreduced))
            .Append(LitmusCatalog.MessagePassing)
            .Append(LitmusCatalog.Iriw)
            .Select(s => BenchShape.Generated(s, shapesDir))
            .Concat(BenchShape.Samples.Select(s => BenchShape.Sample(root, s, shapesDir)))
            .Where(s => s.Matches(options.Filter))
            .ToList();

        var floorRuns = new List<ProcessResult>();
        for (var i = 0; i < FloorRuns; i++)
            floorRuns.Add(await ExploreAsync(kscn, floorShape, reduce: true, Path.Combine(logsDir, $"floor-{i + 1}.txt")));
        var floor = Median(floorRuns);
        if (floor.ExitCode != 0 || ExploreOutput.Parse(floor.Output) is null)
            throw new BenchException($"the floor run failed (exit {floor.ExitCode}), so no figure would mean anything:\n{floor.Output}");
        progress.WriteLine($"floor ({floorShape.Name}, median of {FloorRuns}): {floor.WallSeconds:F2} s, {floor.PeakMiB:F0} MiB");

        var rows = new List<ExploreRow>();
        foreach (var reduce in (bool[])[true, false])
        {
            var timedOutRing = (int?)null;
            foreach (var shape in shapes.Where(s => s.RingSize is not { } n || n <= (reduce ? options.MaxRing : options.MaxRingUnreduced)))
            {
                if (shape.RingSize > timedOutRing)
                {
                    rows.Add(new ExploreRow(shape, reduce, null, null, $"SB-ring-{timedOutRing} timed out"));
                    continue;
                }
                var row = await MeasureAsync(kscn, shape, reduce, logsDir);
                rows.Add(row);
                if (row.Process!.TimedOut && shape.RingSize is { } size)
                    timedOutRing = size;
                progress.WriteLine($"{shape.Name}, reduction {(reduce ? "on" : "off")}: {row.Process.WallSeconds:F2} s, " +
                    $"{row.Summary?.Executions.ToString(CultureInfo.InvariantCulture) ?? "no"} executions, {row.Search(options.Timeout)}");
            }
        }

        var report = Report(kscn, floorShape, floor, rows, root);
        File.WriteAllText(Path.Combine(outDir, "results.md"), report);
        return report;
    }

    private async Task<ExploreRow> MeasureAsync(string kscn, BenchShape shape, bool reduce, string logsDir)
    {
        var runs = new List<ProcessResult>();
        for (var i = 0; i < options.Repeat; i++)
        {
            var log = Path.Combine(logsDir, $"{shape.Name.Replace('/', '-')}-reduction-{(reduce ? "on" : "off")}{(options.Repeat > 1 ? $"-{i + 1}" : "")}.txt");
            runs.Add(await ExploreAsync(kscn, shape, reduce, log));
        }
        var median = Median(runs);
        return new ExploreRow(shape, reduce, median, ExploreOutput.Parse(median.Output), null);
    }

    private async Task<ProcessResult> ExploreAsync(string kscn, BenchShape shape, bool reduce, string log)
    {
        IEnumerable<string> arguments = [kscn, "explore", shape.File];
        if (!reduce)
            arguments = arguments.Concat(["--no-reduction", "--max-executions", options.MaxExecutions.ToString(CultureInfo.InvariantCulture)]);
        // Every figure is of a process that explores by itself, never of a warm kscn server it would hand the file to.
        var result = await TimedProcess.RunAsync(Path.GetDirectoryName(shape.File)!, options.Timeout, "dotnet", arguments.Concat(options.KscnArguments),
            new Dictionary<string, string> { ["KSCN_SERVER"] = "0" });
        File.WriteAllText(log, result.Output);
        return result;
    }

    private static ProcessResult Median(List<ProcessResult> runs) => runs.OrderBy(r => r.Wall).ElementAt(runs.Count / 2);

    private string Report(string kscn, BenchShape floorShape, ProcessResult floor, List<ExploreRow> rows, string root)
    {
        var passed = options.KscnArguments.Count == 0 ? "none" : string.Join(' ', options.KscnArguments);
        return $"""
            ## kscn explore, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC

            {MachineInfo.Read(root).Markdown()}- kscn: `{Path.GetRelativePath(root, kscn)}`; extra arguments: {passed}
            - Floor (`kscn explore` on {floorShape.Name} with reduction, median of {FloorRuns} processes): {floor.WallSeconds:F2} s wall, {floor.PeakMiB:F0} MiB peak
            - Per process: timeout {options.Timeout.TotalSeconds:F0} s; without reduction `--max-executions {options.MaxExecutions}`; runs per shape: {options.Repeat}

            {ResultTable.Write(rows, floor.WallSeconds, options.Timeout)}
            """;
    }
}
