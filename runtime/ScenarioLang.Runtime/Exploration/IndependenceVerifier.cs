using System.Globalization;
using ScenarioLang.Runtime.Scheduling;

namespace ScenarioLang.Runtime.Exploration;

/// <summary>
/// Checks, on one execution that reached a final state, the claim every reduction rests on: that the footprints say
/// which events commute, so every linearisation of the execution's partial order ends the same way. For each event,
/// it re-runs the scenario with the event moved before all the earlier events it is independent of, and compares
/// the run with the original: the same events enabled when due, the same point performed by each (with the value
/// each load read), the same final state (<see cref="StateSnapshot"/>). A difference means some state the two events
/// share is not in tracked storage; the event is then moved one place at a time to find the first event it does not
/// commute with, and both are named in an <see cref="IndependenceViolationException"/>.
/// </summary>
/// <remarks>
/// Costs one run of the scenario per event that has an earlier independent one, from the scenario's start (machine
/// states cannot be copied); the one-place-at-a-time search runs only on a violation. An execution that started on a
/// rewound machine (<see cref="ScenarioRun.Rewind"/>) is first run again from the scenario's start, in its own order:
/// it must end in the same state.
/// </remarks>
/// <param name="reorders">Whether the search relies on independence (a reduction, a sampling strategy): without, only the
/// rewinding is checked.</param>
internal sealed class IndependenceVerifier(Func<ISearch, (ScenarioResult Result, ExecutionDriver Driver, ScenarioRun Run)> run, int? bufferBound, bool reorders = true)
{
    /// <summary>Checks the execution <paramref name="driver"/> ran to a final state, ending as <paramref name="result"/> of <paramref name="original"/>.</summary>
    public void Verify(ExecutionDriver driver, ScenarioResult result, ScenarioRun original)
    {
        var events = driver.Record!.Programs.Events;
        var expected = new Outcome(null, Points(events), StateSnapshot.Of(original, driver.Record, result));
        // An execution on a rewound machine against the same events from the scenario's start: what the rewind did
        // not put back shows here.
        if (original.Rewound && Difference(expected, Replay([.. events.Select(e => e.Event)])) is { } left)
            throw new InvalidOperationException($"an execution that started from its explore block on a rewound machine ended otherwise than from the scenario's start: {left}");
        if (!reorders)
            return;
        for (var j = 1; j < events.Count; j++)
        {
            var k = j;
            while (k > 0 && Independent(events, k - 1, j))
                k--;
            if (k == j || Difference(expected, Replay(Moved(events, j, k))) is null)
                continue;
            // Moved past all of them, something changed: the first of them it does not commute with, moving it one place at a time.
            for (var m = j - 1; m >= k; m--)
            {
                if (Difference(expected, Replay(Moved(events, j, m))) is { } difference)
                {
                    throw new IndependenceViolationException(
                        $"independence violated: {Describe(events[m])} and {Describe(events[j])} have footprints that do not conflict, " +
                        $"but running the second first changes the execution: {difference} (footprints: {events[m].Footprint} / {events[j].Footprint})");
                }
            }
        }
    }

    /// <summary>Whether the event at <paramref name="j"/> may run before the one at <paramref name="i"/> (i &lt; j) in an equivalent execution.</summary>
    private bool Independent(IReadOnlyList<ExecutedEvent> events, int i, int j)
    {
        var (a, b) = (events[i], events[j]);
        if (a.Event == b.Event || !new Transition(a.Event, a.Footprint).IndependentOf(new Transition(b.Event, b.Footprint)))
            return false;
        if (a.Event.Cpu != b.Event.Cpu || a.Event.OtherTaskOnCpu(b.Event))
            return true;
        // A step and a drain of one CPU: a drain comes after the step that buffered its store, and with a bound on
        // the buffer, a store may have waited for a drain to make room.
        return b.Event.Kind == EventKind.Drain ? DrainedStore(events, j) != i : !(bufferBound is not null && b.Footprint.Buffers);
    }

