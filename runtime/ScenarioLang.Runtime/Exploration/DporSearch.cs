namespace ScenarioLang.Runtime.Exploration;

/// <summary>
/// Source-DPOR with sleep sets (Abdulla, Aronis, Jonsson, Sagonas, "Optimal Dynamic Partial Order Reduction", POPL
/// 2014, Algorithm 1), over the events of x86-TSO with each store buffer's drains as a process of its own (Abdulla et
/// al., "Stateless Model Checking for TSO and PSO", TACAS 2015), below the root of a <see cref="SearchUnit"/>.
/// </summary>
/// <remarks>
/// A depth-first search that re-runs the explore block for each execution: <see cref="Replaying"/> replays the trail of
/// the previous execution up to its last open choice and takes the next event to explore there, then
/// <see cref="Choose"/> goes on with the first event not asleep. Each new event's races (<see cref="HappensBefore"/>) name
/// the states where the other order of the two events must be tried: there, unless one of the events that can start
/// that other order is already to be explored, one of them is added. An event independent of every other (a return, a
/// preemption point, a store into the buffer) is taken alone. With sleep sets alone every event not asleep is explored
/// in every state, without reduction every enabled event; with a bound on preemptions (no reduction), every event that
/// keeps within it.
/// </remarks>
internal sealed class DporSearch(SearchUnit unit, Reduction reduction, int? bufferBound, int? preemptionBound = null, bool checkReplays = false) : ISearch
{
    private readonly bool _sleepSets = reduction != Reduction.None;
    private readonly List<Node> _trail = [];
    private HappensBefore? _graph;
    private int _depth;
    // The events enabled in the new state the search has chosen in, until the chosen one has run.
    private TransitionList? _offered;
    private readonly Transition[] _rootSleep = [.. unit.Sleep];
    // Nodes the search has left, whose lists the next new states fill again: an execution makes tens of states.
    private readonly Stack<Node> _free = [];
    private readonly TransitionList _scratch = new();
    // Reverse()'s set of the events independent of a race's first, filled anew for each race.
    private readonly EventSet _independent = new(64);

    public bool Bounded { get; private set; }

    public void Begin(IReadOnlyList<int> bufferedAtStart)
    {
        _depth = 0;
        if (reduction == Reduction.Dpor)
            _graph ??= new HappensBefore(bufferedAtStart, bufferBound);
    }

    /// <summary>
    /// The trail's event, in a state the trail passes through, unless <c>checkReplays</c> asks to be shown the events
    /// enabled there (<see cref="Replays"/>): the scenario is deterministic and the machine rewound to the block's
    /// start is the one a run from the start makes, which <c>--verify-independence</c> checks execution by execution.
    /// </summary>
    public Transition? Replaying() => !checkReplays && _depth < _trail.Count ? _trail[_depth].Chosen : null;

    public Transition? Choose(TransitionList enabled)
    {
        if (_depth < _trail.Count)
        {
            var replayed = _trail[_depth];
            if (!Replays(replayed, enabled))
                throw SearchUnit.NotReplayed();
            return replayed.Chosen;
        }
        // A new state. The list of its events is the execution's until the event has run (Performed may need them).
        _offered = enabled;
        var node = _free.TryPop(out var free) ? free : new Node();
        if (_depth < unit.Prefix.Count)
        {
            var replay = unit.Replay(_depth, enabled);
            node.Enter(enabled.Count, frozen: true, Context(_depth, enabled.Span));
            node.Choices.Add(replay);
            node.Chosen = replay;
            _trail.Add(node);
            return replay;
        }
        node.Enter(enabled.Count, frozen: false, Context(_depth, enabled.Span));
        if (_sleepSets && _depth == unit.Prefix.Count)
            node.Sleep.AddRange(_rootSleep);
        else if (_sleepSets)
            _trail[_depth - 1].ChildSleep(node.Sleep);
        var sleep = node.Sleep.Span;
        Choices(enabled.Span, _depth, sleep, expanded: false, node.Choices);
        if (FirstAwake(node.Choices.Span, sleep) is not { } chosen)
        {
            _free.Push(node);
            return null;
        }
        node.Chosen = chosen;
        if (reduction == Reduction.Dpor)
            node.Explore(chosen.Event);
        else
            node.Explore(node.Choices.Span);
        _trail.Add(node);
        return chosen;
    }

