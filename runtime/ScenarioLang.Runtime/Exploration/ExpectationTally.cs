using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Runtime.Exploration;

/// <summary>The verdict of one expectation over the executions of an explore block, built one execution at a time.</summary>
internal sealed partial class ExpectationTally(Step step, Quantifier quantifier)
{
    private int _satisfied;
    private string? _error;
    private Counterexample? _counterexample;

    public Quantifier Quantifier => quantifier;

    /// <summary>Takes in the judgment of one execution, whose final state is <paramref name="observed"/>.</summary>
    /// <param name="events">The execution's events, which outlive it unchanged: a counterexample prints them when it is shown.</param>
    public void Add(Judgment judgment, int execution, IReadOnlyList<(string Subject, string Value)> observed, PrintedSchedule events)
    {
        _error ??= judgment.Error;
        if (judgment.Satisfied)
            _satisfied++;
        else if (quantifier != Quantifier.Sometimes && _counterexample is null)
            _counterexample = new Counterexample(execution, judgment.Detail ?? Observation.Format(observed), events.Lines);
    }

    /// <summary>Adds the tally of a later part of the search, whose executions are numbered from <paramref name="offset"/> + 1.</summary>
    public void Append(ExpectationTally later, int offset)
    {
        _error ??= later._error;
        _satisfied += later._satisfied;
        _counterexample ??= later._counterexample is { } c ? c with { Execution = c.Execution + offset } : null;
    }

    /// <summary>
    /// The verdict over <paramref name="executions"/>; <paramref name="partial"/> says why they are not every execution
    /// (the search was cut short, or searched one shard), or is null when they are.
    /// </summary>
    public ExpectationVerdict ToVerdict(int executions, string? partial) => new(step, quantifier, _satisfied, executions, Judge(executions, partial), _counterexample);

    /// <summary>The expectation's line of the trace: its verdict, why it failed or is undecided, and the execution that shows it.</summary>
    public TraceEntry Entry(int executions, string? partial)
    {
        if (_error is not null)
            return new TraceEntry(step, Verdict.Fail, "cannot observe: " + _error, []);
        var verdict = Judge(executions, partial);
        var of = $"{_satisfied} of {Units.Count(executions, "execution")}";
        if (verdict == Verdict.Fail)
            return new TraceEntry(step, Verdict.Fail, Failure(executions), _counterexample is { } c ? Notes(c, executions) : []);
        if (verdict == Verdict.Pass)
            return new TraceEntry(step, Verdict.Pass, null, [$"satisfied by {of}"]);
        var undecided = quantifier == Quantifier.Sometimes
            ? $"inconclusive: not seen in {Units.Count(executions, "execution")}, not disproved: {partial}"
            : $"inconclusive: satisfied by {of}, not proved: {partial}";
        return new TraceEntry(step, Verdict.Inconclusive, undecided, []);
    }

    private string Failure(int executions) => quantifier switch
    {
        Quantifier.Always => $"fails in {executions - _satisfied} of {Units.Count(executions, "execution")}",
        Quantifier.Never => $"holds in {executions - _satisfied} of {Units.Count(executions, "execution")}",
        _ => $"holds in none of {Units.Count(executions, "execution")}",
    };

    /// <summary>
    /// The execution that shows a failure, as the explicit schedule that replays it with the store buffers after each
    /// line, then where a full fence would forbid it.
    /// </summary>
    public static IReadOnlyList<string> Notes(Counterexample c, int executions) =>
        [
            $"execution {c.Execution} of {executions} ({c.Detail}), as a schedule:",
            .. c.Lines().Select(l => "  " + l),
            .. c.FenceHints.Select(h => h.ToString()),
        ];

    /// <summary>
    /// A violation seen (an always or never failing in one execution) or a sometimes seen is decided whatever the search
    /// left out; the rest is decided only by a search that covered every execution.
    /// </summary>
    private Verdict Judge(int executions, string? partial)
    {
        if (_error is not null)
            return Verdict.Fail;
        var held = quantifier == Quantifier.Sometimes ? _satisfied > 0 : _satisfied == executions;
        var decided = quantifier == Quantifier.Sometimes ? held : !held;
        return decided || partial is null ? (held ? Verdict.Pass : Verdict.Fail) : Verdict.Inconclusive;
    }
}
