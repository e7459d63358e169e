using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Runtime.Exploration;

/// <summary>The verdict of one expectation over the executions of an explore block, built one execution at a time.</summary>
internal sealed class ExpectationTally(Step step, Quantifier quantifier)
{
    private int _satisfied;
    private string? _error;
    private Counterexample? _counterexample;

    public Quantifier Quantifier => quantifier;

    public void Add(Judgment judgment, int execution, string state, Func<IReadOnlyList<ScheduleLine>> schedule)
    {
        _error ??= judgment.Error;
        if (judgment.Satisfied)
            _satisfied++;
        else if (quantifier != Quantifier.Sometimes && _counterexample is null)
            _counterexample = new Counterexample(execution, judgment.Detail ?? state, schedule());
    }

    /// <summary>Adds the tally of a later part of the search, whose executions are numbered from <paramref name="offset"/> + 1.</summary>
    public void Append(ExpectationTally later, int offset)
    {
        _error ??= later._error;
        _satisfied += later._satisfied;
        _counterexample ??= later._counterexample is { } c ? c with { Execution = c.Execution + offset } : null;
    }

    public ExpectationVerdict ToVerdict(int executions) => new(step, quantifier, _satisfied, executions, Passed(executions), _counterexample);

    /// <summary>The expectation's line of the trace: its verdict, why it failed, and the execution that shows it.</summary>
    public TraceEntry Entry(int executions, bool sharded)
    {
        if (_error is not null)
            return new TraceEntry(step, Verdict.Fail, "cannot observe: " + _error, []);
        if (sharded && quantifier == Quantifier.Sometimes && _satisfied == 0)
            return new TraceEntry(step, Verdict.None, null, [$"not seen in this shard's {Units.Count(executions, "execution")}: the other shards may see it"]);
        if (Passed(executions))
            return new TraceEntry(step, Verdict.Pass, null, [$"satisfied by {_satisfied} of {Units.Count(executions, "execution")}"]);
        var failure = quantifier switch
        {
            Quantifier.Always => $"fails in {executions - _satisfied} of {Units.Count(executions, "execution")}",
            Quantifier.Never => $"holds in {executions - _satisfied} of {Units.Count(executions, "execution")}",
            _ => $"holds in none of {Units.Count(executions, "execution")}",
        };
        return new TraceEntry(step, Verdict.Fail, failure, _counterexample is { } c ? Notes(c, executions) : []);
    }

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

    private bool Passed(int executions) =>
        _error is null && (quantifier == Quantifier.Sometimes ? _satisfied > 0 : _satisfied == executions);
}