    public void Performed(Transition performed)
    {
        var node = _trail[_depth];
        node.Chosen = performed;
        // An event taken alone because its point touches nothing ran kernel code that touched shared state: the state
        // is expanded in full, as if the event had not looked local.
        if (!node.Frozen && !node.Expanded && node.Choices.Count == 1 && node.EnabledCount > 1 && !performed.Effect.IsLocal)
        {
            // Only in the execution that made the state: one that replays it finds it expanded.
            if (_offered is not { } offered || _depth != _trail.Count - 1 || offered.Count != node.EnabledCount)
                throw SearchUnit.NotReplayed();
            node.Expanded = true;
            Choices(offered.Span, _depth, node.Sleep.Span, expanded: true, node.Choices);
            if (reduction == Reduction.Dpor)
                node.Explore(performed.Event);
            else
                node.Explore(node.Choices.Span);
        }
        if (_graph is not null && _depth == _graph.Count)
        {
            foreach (var race in _graph.Add(performed))
                Reverse(race, _depth);
        }
        _offered = null;
        _depth++;
    }

    /// <summary>
    /// A spin_lock() that spins to the end never runs, so its race with the spin_lock() that took the word is never
    /// seen by <see cref="HappensBefore"/>: the state before that one must also try the spinning task's event, or,
    /// when that task had no event there, every event (as <see cref="Reverse"/> does).
    /// </summary>
    public void Deadlocked(IEnumerable<(ExploreEvent Event, Scheduling.MemoryLocation Word)> spinning)
    {
        if (_graph is not { } graph)
            return;
        foreach (var (e, word) in spinning)
        {
            if (graph.LastAcquire(word) is not { } taken || taken < unit.Prefix.Count)
                continue;
            var holder = graph.EventAt(taken);
            if (holder.Cpu == e.Cpu && !holder.OtherTaskOnCpu(e))
                continue;
            var node = _trail[taken];
            if (Includes(node.Choices.Span, e))
                node.Explore(e);
            else
                node.Explore(node.Choices.Span);
        }
    }

    /// <summary>Moves to the deepest state with an event left to explore; false when the unit's subtree is done.</summary>
    public bool Next()
    {
        for (var depth = _trail.Count - 1; depth >= 0 && !_trail[depth].Frozen; depth--)
        {
            var node = _trail[depth];
            node.Done.Add(node.Chosen);
            if (node.NextToExplore() is { } next)
            {
                node.Chosen = next;
                _graph?.Truncate(depth);
                return true;
            }
            _trail.RemoveAt(depth);
            _free.Push(node);
        }
        return false;
    }

    /// <summary>
    /// What is left of the search once <see cref="Next"/> has moved to its next event, as units another part can search
    /// apart: in every state of the trail, each event considered there that is neither explored, nor asleep, nor being
    /// explored below becomes the root of a unit, the event the trail moved to first. The trail's states are so
    /// expanded in full, as a split's are, which a unit's search relies on for the races of its events with its prefix's.
    /// Deepest first, the order the search would have gone on in. <paramref name="footprint"/> runs a path and gives its
    /// last event with its whole footprint, which a unit's sleep set needs.
    /// </summary>
    public List<SearchUnit> Remaining(Func<IReadOnlyList<Transition>, Transition> footprint)
    {
        var units = new List<SearchUnit>();
        for (var depth = _trail.Count - 1; depth >= 0 && !_trail[depth].Frozen; depth--)
        {
            var node = _trail[depth];
            var prefix = _trail.Take(depth).Select(n => n.Chosen).ToArray();
            var asleep = new List<Transition>([.. node.Sleep.Span, .. node.Done.Span]);
            var deepest = depth == _trail.Count - 1;
            // Below the deepest state, the event being explored is explored by the units made deeper.
            if (!deepest)
                asleep.Add(node.Chosen);
            var open = node.Choices.Span.ToArray().Where(t => t.Event != node.Chosen.Event && !Includes(asleep.ToArray(), t.Event)).ToArray();
            foreach (var t in deepest ? [node.Chosen, .. open] : open)
            {
                var whole = t.Effect.Complete || !_sleepSets ? t : footprint([.. prefix, t]);
                units.Add(new SearchUnit([.. prefix, whole], _sleepSets ? [.. asleep.Where(s => s.IndependentOf(whole))] : []));
                asleep.Add(whole);
            }
        }
        return units;
    }

