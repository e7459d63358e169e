using System.Globalization;
using System.Text;

namespace ScenarioLang.Bench.Explore;

/// <summary>
/// The Markdown table of an explore bench. Search time is wall time less the floor (start-up, parse, Roslyn, one
/// tiny exploration), both measured in the same run; executions/s divides by it, and only where it is large enough
/// (0.1 s) not to be noise. Runs/s counts the pruned executions too: a sleep-set explorer runs each of them until
/// it is pruned, so they are most of its work. The ratio to the floor is the figure that travels between machines.
/// </summary>
public static class ResultTable
{
    private const double NoiseSeconds = 0.1;

    public static string Write(IReadOnlyList<ExploreRow> rows, double floorSeconds, TimeSpan timeout)
    {
        var text = new StringBuilder();
        text.Append("| Shape | CPUs | Reduction | Executions | Pruned | Final states | Search | Wall s | Search s | Executions/s | Runs/s | Wall ÷ floor | Peak MiB | CPU s |\n");
        text.Append("|---|--:|---|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|\n");
        foreach (var row in rows)
        {
            var process = row.Process;
            var summary = row.Summary;
            var search = process is null ? (double?)null : Math.Max(0, process.WallSeconds - floorSeconds);
            string[] cells =
            [
                row.Shape.Name,
                row.Shape.Cpus.ToString(CultureInfo.InvariantCulture),
                row.Reduce ? "on" : "off",
                Count(summary?.Executions),
                Count(summary?.Pruned),
                Count(summary?.FinalStates),
                row.Search(timeout),
                Number(process?.WallSeconds, "F2"),
                Number(search, "F2"),
                PerSecond(summary?.Executions, search),
                PerSecond(summary?.Executions + (summary?.Pruned ?? 0), search),
                Number(process?.WallSeconds / floorSeconds, "F1"),
                Number(process?.PeakMiB, "F0"),
                Number(process?.CpuSeconds, "F1"),
            ];
            text.Append("| ").Append(string.Join(" | ", cells)).Append(" |\n");
        }
        return text.ToString();
    }

    private static string PerSecond(long? count, double? seconds) =>
        count is { } n && seconds >= NoiseSeconds ? Count((long)(n / seconds.Value)) : "—";

    private static string Count(long? value) => value?.ToString("N0", CultureInfo.InvariantCulture) ?? "—";

    private static string Number(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "—";
}
