namespace ScenarioLang.Runtime.Exploration;

/// <summary>
/// Runs one execution whose events are given in advance, for <see cref="IndependenceVerifier"/> and for the footprint of
/// a split state's event (<see cref="Last"/>): where the event due
/// is not enabled, or an event is enabled after the last one, it abandons the execution and says so in
/// <see cref="Refused"/> rather than throwing, since that is a finding of the verifier, not a fault of the search.
/// </summary>
internal sealed class ReplaySearch(IReadOnlyList<ExploreEvent> events) : ISearch
{
    private int _position;

    /// <summary>Why the execution could not follow the events; null while it could.</summary>
    public string? Refused { get; private set; }

    /// <summary>How many of the events were performed.</summary>
    public int Count => _position;

    /// <summary>Every event was performed, in order, and then no event was enabled.</summary>
    public bool Followed => Refused is null && _position == events.Count;

    /// <summary>The last event performed, with its whole footprint.</summary>
    public Transition? Last { get; private set; }

    public void Begin(IReadOnlyList<int> bufferedAtStart) => _position = 0;

    public Transition? Choose(TransitionList enabled)
    {
        if (_position == events.Count)
        {
            Refused = $"{string.Join(", ", enabled.Select(t => t.Event))} still enabled after the last of {events.Count} events";
            return null;
        }
        var due = events[_position];
        if (enabled.FirstOrDefault(t => t.Event == due) is not { } chosen)
        {
            Refused = $"{due} not enabled when due, as event {_position + 1} (enabled: {string.Join(", ", enabled.Select(t => t.Event))})";
            return null;
        }
        _position++;
        return chosen;
    }

    public void Performed(Transition performed) => Last = performed;

    public bool Next() => false;
}
