using System.Globalization;
using System.Text.RegularExpressions;

namespace ScenarioLang.Bench.Spin;

/// <summary>What Spin's verifier (pan) printed: the size of the state space it searched and the errors it found.</summary>
/// <param name="OutOfMemory">pan hit its -DMEMLIM bound, so the search is incomplete.</param>
public sealed record PanSummary(long StatesStored, long Transitions, int Errors, double? MemoryMiB, bool OutOfMemory);

/// <summary>Reads pan's closing report ("errors: 1", "1234 states, stored", "5678 transitions", "... total actual memory usage").
/// pan prints large counts in scientific notation ("2.8426248e+08 transitions"), so counts are read as doubles.</summary>
public static partial class PanOutput
{
    public static PanSummary? Parse(string output)
    {
        var stored = StatesStored().Match(output);
        if (!stored.Success)
            return null;
        var memory = TotalMemory().Match(output);
        return new PanSummary(
            Count(stored),
            Transitions().Match(output) is { Success: true } t ? Count(t) : 0,
            Errors().Match(output) is { Success: true } e ? int.Parse(e.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            memory.Success ? double.Parse(memory.Groups[1].Value, CultureInfo.InvariantCulture) : null,
            output.Contains("MEMLIM", StringComparison.Ordinal) || output.Contains("out of memory", StringComparison.Ordinal));
    }

    private static long Count(Match m) => (long)double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"([\d.]+(?:e\+\d+)?) states, stored")]
    private static partial Regex StatesStored();

    [GeneratedRegex(@"([\d.]+(?:e\+\d+)?) transitions")]
    private static partial Regex Transitions();

    [GeneratedRegex(@"errors: (\d+)")]
    private static partial Regex Errors();

    [GeneratedRegex(@"([\d.]+)\s+total actual memory usage")]
    private static partial Regex TotalMemory();
}
