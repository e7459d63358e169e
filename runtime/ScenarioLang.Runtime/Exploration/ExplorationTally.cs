using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Runtime.Exploration;

/// <summary>
/// What the executions of a part of the search (a <see cref="SearchUnit"/>, a batch of random walks) showed, added
/// up one execution at a time; the parts are then appended in search order, so the sum does not depend on which
/// thread or process searched which part.
/// </summary>
internal sealed partial class ExplorationTally
{
    private readonly List<Step> _order = [];
    private readonly Dictionary<Step, ExpectationTally> _tallies = [];
    private readonly Dictionary<Step, TraceEntry> _untallied = [];
    private readonly FinalStates _states = new();
    private readonly List<Finding> _findings = [];
    private Counterexample? _findingExample;

    /// <summary>The first execution's result: its trace before the block is the exploration's.</summary>
    public ScenarioResult? First { get; private set; }

    public IReadOnlyList<TraceEntry>? Prefix { get; private set; }

    public Step ExploreStep { get; private set; }

    /// <summary>Executions of every kind: to a final state, redundant, deadlocked.</summary>
    public int Runs { get; private set; }

    public int Executions { get; private set; }

    public int Redundant { get; private set; }

    public int Deadlocks { get; private set; }

    public long Events { get; private set; }

    public int WithFindings { get; private set; }

    /// <summary>Whether the buffer bound kept a store out of a full buffer in some execution.</summary>
    public bool Bounded { get; set; }

    /// <summary>Whether the part's search ran to its end (false: a budget, the timeout or --stop-at-first stopped it).</summary>
    public bool Complete { get; set; }

    /// <summary>
    /// Whether some execution showed a violation: an always or never expectation failing, an unexpected finding, a
    /// deadlock. What --stop-at-first stops at.
    /// </summary>
    public bool Violated { get; private set; }

    /// <summary>
    /// Takes the trace before the block from the search's first run (an exhaustive search's first execution, a sampled
    /// search's probe of the block's start), for a shard given no part of the search: its result is then the block's
    /// note (inconclusive, nothing searched) after that trace.
    /// </summary>
    public void StartFrom(ScenarioResult probe, ExecutionDriver driver)
    {
        First = probe;
        Prefix = driver.Prefix;
        ExploreStep = driver.ExploreStep;
    }

    /// <summary>Takes in one execution: its final state, findings and judgments, if its block reached a final state.</summary>
    public void Add(ExecutionDriver driver, ScenarioResult result, SharedMemory memory)
    {
        Runs++;
        Events += driver.Events;
        Bounded |= driver.Bounded;
        var record = driver.Record!;
        if (First is null)
        {
            First = result;
            Prefix = driver.Prefix;
            ExploreStep = driver.ExploreStep;
            // The block's steps with an expected outcome come first among the verdicts, in the block's order.
            foreach (var judged in record.Programs.Steps.Where(s => s.Expected is not null))
                Tally(judged.Step, Quantifier.Always);
        }
        if (driver.End == ExecutionEnd.Redundant)
        {
            Redundant++;
            return;
        }
        if (driver.End == ExecutionEnd.Deadlock)
        {
            Deadlocks++;
            Violated = true;
            _states.Add(driver.Deadlock!, 1);
            return;
        }
        var execution = ++Executions;
        var observed = record.Observed(memory);
        _states.Add(observed, 1);
        // Loops, not LINQ: every execution of a search is added here, and most have no finding.
        Finding? unexpected = null;
        foreach (var finding in result.Findings)
        {
            if (!Known(finding))
                _findings.Add(finding);
            if (!finding.Expected)
                unexpected ??= finding;
        }
        // The execution's events outlive it unchanged (the next execution makes its own list and records).
        var events = new PrintedSchedule(record.Programs.Events);
        // A finding no expectation names fails the scenario; the first execution with one shows how it comes about.
        if (unexpected is not null)
        {
            WithFindings++;
            Violated = true;
            _findingExample ??= new Counterexample(execution, unexpected.Message, events.Lines);
        }
        foreach (var judgment in record.Programs.Judgments)
            Add(judgment, execution, observed, events);
        // The entries after the block: quantified expectations, plain ones (judged like always), and steps without a
        // verdict, which the trace shows as the first execution ran them.
        for (var i = record.ExploreEntry + 1; i < result.Entries.Count; i++)
        {
            var entry = result.Entries[i];
            if (record.Quantified(entry.Step) is { } quantified)
                Add(quantified, execution, observed, events);
            else if (entry.Verdict != Verdict.None)
                Add(new Judgment(entry.Step, Quantifier.Always, entry.Verdict == Verdict.Pass, entry.Failure), execution, observed, events);
            else if (_untallied.TryAdd(entry.Step, entry))
                _order.Add(entry.Step);
        }
    }

