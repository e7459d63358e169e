namespace ScenarioLang.Runtime.Exploration;

/// <summary>
/// Chooses the events of the executions of an explore block. Machine states inside the block cannot be copied (kernel
/// paths are iterators), so every execution runs the block from its start, on a machine rewound there, and the search
/// steers it event by event.
/// </summary>
internal interface ISearch
{
    /// <summary>A new execution's block begins, with this many stores already in each CPU's buffer.</summary>
    void Begin(IReadOnlyList<int> bufferedAtStart);

    /// <summary>
    /// The event the search takes in the current state without being shown what is enabled there, because it has
    /// been there before (a depth-first search replaying the trail to its last open choice); null when it must be
    /// shown (<see cref="Choose"/>).
    /// </summary>
    Transition? Replaying() => null;

    /// <summary>
    /// The event to perform in the current state, or null to abandon the execution (every enabled event sleeps).
    /// <paramref name="enabled"/> is the execution's own list, which a search reads and never changes: it holds until the
    /// event has been <see cref="Performed"/>; a search that keeps it longer copies it.
    /// </summary>
    Transition? Choose(TransitionList enabled);

    /// <summary>The chosen event has run: <paramref name="performed"/> has its whole footprint.</summary>
    void Performed(Transition performed)
    {
    }

    /// <summary>The execution ended in a deadlock, with these events spinning in spin_lock() on these words.</summary>
    void Deadlocked(IEnumerable<(ExploreEvent Event, Scheduling.MemoryLocation Word)> spinning)
    {
    }

    /// <summary>Prepares the next execution; false when this search has none left.</summary>
    bool Next();

    /// <summary>Whether a bound of the search left an enabled event unexplored in some state.</summary>
    bool Bounded => false;
}

/// <summary>
/// A subtree of the search: the events that lead from the block's start to its root, and the events asleep there
/// (explored from an ancestor; every execution that begins with one of them is equivalent to one explored there).
/// </summary>
internal sealed record SearchUnit(IReadOnlyList<Transition> Prefix, IReadOnlyList<Transition> Sleep)
{
    public static SearchUnit Root { get; } = new([], []);

    /// <summary>The prefix's event at <paramref name="depth"/>, as enabled in this execution.</summary>
    public Transition Replay(int depth, IReadOnlyList<Transition> enabled) =>
        enabled.FirstOrDefault(t => t.Event == Prefix[depth].Event) ?? throw NotReplayed();

    /// <summary>A re-run of the scenario offered other events than the run it replays: its steps are not deterministic.</summary>
    public static InvalidOperationException NotReplayed() =>
        new("the scenario did not replay the same way: its steps are not deterministic");
}
