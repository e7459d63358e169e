namespace ScenarioLang.Runtime.Exploration;

/// <summary>
/// Runs one execution down a unit's prefix to its first state with more than one event to explore, where the unit is
/// split into one child per event: the search in full at that state, each child asleep on the events its earlier
/// siblings explore (Godefroid 1996), so the children's subtrees can be searched apart and their results added up.
/// </summary>
/// <remarks>
/// A sleeping sibling must be independent of the child's event, which needs both their whole footprints: a probe
/// below the root runs the first child's event itself before it stops, and the other events of the split state that
/// have not run are run once each, up to that event, before the children are made.
/// </remarks>
/// <param name="runsFirstChild">
/// Whether the probe runs the first child's event before it stops. Not a sampled search's probe of the block's
/// start: its run, stopped at the split, is what a shard given no part of the search reports
/// (<see cref="ExplorationTally.StartFrom"/>).
/// </param>
internal sealed class ProbeSearch(SearchUnit unit, bool reduce, bool runsFirstChild = false) : ISearch
{
    private readonly List<Transition> _path = [];
    private IReadOnlyList<Transition> _sleep = unit.Sleep;
    // The state the last event was taken alone in, as a local one: if it turns out not to be, that state is split.
    private IReadOnlyList<Transition>? _takenAloneIn;
    private Transition[]? _split;
    // The split state's first event, chosen to run before the probe stops: it comes back with its whole footprint.
    private bool _firstChildRunning;

    /// <summary>Whether the probe found a state to split (its children need <see cref="Children"/>).</summary>
    public bool Splits => _split is not null;

    /// <summary>
    /// The unit's children at the state the probe split, or null when the unit has no state to split (its executions
    /// are one path); <paramref name="footprint"/> runs the event that ends a prefix and gives it with its whole footprint.
    /// </summary>
    public IReadOnlyList<SearchUnit>? Children(Func<IReadOnlyList<Transition>, Transition> footprint)
    {
        if (_split is not { } awake)
            return null;
        var whole = awake.Select(t => t.Effect.Complete || !reduce ? t : footprint([.. _path, t])).ToArray();
        return [.. whole.Select((t, k) => new SearchUnit(
            [.. _path, t],
            reduce ? [.. _sleep.Concat(whole.Take(k)).Where(s => s.IndependentOf(t))] : []))];
    }

    public void Begin(IReadOnlyList<int> bufferedAtStart)
    {
    }

    public Transition? Choose(TransitionList enabled)
    {
        if (_split is not null)
            return null;
        _takenAloneIn = null;
        if (_path.Count < unit.Prefix.Count)
            return unit.Replay(_path.Count, enabled);
        // As in DporSearch: a sleeping event is never the one taken alone.
        var local = reduce ? Transition.LocalAmong(enabled, t => !Asleep(t)) : null;
        IReadOnlyList<Transition> choices = local is null ? enabled : [local];
        var awake = Awake(choices);
        if (awake.Length > 1)
        {
            _split = awake;
            _firstChildRunning = runsFirstChild;
            return runsFirstChild ? awake[0] : null;
        }
        if (awake.Length != 1)
            return null;
        _takenAloneIn = local is null ? null : enabled;
        return awake[0];
    }

    public void Performed(Transition performed)
    {
        if (_firstChildRunning)
        {
            _split![0] = performed;
            _firstChildRunning = false;
            return;
        }
        if (_path.Count >= unit.Prefix.Count)
        {
            // Taken alone as local, it touched shared state after all: the state is split over every awake event.
            if (_takenAloneIn is { } enabled && !performed.Effect.IsLocal && Awake(enabled) is { Length: > 1 } awake)
            {
                _split = [performed, .. awake.Where(t => t.Event != performed.Event)];
                return;
            }
            _sleep = [.. _sleep.Where(s => s.IndependentOf(performed))];
        }
        _path.Add(performed);
    }

    public bool Next() => false;

    private Transition[] Awake(IReadOnlyList<Transition> choices) => [.. choices.Where(t => !Asleep(t))];

    private bool Asleep(Transition t) => _sleep.Any(s => s.Event == t.Event);
}