    /// <summary>
    /// Whether a re-run offers, in a state of the trail it replays, the events it offered when the state was explored:
    /// <see cref="Choices"/> compared without making its list, since every execution replays most of its states.
    /// </summary>
    private bool Replays(Node replayed, TransitionList offered)
    {
        var enabled = offered.Span;
        if (replayed.Frozen)
            return Includes(enabled, replayed.Chosen.Event);
        var sleep = replayed.Sleep.Span;
        if (preemptionBound is not null)
        {
            Choices(enabled, _depth, sleep, replayed.Expanded, _scratch);
            return SameEvents(replayed.Choices.Span, _scratch.Span);
        }
        if (_sleepSets && !replayed.Expanded && LocalAwake(enabled, sleep) is { } local)
            return replayed.Choices.Count == 1 && replayed.Choices.Span[0].Event == local.Event;
        return SameEvents(replayed.Choices.Span, enabled);
    }

    /// <summary>Fills <paramref name="choices"/> with the events the search considers in a state (a list the state's node keeps).</summary>
    /// <remarks>
    /// The event taken alone must not be asleep: a sleeping event looks local only because it has not run here, while
    /// its footprint from where it ran says it is not, and taking it alone would end the state without the others.
    /// </remarks>
    private void Choices(ReadOnlySpan<Transition> enabled, int depth, ReadOnlySpan<Transition> sleep, bool expanded, TransitionList choices)
    {
        choices.Clear();
        if (_sleepSets && !expanded && LocalAwake(enabled, sleep) is { } local)
        {
            choices.Add(local);
            return;
        }
        if (preemptionBound is not { } bound)
        {
            choices.AddRange(enabled);
            return;
        }
        var context = Context(depth, enabled)!;
        for (var i = 0; i < enabled.Length; i++)
        {
            if (context.After(enabled[i]).Preemptions <= bound)
                choices.Add(enabled[i]);
        }
        Bounded |= choices.Count < enabled.Length;
    }

    /// <summary>
    /// The preemptions so far and the CPU that ran the last step, in the state at <paramref name="depth"/>; only a
    /// preemption bound needs them (null without one).
    /// </summary>
    private RunningCpu? Context(int depth, ReadOnlySpan<Transition> enabled) =>
        preemptionBound is null ? null : (depth == 0 ? new RunningCpu(0, null, []) : _trail[depth - 1].After) with { Enabled = enabled.ToArray() };

    /// <summary>
    /// The race of the event at <paramref name="earlier"/> with the one at <paramref name="later"/>: in the state
    /// before the first, the events after it that do not depend on it, then the second, can run instead. One of the
    /// events that can start that sequence must be explored there.
    /// </summary>
    private void Reverse(int earlier, int later)
    {
        if (earlier < unit.Prefix.Count)
            return; // the prefix's states are expanded in full by the split
        var graph = _graph!;
        var node = _trail[earlier];
        var independent = _independent;
        independent.Clear();
        for (var k = earlier + 1; k < later; k++)
        {
            if (!graph.Before(k).Contains(earlier))
                independent.Add(k);
        }
        ExploreEvent? candidate = null;
        for (var k = earlier + 1; k <= later; k++)
        {
            if (k < later && !independent.Contains(k) || graph.Before(k).Overlaps(independent))
                continue;
            var initial = graph.EventAt(k);
            if (node.ToExplore(initial))
                return;
            if (candidate is null && Includes(node.Choices.Span, initial))
                candidate = initial;
        }
        if (candidate is { } q)
            node.Explore(q);
        else
            node.Explore(node.Choices.Span);
    }

