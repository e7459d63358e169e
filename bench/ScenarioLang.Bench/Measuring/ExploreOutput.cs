using System.Globalization;
using System.Text.RegularExpressions;

namespace ScenarioLang.Bench.Measuring;

/// <summary>What kscn explore reported, summed over the explore blocks of a file.</summary>
/// <param name="Pruned">Executions the reduction pruned (or called redundant); null when no block reports any.</param>
/// <param name="Cut">A block says its search stopped early, so its counts are lower bounds.</param>
public sealed record ExploreSummary(int Blocks, long Executions, long? Pruned, long FinalStates, bool Cut);

/// <summary>
/// Reads kscn explore's trace tolerantly, because its wording changes with the explorer. Each explore block prints a
/// line that starts with its count of executions, e.g. "4 executions explored, 6 pruned by sleep sets; 4 final states:".
/// From such a line it takes the first integer (before "execution"), any integer before "pruned" or "redundant" (one
/// word may stand between), and the integer before "final state".
/// </summary>
public static partial class ExploreOutput
{
    public static ExploreSummary? Parse(string output)
    {
        var blocks = output.Split('\n').Select(l => l.Trim()).Where(l => BlockLine().IsMatch(l)).ToList();
        if (blocks.Count == 0)
            return null;
        long? pruned = null;
        foreach (var line in blocks)
            foreach (Match m in PrunedCount().Matches(line))
                pruned = (pruned ?? 0) + long.Parse(m.Groups[1].Value);
        return new ExploreSummary(
            blocks.Count,
            blocks.Sum(l => long.Parse(BlockLine().Match(l).Groups[1].Value)),
            pruned,
            blocks.Sum(l => FinalStates().Match(l) is { Success: true } m ? long.Parse(m.Groups[1].Value) : 0),
            CutShort().IsMatch(output));
    }

    /// <summary>
    /// kscn's timing lines, one per explore block run, in order: <c>kscn: explored "NAME" (CONFIG) in 0.123 s: 37
    /// executions, 300 per second</c>; the block is the name with its configuration.
    /// </summary>
    public static IReadOnlyList<(string Block, double Seconds, long Executions)> Timings(string output) =>
        [.. output.Split('\n').Select(l => TimingLine().Match(l.Trim())).Where(m => m.Success).Select(m => (
            m.Groups[1].Value,
            double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
            long.Parse(m.Groups[3].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture)))];

    [GeneratedRegex(@"^kscn: explored (.+) in (\d+(?:\.\d+)?) s: ([\d,]+) executions?\b")]
    private static partial Regex TimingLine();

    [GeneratedRegex(@"^(\d+) executions?\b")]
    private static partial Regex BlockLine();

    [GeneratedRegex(@"(\d+) (?:[\w-]+ )?(?:pruned|redundant)")]
    private static partial Regex PrunedCount();

    [GeneratedRegex(@"(\d+) final states?")]
    private static partial Regex FinalStates();

    [GeneratedRegex(@"not exhaustive|cut short|stopped after")]
    private static partial Regex CutShort();
}
