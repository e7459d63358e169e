using System.Globalization;
using System.Text.RegularExpressions;

namespace ScenarioLang.Bench.Spin;

/// <summary>What Spin's verifier (pan) printed: the size of the state space it searched and the errors it found.</summary>
/// <param name="OutOfMemory">pan hit its -DMEMLIM bound, so the search is incomplete.</param>
public sealed record PanSummary(long StatesStored, long Transitions, int Errors, double? MemoryMiB, bool OutOfMemory);

/// <summary>Reads pan's closing report ("errors: 1", "1234 states, stored", "5678 transitions", "... total actual memory usage").</summary>
public static partial class PanOutput
{
    public static PanSummary? Parse(string output)
    {
        var stored = StatesStored().Match(output);
        if (!stored.Success)
            return null;
        var memory = TotalMemory().Match(output);
        return new PanSummary(
            long.Parse(stored.Groups[1].Value, CultureInfo.InvariantCulture),
            Transitions().Match(output) is { Success: true } t ? long.Parse(t.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            Errors().Match(output) is { Success: true } e ? int.Parse(e.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            memory.Success ? double.Parse(memory.Groups[1].Value, CultureInfo.InvariantCulture) : null,
            output.Contains("MEMLIM", StringComparison.Ordinal) || output.Contains("out of memory", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"(\d+) states, stored")]
    private static partial Regex StatesStored();

    [GeneratedRegex(@"(\d+) transitions")]
    private static partial Regex Transitions();

    [GeneratedRegex(@"errors: (\d+)")]
    private static partial Regex Errors();

    [GeneratedRegex(@"([\d.]+)\s+total actual memory usage")]
    private static partial Regex TotalMemory();
}