    private void Add(Judgment judgment, int execution, IReadOnlyList<(string Subject, string Value)> observed, PrintedSchedule events)
    {
        Tally(judgment.Step, judgment.Quantifier).Add(judgment, execution, observed, events);
        Violated |= !judgment.Satisfied && judgment.Quantifier != Quantifier.Sometimes;
    }

    private bool Known(Finding finding)
    {
        foreach (var seen in _findings)
        {
            if (seen.Message == finding.Message)
                return true;
        }
        return false;
    }

    /// <summary>Appends the tally of the next part of the search: its executions are numbered after these.</summary>
    public void Append(ExplorationTally next)
    {
        if (First is null)
        {
            First = next.First;
            Prefix = next.Prefix;
            ExploreStep = next.ExploreStep;
        }
        var offset = Executions;
        Runs += next.Runs;
        Executions += next.Executions;
        Redundant += next.Redundant;
        Deadlocks += next.Deadlocks;
        Events += next.Events;
        WithFindings += next.WithFindings;
        Bounded |= next.Bounded;
        Violated |= next.Violated;
        _states.Add(next._states);
        _findings.AddRange(next._findings.Where(f => !_findings.Exists(seen => seen.Message == f.Message)));
        _findingExample ??= next._findingExample is { } example ? example with { Execution = example.Execution + offset } : null;
        foreach (var step in next._order)
        {
            if (next._tallies.TryGetValue(step, out var tally))
                Tally(step, tally.Quantifier).Append(tally, offset);
            else if (_untallied.TryAdd(step, next._untallied[step]))
                _order.Add(step);
        }
    }

    /// <summary>
    /// The exploration's result: the first execution's trace before the block, then the block's summary and verdicts.
    /// After a search cut short, or one shard's part of it, what held in every execution it ran is inconclusive.
    /// </summary>
    public ScenarioResult Result(ExploreOptions options, string? cut, string? shard)
    {
        var partial = cut is not null ? "the search was cut short" : shard is not null ? "this shard searched part of the tree" : null;
        var checkerStep = ExploreStep with { Text = "object checker: no finding in any execution" };
        var checker = _findingExample is null ? null : new ExpectationVerdict(checkerStep, Quantifier.Never, Executions - WithFindings, Executions, Verdict.Fail, _findingExample);
        var verdicts = _order.Where(_tallies.ContainsKey).Select(s => _tallies[s].ToVerdict(Executions, partial));
        var exploration = new ExplorationResult(
            Executions, Redundant, Deadlocks, Events, cut, shard,
            _states.Sorted(),
            [.. verdicts, .. checker is null ? [] : new[] { checker }]);
        var after = _order.Select(s => _tallies.TryGetValue(s, out var tally) ? tally.Entry(Executions, partial) : _untallied[s]);
        TraceEntry[] findings = checker is null ? [] :
            [new(checkerStep, Verdict.Fail, $"findings in {WithFindings} of {Units.Count(Executions, "execution")}", ExpectationTally.Notes(_findingExample!, Executions))];
        return First! with
        {
            Entries = [.. Prefix!, ExplorationNotes.Entry(ExploreStep, exploration, options), .. findings, .. after],
            Findings = _findings,
            Exploration = exploration,
        };
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
}
