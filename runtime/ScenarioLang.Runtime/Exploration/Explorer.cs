using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Runtime.Exploration;

/// <summary>
/// Explores the explore block of a scenario across the executions <see cref="ScenarioExecutor"/> runs, one per
/// interleaving, and folds them into one result: the trace before the block as the first execution ran it, the
/// block's summary (executions, final states), and every expectation after it judged over all executions.
/// </summary>
internal sealed class Explorer(ExploreOptions options)
{
    private readonly SleepSetSearch _search = new(options.Reduce);
    private readonly List<Step> _order = [];
    private readonly Dictionary<Step, ExpectationTally> _tallies = [];
    private readonly Dictionary<Step, TraceEntry> _untallied = [];
    private readonly Dictionary<string, int> _states = new(StringComparer.Ordinal);
    private readonly List<Finding> _findings = [];
    private IReadOnlyList<TraceEntry>? _prefix;
    private Step _exploreStep;
    private ScenarioResult? _first;
    private ExecutionRecord? _current;
    private string? _deadlock;
    private bool _pruned;
    private int _runs;
    private int _executions;
    private int _prunedCount;
    private int _deadlocks;
    private long _events;
    private bool _exhaustive = true;
    private int _withFindings;
    private Counterexample? _findingExample;

    /// <summary>Whether a run has reached the explore block: a scenario without one runs once, as it always did.</summary>
    public bool Started => _prefix is not null;

    /// <summary>
    /// Runs the block once, following the search: to a final state (the run goes on with the statements after the
    /// block), or to a deadlock or a pruned state, where the run is abandoned.
    /// </summary>
    public ExecutionRecord Explore(Step step, IReadOnlyList<ThreadStep> steps, X86Machine machine, IReadOnlyList<TraceEntry> prefix)
    {
        if (_prefix is null)
        {
            _prefix = prefix;
            _exploreStep = step;
            foreach (var judged in steps.Where(s => s.Expected is not null))
                Tally(judged.Step, Quantifier.Always);
        }
        var programs = new ProgramExecution(machine, steps);
        _current = new ExecutionRecord(programs, prefix.Count);
        _deadlock = null;
        _pruned = false;
        for (var enabled = programs.Enabled(); enabled.Count > 0; enabled = programs.Enabled())
        {
            if (_search.Choose(enabled) is not { } next)
            {
                _pruned = true;
                throw new AbandonedExecution();
            }
            programs.Perform(next.Event);
            _events++;
        }
        if (programs.Done)
            return _current;
        _deadlock = programs.Deadlock();
        throw new AbandonedExecution();
    }

    /// <summary>Takes in the run's result: its final state, findings and judgments, if its block reached a final state.</summary>
    public void Finish(ScenarioResult result, SharedMemory memory)
    {
        _runs++;
        _first ??= result;
        if (_pruned)
        {
            _prunedCount++;
            return;
        }
        if (_deadlock is not null)
        {
            _deadlocks++;
            AddState(_deadlock);
            return;
        }
        var current = _current!;
        var execution = ++_executions;
        var state = current.State(memory);
        AddState(state);
        foreach (var finding in result.Findings.Where(f => !_findings.Exists(seen => seen.Message == f.Message)))
            _findings.Add(finding);
        var schedule = new Lazy<IReadOnlyList<ScheduleLine>>(() => SchedulePrinter.Print(current.Programs.Events));
        // A finding no expectation names fails the scenario; the first execution with one shows how it comes about.
        if (result.Findings.FirstOrDefault(f => !f.Expected) is { } unexpected)
        {
            _withFindings++;
            _findingExample ??= new Counterexample(execution, unexpected.Message, schedule.Value);
        }
        foreach (var judgment in current.Programs.Judgments.Concat(Judgments(result.Entries.Skip(current.ExploreEntry + 1), current)))
            Tally(judgment.Step, judgment.Quantifier).Add(judgment, execution, state, () => schedule.Value);
    }

    /// <summary>Prepares the next execution; false when the search is complete or <see cref="ExploreOptions.MaxExecutions"/> stops it.</summary>
    public bool Next()
    {
        if (!_search.Backtrack())
            return false;
        if (_runs < options.MaxExecutions)
            return true;
        _exhaustive = false;
        return false;
    }

    public ScenarioResult Result()
    {
        var checkerStep = _exploreStep with { Text = "object checker: no finding in any execution" };
        var checker = _findingExample is null ? null : new ExpectationVerdict(checkerStep, Quantifier.Never, _executions - _withFindings, _executions, false, _findingExample);
        var verdicts = _order.Where(_tallies.ContainsKey).Select(s => _tallies[s].ToVerdict(_executions));
        var exploration = new ExplorationResult(
            _executions, _prunedCount, _deadlocks, _events, _exhaustive,
            [.. _states.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new FinalState(s.Key, s.Value))],
            [.. verdicts, .. checker is null ? [] : new[] { checker }]);
        var after = _order.Select(s => _tallies.TryGetValue(s, out var tally) ? tally.Entry(_executions) : _untallied[s]);
        TraceEntry[] findings = checker is null ? [] :
            [new(checkerStep, Verdict.Fail, $"findings in {_withFindings} of {Units.Count(_executions, "execution")}", ExpectationTally.Notes(_findingExample!, _executions))];
        return _first! with
        {
            Entries = [.. _prefix!, ExplorationNotes.Entry(_exploreStep, exploration, options, _runs), .. findings, .. after],
            Findings = _findings,
            Exploration = exploration,
        };
    }

    // The entries after the block: quantified expectations, plain ones (judged like always), and steps without a
    // verdict, which the trace shows as the first execution ran them.
    private IEnumerable<Judgment> Judgments(IEnumerable<TraceEntry> entries, ExecutionRecord current)
    {
        foreach (var entry in entries)
        {
            if (current.Quantified(entry.Step) is { } quantified)
                yield return quantified;
            else if (entry.Verdict != Verdict.None)
                yield return new Judgment(entry.Step, Quantifier.Always, entry.Verdict == Verdict.Pass, entry.Failure);
            else if (_untallied.TryAdd(entry.Step, entry))
                _order.Add(entry.Step);
        }
    }

    private ExpectationTally Tally(Step step, Quantifier quantifier)
    {
        if (!_tallies.TryGetValue(step, out var tally))
        {
            tally = new ExpectationTally(step, quantifier);
            _tallies.Add(step, tally);
            _order.Add(step);
        }
        return tally;
    }

    private void AddState(string state) => _states[state] = _states.GetValueOrDefault(state) + 1;
}

/// <summary>Thrown out of the scenario's code when its explore block ends in a pruned or deadlocked state: the statements after it do not run.</summary>
internal sealed class AbandonedExecution() : Exception("the execution was abandoned by the explorer");