    /// <summary>The step that buffered the store the drain at <paramref name="j"/> took out, or -1 if it was buffered before the block.</summary>
    /// <remarks>A buffer holds its CPU's latest stores: the drained one is the oldest, with <see cref="ExecutedEvent.Buffered"/> newer ones.</remarks>
    private static int DrainedStore(IReadOnlyList<ExecutedEvent> events, int j)
    {
        var newer = events[j].Buffered;
        for (var i = j - 1; i >= 0; i--)
        {
            // Either task of the CPU may have buffered it: the buffer is the CPU's.
            if (events[i].Event.Cpu == events[j].Event.Cpu && events[i].Event.Kind != EventKind.Drain && events[i].Footprint.Buffers && newer-- == 0)
                return i;
        }
        return -1;
    }

    /// <summary>The execution's events with the one at <paramref name="from"/> moved to <paramref name="to"/>.</summary>
    private static ExploreEvent[] Moved(IReadOnlyList<ExecutedEvent> events, int from, int to) =>
        [.. events.Take(to).Select(e => e.Event), events[from].Event, .. events.Skip(to).Take(from - to).Select(e => e.Event), .. events.Skip(from + 1).Select(e => e.Event)];

    private Outcome Replay(ExploreEvent[] sequence)
    {
        var replay = new ReplaySearch(sequence);
        var (result, driver, after) = run(replay);
        if (!replay.Followed)
            return new Outcome(replay.Refused ?? $"the execution ended after {replay.Count} of {sequence.Length} events{(driver.Deadlock is { } d ? $" ({d})" : "")}", [], null);
        return new Outcome(null, Points(driver.Record!.Programs.Events), StateSnapshot.Of(after, driver.Record, result));
    }

    /// <summary>What tells two runs apart, first what happened along the way, then the state they end in; null if nothing does.</summary>
    private static string? Difference(Outcome expected, Outcome actual)
    {
        if (actual.Refused is { } refused)
            return refused;
        var differences = new List<string>();
        foreach (var (process, performed) in expected.Points)
        {
            var theirs = actual.Points.Find(p => p.Process == process).Performed ?? [];
            var at = Enumerable.Range(0, Math.Max(performed.Count, theirs.Count)).FirstOrDefault(i => i >= performed.Count || i >= theirs.Count || performed[i] != theirs[i], -1);
            if (at >= 0)
            {
                differences.Add($"{process}'s event {at + 1} performed {(at < theirs.Count ? theirs[at] : "nothing")} instead of {(at < performed.Count ? performed[at] : "nothing")}");
                break;
            }
        }
        if (expected.State!.FirstDifference(actual.State!) is { } state)
            differences.Add(state);
        return differences.Count == 0 ? null : string.Join("; ", differences);
    }

    /// <summary>What each process (a CPU's program, a CPU's buffer) performed, event by event, in the order of its first event.</summary>
    private static List<(ExploreEvent Process, List<string> Performed)> Points(IReadOnlyList<ExecutedEvent> events)
    {
        var processes = new List<(ExploreEvent, List<string>)>();
        foreach (var e in events)
        {
            var index = processes.FindIndex(p => p.Item1 == e.Event);
            if (index < 0)
            {
                index = processes.Count;
                processes.Add((e.Event, []));
            }
            processes[index].Item2.Add(Performed(e));
        }
        return processes;
    }

    /// <summary>"the start", "the return", "copy_pgd[402] (load swapper_pg_dir[402]) reading 7", "the drain of x = 1".</summary>
    private static string Performed(ExecutedEvent e) => e switch
    {
        { Drained: { } store } => $"the drain of {store}",
        { Switch: { } switched } => switched.ToString(),
        { Starts: true } => "the start",
        { Performed: { } point } => point.Kind is InterleavingKind.Load or InterleavingKind.Exchange or InterleavingKind.Add
            ? $"{point.Label} ({point}) reading {point.Value.ToString(CultureInfo.InvariantCulture)}"
            : $"{point.Label} ({point})",
        _ => "the return",
    };

    /// <summary>"cpu1 'cpu1 B: mmap(…)' at mmap_region (load x) reading 0", "cpu0 drain of x = 1".</summary>
    private static string Describe(ExecutedEvent e) =>
        e.Step is { } step ? $"{e.Event.ToString()} '{step.Action}' at {Performed(e)}" : $"{e.Event.ToString()}: {Performed(e)}";

    private sealed record Outcome(string? Refused, List<(ExploreEvent Process, List<string> Performed)> Points, StateSnapshot? State);
}
