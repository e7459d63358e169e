namespace ScenarioLang.Runtime;

/// <summary>
/// <c>repeat N { ... }</c>: the body runs N times; the trace shows the first iteration in full, then only
/// the failures of later ones, and closes with what the untraced iterations did.
/// </summary>
public sealed partial class ScenarioRun
{
    private readonly Stack<RepeatFrame> _repeats = new();
    private int _untracedPasses;

    public void Repeat(Step step, int count, Action body)
    {
        Record(step, Verdict.None, null);
        var frame = new RepeatFrame();
        _repeats.Push(frame);
        for (frame.Iteration = 1; frame.Iteration <= count; frame.Iteration++)
            body();
        _repeats.Pop();
        if (count == 1)
            return;
        var summary = frame.Expectations == 0
            ? $"iterations 2 to {count} ran untraced"
            : $"iterations 2 to {count} ran untraced: {frame.Expectations - frame.Failed} of {Tracing.Units.Count(frame.Expectations, "expectation")} held";
        Kernel.Log.Note(summary);
        Record(step with { Text = $"end of {step.Text}: {Tracing.Units.Count(count, "iteration")}" }, Verdict.None, null);
    }

    /// <summary>
    /// Null when the statement being recorded is traced; otherwise counts its verdict in every repeat past its
    /// first iteration and returns the iteration it belongs to ("517", or "2.517" inside an outer repeat).
    /// </summary>
    private string? Untraced(Verdict verdict)
    {
        if (!_repeats.Any(r => r.Iteration > 1))
            return null;
        if (verdict == Verdict.Pass)
            _untracedPasses++;
        foreach (var frame in _repeats.Where(r => r.Iteration > 1))
        {
            if (verdict != Verdict.None)
                frame.Expectations++;
            if (verdict == Verdict.Fail)
                frame.Failed++;
        }
        return string.Join(".", _repeats.Reverse().Select(r => r.Iteration));
    }

    private sealed class RepeatFrame
    {
        public int Iteration { get; set; }

        public int Expectations { get; set; }

        public int Failed { get; set; }
    }
}
