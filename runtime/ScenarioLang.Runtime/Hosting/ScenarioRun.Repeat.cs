namespace ScenarioLang.Runtime;

/// <summary>
/// <c>repeat N { ... }</c>: the body runs N times; the trace shows the first iteration in full, then only
/// the first <see cref="MaxTracedFailures"/> failures of later ones, and closes with what the untraced iterations did.
/// </summary>
public sealed partial class ScenarioRun
{
    /// <summary>
    /// The most failures of later iterations a repeat traces; the rest are only counted, so that a body failing a
    /// million times costs a line in the summary, not a million entries.
    /// </summary>
    public const int MaxTracedFailures = 10;

    private readonly Stack<RepeatFrame> _repeats = new();
    private int _untracedPasses;
    private int _untracedFailures;

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
        if (frame.Failed > frame.TracedFailures)
            summary += $"; the trace shows the first {Tracing.Units.Count(frame.TracedFailures, "failure")}";
        Kernel.Log.Note(summary);
        Record(step with { Text = $"end of {step.Text}: {Tracing.Units.Count(count, "iteration")}" }, Verdict.None, null);
    }

    /// <summary>
    /// False when the statement being recorded is traced as it is. Otherwise it belongs to a repeat past its first
    /// iteration: its verdict is counted in every such repeat, and it is traced only if it is one of the first failures
    /// of each (renamed after its iteration, "517", or "2.517" inside an outer repeat): true when it is left out.
    /// </summary>
    private bool Untraced(Verdict verdict, ref Step step)
    {
        var later = false;
        var full = false;
        foreach (var frame in _repeats)
        {
            if (frame.Iteration == 1)
                continue;
            later = true;
            if (verdict != Verdict.None)
                frame.Expectations++;
            if (verdict == Verdict.Fail)
                frame.Failed++;
            full |= frame.TracedFailures == MaxTracedFailures;
        }
        if (!later)
            return false;
        if (verdict == Verdict.Pass)
            _untracedPasses++;
        if (verdict != Verdict.Fail)
            return true;
        if (full)
        {
            _untracedFailures++;
            return true;
        }
        foreach (var frame in _repeats.Where(r => r.Iteration > 1))
            frame.TracedFailures++;
        step = step with { Text = $"iteration {string.Join(".", _repeats.Reverse().Select(r => r.Iteration))}: {step.Text}" };
        return false;
    }

    private sealed class RepeatFrame
    {
        public int Iteration { get; set; }

        public int Expectations { get; set; }

        public int Failed { get; set; }

        public int TracedFailures { get; set; }
    }
}
