namespace ScenarioLang.Runtime.Exploration;

/// <summary>
/// A stateless depth-first search over the events of every execution, reduced by sleep sets and persistent sets
/// (Godefroid, "Partial-Order Methods for the Verification of Concurrent Systems", 1996). Machine states cannot be
/// copied (kernel paths are iterators), so each execution re-runs the scenario: <see cref="Choose"/> replays the trail
/// of the previous execution up to its last open choice, takes the next alternative there and the first event after it.
/// </summary>
/// <remarks>
/// An event explored from a state, and every event that state's sleep set held, goes to sleep in the states reached
/// by an independent event: interleavings that only reorder independent events reach the same terminal state, so an
/// execution in which every enabled event sleeps is pruned. An event independent of every event (a return, a
/// preemption point, a store into the buffer) is alone a persistent set: it is taken without trying the others
/// first. Both are sound for terminal states, which are all the verdicts read.
/// </remarks>
internal sealed class SleepSetSearch(bool reduce)
{
    private readonly List<Node> _trail = [];
    private int _depth;

    /// <summary>The event to perform in the current state, or null when every enabled event sleeps.</summary>
    public Transition? Choose(IReadOnlyList<Transition> enabled)
    {
        var choices = reduce && enabled.FirstOrDefault(t => t.Effect == MemoryEffect.None) is { } local ? [local] : enabled;
        if (_depth < _trail.Count)
        {
            var replayed = _trail[_depth++];
            if (!SameEvents(replayed.Choices, choices))
                throw new InvalidOperationException("the scenario did not replay the same way: its steps are not deterministic");
            return replayed.Chosen;
        }
        var sleep = _depth == 0 || !reduce ? [] : _trail[_depth - 1].ChildSleep();
        var first = choices.FirstOrDefault(t => !Sleeps(sleep, t));
        if (first is null)
            return null;
        _trail.Add(new Node(choices, sleep, first));
        _depth++;
        return first;
    }

    /// <summary>Moves to the next unexplored choice, deepest first; false when the search is complete.</summary>
    public bool Backtrack()
    {
        _depth = 0;
        while (_trail.Count > 0)
        {
            var node = _trail[^1];
            node.Done.Add(node.Chosen);
            if (node.Choices.FirstOrDefault(t => !Sleeps(node.Sleep, t) && !Sleeps(node.Done, t)) is { } next)
            {
                node.Chosen = next;
                return true;
            }
            _trail.RemoveAt(_trail.Count - 1);
        }
        return false;
    }

    private static bool SameEvents(IReadOnlyList<Transition> a, IReadOnlyList<Transition> b)
    {
        if (a.Count != b.Count)
            return false;
        for (var i = 0; i < a.Count; i++)
        {
            if (a[i].Event != b[i].Event)
                return false;
        }
        return true;
    }

    private static bool Sleeps(IEnumerable<Transition> set, Transition t) => set.Any(s => s.Event == t.Event);

    /// <summary>A state of the trail: the events to explore there, those asleep on arrival, those explored, the one taken now.</summary>
    private sealed class Node(IReadOnlyList<Transition> choices, IReadOnlyList<Transition> sleep, Transition chosen)
    {
        public IReadOnlyList<Transition> Choices { get; } = choices;

        public IReadOnlyList<Transition> Sleep { get; } = sleep;

        public List<Transition> Done { get; } = [];

        public Transition Chosen { get; set; } = chosen;

        /// <summary>The sleep set of the state <see cref="Chosen"/> leads to; a sleeping event keeps its effect.</summary>
        public IReadOnlyList<Transition> ChildSleep() => [.. Sleep.Concat(Done).Where(t => t.IndependentOf(Chosen))];
    }
}