    private static bool SameEvents(ReadOnlySpan<Transition> a, ReadOnlySpan<Transition> b)
    {
        if (a.Length != b.Length)
            return false;
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i].Event != b[i].Event)
                return false;
        }
        return true;
    }

    /// <summary>Whether <paramref name="e"/> is among <paramref name="set"/>'s events (a sleep set, the events done).</summary>
    private static bool Includes(ReadOnlySpan<Transition> set, ExploreEvent e)
    {
        for (var i = 0; i < set.Length; i++)
        {
            if (set[i].Event == e)
                return true;
        }
        return false;
    }

    /// <summary>The first event that, as far as its point shows, touches nothing and is not asleep (<see cref="Transition.LocalAmong(IReadOnlyList{Transition}, Func{Transition, bool})"/>).</summary>
    private static Transition? LocalAwake(ReadOnlySpan<Transition> enabled, ReadOnlySpan<Transition> sleep)
    {
        for (var i = 0; i < enabled.Length; i++)
        {
            if (enabled[i].Effect.IsLocal && !Includes(sleep, enabled[i].Event))
                return enabled[i];
        }
        return null;
    }

    private static Transition? FirstAwake(ReadOnlySpan<Transition> choices, ReadOnlySpan<Transition> sleep)
    {
        for (var i = 0; i < choices.Length; i++)
        {
            if (!Includes(sleep, choices[i].Event))
                return choices[i];
        }
        return null;
    }

    /// <summary>
    /// A state of the trail: the events enabled there (only one if it is independent of all), those asleep on
    /// arrival, those to explore and explored, and the one taken now. A prefix state is frozen: its unit explores
    /// only the prefix's event there. A node the search has left is entered again for a new state, its lists kept.
    /// </summary>
    private sealed class Node
    {
        private RunningCpu? _before;

        // The events to explore here (the backtrack set): a few at most, so an array and a count (a List of this
        // assembly's struct is framework code ReadyToRun cannot precompile).
        private ExploreEvent[] _backtrack = new ExploreEvent[2];
        private int _backtracks;

        /// <summary>How many events are enabled here, of which <see cref="Choices"/> are those the search considers.</summary>
        public int EnabledCount { get; private set; }

        public TransitionList Choices { get; } = new();

        /// <summary>The event taken alone here turned out to touch shared state: every event is considered.</summary>
        public bool Expanded { get; set; }

        public TransitionList Sleep { get; } = new();

        public TransitionList Done { get; } = new();

        /// <summary>The event taken now: with its whole footprint once it has run.</summary>
        public Transition Chosen { get; set; } = null!;

        public bool Frozen { get; private set; }

        /// <summary>The preemptions and the running CPU once <see cref="Chosen"/> has run.</summary>
        public RunningCpu After => _before!.After(Chosen);

        /// <summary>The node is a new state's, with <paramref name="enabledCount"/> events enabled: its lists are emptied.</summary>
        public void Enter(int enabledCount, bool frozen, RunningCpu? before)
        {
            EnabledCount = enabledCount;
            Frozen = frozen;
            _before = before;
            Expanded = false;
            Choices.Clear();
            Sleep.Clear();
            Done.Clear();
            _backtracks = 0;
        }

        public bool ToExplore(ExploreEvent e)
        {
            for (var i = 0; i < _backtracks; i++)
            {
                if (_backtrack[i] == e)
                    return true;
            }
            return false;
        }

        public void Explore(ExploreEvent e)
        {
            if (ToExplore(e))
                return;
            if (_backtracks == _backtrack.Length)
                Array.Resize(ref _backtrack, _backtracks * 2);
            _backtrack[_backtracks++] = e;
        }

        public void Explore(ReadOnlySpan<Transition> events)
        {
            for (var i = 0; i < events.Length; i++)
                Explore(events[i].Event);
        }

        /// <summary>Fills <paramref name="sleep"/> with the sleep set of the state <see cref="Chosen"/> leads to; a sleeping event keeps its footprint.</summary>
        public void ChildSleep(TransitionList sleep)
        {
            foreach (var t in Sleep.Span)
            {
                if (t.IndependentOf(Chosen))
                    sleep.Add(t);
            }
            foreach (var t in Done.Span)
            {
                if (t.IndependentOf(Chosen))
                    sleep.Add(t);
            }
        }

        /// <summary>The first event to explore here not explored yet and not asleep, in the order of <see cref="Choices"/>.</summary>
        public Transition? NextToExplore()
        {
            // Most states the search goes back through have explored every event to explore: two short lists say so.
            if (AllExplored())
                return null;
            foreach (var t in Choices.Span)
            {
                if (ToExplore(t.Event) && !Includes(Sleep.Span, t.Event) && !Includes(Done.Span, t.Event))
                    return t;
            }
            return null;
        }

        private bool AllExplored()
        {
            for (var i = 0; i < _backtracks; i++)
            {
                if (!Includes(Done.Span, _backtrack[i]))
                    return false;
            }
            return true;
        }
    }

}

/// <summary>
/// How many times an execution has switched away from a task that could go on (a preemption, as in context bounding:
/// Musuvathi, Qadeer, "Iterative Context Bounding for Systematic Testing", PLDI 2007), the task that ran the last
/// step (a CPU's program or the task preempting it there, so <c>cpu0 B preempts A</c> counts as one), and the events
/// enabled in the current state. Drains are not a task's steps and never preempt.
/// </summary>
internal sealed record RunningCpu(int Preemptions, ExploreEvent? Running, IReadOnlyList<Transition> Enabled)
{
    public RunningCpu After(Transition t)
    {
        if (t.Event.Kind == EventKind.Drain)
            return this with { Enabled = [] };
        var preempts = Running is { } running && running != t.Event && Enabled.Any(e => e.Event == running);
        return new RunningCpu(Preemptions + (preempts ? 1 : 0), t.Event, []);
    }
}
