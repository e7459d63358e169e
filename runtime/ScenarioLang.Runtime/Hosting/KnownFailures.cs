namespace ScenarioLang.Runtime;

/// <summary>
/// Judges a run against the scenario's known-failure marks that apply to its kernel: a marked expectation that failed
/// is a <see cref="Verdict.KnownFailure"/> (its counterexample kept), one that held an <see cref="Verdict.UnexpectedPass"/>;
/// with the whole scenario marked, any failure confirms it, and a run without one is an unexpected pass.
/// </summary>
public static class KnownFailures
{
    private const string Fixed = "fixed? remove the known-failure mark";

    public static ScenarioResult Judge(ScenarioResult result)
    {
        var marks = result.Description.KnownFailures.Where(k => k.AppliesTo(result.Config)).ToList();
        if (marks.Count == 0)
            return result;
        var judged = Entries(result, marks);
        // An exploration's per-expectation verdicts say what the trace's entries say.
        return judged.Exploration is { } exploration
            ? judged with { Exploration = exploration with { Expectations = [.. exploration.Expectations.Select(v => Relabel(v, judged.Entries))] } }
            : judged;
    }

    private static ExpectationVerdict Relabel(ExpectationVerdict verdict, IReadOnlyList<TraceEntry> entries) =>
        entries.FirstOrDefault(e => e.Step == verdict.Step && e.Verdict is Verdict.KnownFailure or Verdict.UnexpectedPass) is { } entry
            ? verdict with { Verdict = entry.Verdict }
            : verdict;

    private static ScenarioResult Entries(ScenarioResult result, List<KnownFailure> marks)
    {
        var entries = result.Entries.ToList();
        if (marks.FirstOrDefault(k => k.Whole) is { } whole)
        {
            var variant = whole.Matching(result.Config);
            if (result.Failed > 0 || result.UnexpectedFindings > 0)
                return result with { Entries = [.. entries.Select(e => e.Verdict == Verdict.Fail ? Known(e) : e)], FailsAsKnown = whole };
            // Undecided (a cut search) is not a pass: the mark is neither confirmed nor contradicted.
            if (result.Inconclusive > 0)
                return result;
            entries.Add(new TraceEntry(new Step(whole.Line, whole.Column, whole.Text), Verdict.UnexpectedPass,
                $"the scenario holds under {variant}: {Fixed}", []));
            return result with { Entries = entries };
        }
        foreach (var mark in marks)
        {
            var variant = mark.Matching(result.Config);
            var marked = entries.Select((e, i) => (Entry: e, Index: i)).Where(e => mark.Marks(e.Entry.Step) && e.Entry.Verdict != Verdict.None).ToList();
            if (marked.Any(m => m.Entry.Verdict == Verdict.Fail))
            {
                foreach (var (entry, index) in marked.Where(m => m.Entry.Verdict == Verdict.Fail))
                    entries[index] = Known(entry);
            }
            else if (marked.Count > 0 && marked.All(m => m.Entry.Verdict == Verdict.Pass))
            {
                foreach (var (entry, index) in marked)
                    entries[index] = entry with { Verdict = Verdict.UnexpectedPass, Failure = $"holds under {variant}, marked as a known failure: {Fixed}" };
            }
        }
        return result with { Entries = entries };
    }

    // The failure reads as it did ("got #GP"), so a replay of its counterexample is compared as any other.
    private static TraceEntry Known(TraceEntry entry) => entry with { Verdict = Verdict.KnownFailure };
}
