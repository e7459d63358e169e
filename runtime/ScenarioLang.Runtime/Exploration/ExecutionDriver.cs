using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Runtime.Exploration;

/// <summary>How an execution of an explore block ended.</summary>
internal enum ExecutionEnd
{
    /// <summary>Every program returned and every buffer drained: its expectations are judged.</summary>
    Final,
    /// <summary>Abandoned where every enabled event slept: an equivalent execution is explored elsewhere.</summary>
    Redundant,
    /// <summary>A CPU spins on a lock no one will release.</summary>
    Deadlock,
    /// <summary>Stopped by a probe that splits the search; not an execution of the exploration.</summary>
    Probe,
}

/// <summary>
/// One run of the scenario as an execution of its explore block: drives the block's programs with the events the
/// search chooses, and keeps what the tally needs once the run is over.
/// </summary>
internal sealed class ExecutionDriver(ISearch search, int? bufferBound)
{
    private ProgramExecution? _previous;
    private bool _sameSearch;

    /// <summary>This driver runs the next execution of <paramref name="last"/>'s block, on its machine rewound.</summary>
    public void Follows(ExecutionDriver last)
    {
        _previous = last.Record?.Programs;
        // Only the same search replays the trail of the execution before.
        _sameSearch = ReferenceEquals(last.Search, Search);
    }

    /// <summary>The search this driver follows.</summary>
    public ISearch Search { get; } = search;

    /// <summary>The trace before the block, as this run ran it; null if the run never reached an explore block.</summary>
    public IReadOnlyList<TraceEntry>? Prefix { get; private set; }

    public Step ExploreStep { get; private set; }

    public ExecutionRecord? Record { get; private set; }

    public ExecutionEnd End { get; private set; }

    public string? Deadlock { get; private set; }

    public long Events { get; private set; }

    /// <summary>Whether the buffer bound kept a store out of a full buffer in some state of this execution.</summary>
    public bool Bounded { get; private set; }

    /// <summary>
    /// Runs the block once, following the search: to a final state (the run goes on with the statements after the
    /// block), or to a deadlock or a state the search abandons, where the run stops: then it returns null, and
    /// <see cref="End"/> says why.
    /// </summary>
    public ExecutionRecord? Explore(Step step, IReadOnlyList<ThreadStep> steps, X86Machine machine, IReadOnlyList<TraceEntry> prefix)
    {
        Prefix = prefix;
        ExploreStep = step;
        var programs = new ProgramExecution(machine, steps, bufferBound, _previous, _sameSearch);
        _previous = null;
        Record = new ExecutionRecord(programs, prefix.Count);
        Search.Begin([.. machine.Cpus.Select(c => c.StoreBuffer.Count)]);
        while (true)
        {
            // A state the search has been in: the events enabled there are known, so they are not made again.
            if (Search.Replaying() is { } replayed)
            {
                Search.Performed(programs.Perform(replayed, replayed: true));
                Events++;
                continue;
            }
            var enabled = programs.Enabled();
            if (enabled.Count == 0)
                break;
            var next = Search.Choose(enabled);
            if (next is null)
            {
                End = Search is ProbeSearch ? ExecutionEnd.Probe : ExecutionEnd.Redundant;
                Bounded = programs.Bounded;
                return null;
            }
            Search.Performed(programs.Perform(next));
            Events++;
        }
        Bounded = programs.Bounded;
        if (programs.Done)
            return Record;
        End = ExecutionEnd.Deadlock;
        Deadlock = programs.Deadlock();
        Search.Deadlocked(programs.Spinning());
        return null;
    }
}

/// <summary>
/// Thrown out of the scenario's code when its explore block ends in an abandoned or deadlocked state: the statements
/// after it do not run. A rewound run, which runs the block and those statements itself, just stops.
/// </summary>
internal sealed class AbandonedExecution() : Exception("the execution was abandoned by the explorer");
