using ScenarioLang.Runtime.Kernel;

namespace ScenarioLang.Runtime;

/// <summary>
/// <c>repeat N { ... }</c> and <c>for each W { ... }</c>: the body runs N times, or once per member of a task group; the trace shows the first iteration in full, then only
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

    public void Repeat(Step step, int count, Action body) =>
        Iterate(step, count, null, _ => body(), $"iterations 2 to {count}", Tracing.Units.Count(count, "iteration"));

    /// <summary>
    /// <c>for each W { ... }</c>: the body runs for each member of the task group, W0 first, and is traced as a repeat's:
    /// in full for W0, then only the first failures of the others, named by their member ("iteration W517").
    /// </summary>
    public void ForEach(Step step, string group, Action<TaskStruct> body)
    {
        var count = Description.Tasks.FirstOrDefault(t => t.Name == group)?.Members
            ?? throw new ScenarioRuntimeException($"no task group named {group}");
        var members = Enumerable.Range(0, count).Select(i => Task(TaskDeclaration.Member(group, i))).ToArray();
        Kernel.Log.Note(count == 1 ? $"{group} is {members[0]}" : $"{group} is {members[0]} here; {TaskDeclaration.Member(group, 1)} to {TaskDeclaration.Member(group, count - 1)} follow untraced");
        Iterate(step, count, i => members[i - 1].Name, i => body(members[i - 1]),
            $"{TaskDeclaration.Member(group, 1)} to {TaskDeclaration.Member(group, count - 1)}", Tracing.Units.Count(count, "task"));
    }

    /// <param name="label">How a later iteration is named in the trace (the member of a for each); null: by its number.</param>
    /// <param name="later">The iterations after the first, as the closing note names them.</param>
    /// <param name="all">All the iterations, as the closing entry counts them.</param>
    private void Iterate(Step step, int count, Func<int, string>? label, Action<int> body, string later, string all)
    {
        Record(step, Verdict.None, null);
        var frame = new RepeatFrame(label);
        _repeats.Push(frame);
        for (frame.Iteration = 1; frame.Iteration <= count; frame.Iteration++)
            body(frame.Iteration);
        _repeats.Pop();
        if (count == 1)
            return;
        var summary = frame.Expectations == 0
            ? $"{later} ran untraced"
            : $"{later} ran untraced: {frame.Expectations - frame.Failed} of {Tracing.Units.Count(frame.Expectations, "expectation")} held";
        if (frame.Failed > frame.TracedFailures)
            summary += $"; the trace shows the first {Tracing.Units.Count(frame.TracedFailures, "failure")}";
        Kernel.Log.Note(summary);
        Record(step with { Text = $"end of {step.Text}: {all}" }, Verdict.None, null);
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
        step = step with { Text = $"iteration {string.Join(".", _repeats.Reverse().Select(r => r.Label))}: {step.Text}" };
        return false;
    }

    /// <summary>A repeat or a for each being run; <paramref name="label"/> names a for each's iteration by its member.</summary>
    private sealed class RepeatFrame(Func<int, string>? label)
    {
        public int Iteration { get; set; }

        public string Label => label?.Invoke(Iteration) ?? Iteration.ToString(System.Globalization.CultureInfo.InvariantCulture);

        public int Expectations { get; set; }

        public int Failed { get; set; }

        public int TracedFailures { get; set; }
    }
}
