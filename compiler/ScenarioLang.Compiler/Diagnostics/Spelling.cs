namespace ScenarioLang.Compiler.Diagnostics;

/// <summary>
/// The one place diagnostics find the valid spelling closest to a mistyped name ("did you mean 'ioperm'?"), by
/// optimal string alignment distance (Damerau-Levenshtein where a transposed pair is one edit and no substring is
/// edited twice), case differences counting as half an edit.
/// </summary>
public static class Spelling
{
    /// <summary>Lists up to this long are printed in full when no spelling is close; longer ones are left to the docs.</summary>
    public const int MaxListed = 12;

    /// <summary>
    /// The closest of <paramref name="known"/>, or null when none is close: at most a third of the word's length in edits
    /// (a word of one or two characters only by case). Ties go to the ordinally first candidate, so the answer does not
    /// depend on the order of <paramref name="known"/>.
    /// </summary>
    public static string? Closest(string word, IEnumerable<string> known)
    {
        // Half edits in units of one: distances are doubled.
        var limit = Math.Max(1, 2 * (word.Length / 3));
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            if (candidate == word || Math.Abs(candidate.Length - word.Length) * 2 > limit)
                continue;
            var distance = string.Equals(candidate, word, StringComparison.OrdinalIgnoreCase) ? 1 : Distance(word, candidate);
            if (distance > limit)
                continue;
            if (distance < bestDistance || (distance == bestDistance && string.CompareOrdinal(candidate, best) < 0))
                (best, bestDistance) = (candidate, distance);
        }
        return best;
    }

    /// <summary>
    /// "did you mean 'X'?" when a known spelling is close; otherwise <paramref name="lead"/> and the list, or, for a long
    /// list, <paramref name="reference"/> where the docs give it.
    /// </summary>
    public static string Suggest(string word, IReadOnlyCollection<string> known, string lead, string? reference = null) =>
        Closest(word, known) is { } closest
            ? $"did you mean '{closest}'?"
            : reference is not null && known.Count > MaxListed ? reference : $"{lead} {string.Join(", ", known)}";

    /// <summary>Twice the optimal string alignment distance, a substitution by case alone costing 1.</summary>
    internal static int Distance(string a, string b)
    {
        // Three rows suffice: a transposition looks two back.
        var previous2 = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
            previous[j] = 2 * j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = 2 * i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = a[i - 1] == b[j - 1] ? 0 : char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 1 : 2;
                var cost = Math.Min(Math.Min(previous[j] + 2, current[j - 1] + 2), previous[j - 1] + substitution);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    cost = Math.Min(cost, previous2[j - 2] + 2);
                current[j] = cost;
            }
            (previous2, previous, current) = (previous, current, previous2);
        }
        return previous[b.Length];
    }
}
