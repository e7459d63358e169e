namespace ScenarioLang.Runtime.Exploration;

/// <summary>
/// Runs one execution down a unit's prefix to its first state with more than one event to explore, and splits the
/// unit there into one child per event: the search in full at that state, each child asleep on the events its earlier
/// siblings explore (Godefroid 1996), so the children's subtrees can be searched apart and their results added up.
/// </summary>
internal sealed class ProbeSearch(SearchUnit unit, bool reduce) : ISearch
{
    private readonly List<Transition> _path = [];
    private IReadOnlyList<Transition> _sleep = unit.Sleep;

    /// <summary>The unit's children, or null when the unit has no state to split (its executions are one path).</summary>
    public IReadOnlyList<SearchUnit>? Children { get; private set; }

    public void Begin(IReadOnlyList<int> bufferedAtStart)
    {
    }

    public Transition? Choose(IReadOnlyList<Transition> enabled)
    {
        if (_path.Count < unit.Prefix.Count)
            return Follow(unit.Replay(_path.Count, enabled));
        IReadOnlyList<Transition> choices = reduce && Transition.LocalAmong(enabled) is { } local ? [local] : enabled;
        var awake = choices.Where(t => !_sleep.Any(s => s.Event == t.Event)).ToArray();
        if (awake.Length == 1)
        {
            _sleep = [.. _sleep.Where(s => s.IndependentOf(awake[0]))];
            return Follow(awake[0]);
        }
        if (awake.Length > 1)
        {
            Children = [.. awake.Select((t, k) => new SearchUnit(
                [.. _path, t],
                reduce ? [.. _sleep.Concat(awake.Take(k)).Where(s => s.IndependentOf(t))] : []))];
        }
        return null;
    }

    public bool Next() => false;

    private Transition Follow(Transition t)
    {
        _path.Add(t);
        return t;
    }
}
