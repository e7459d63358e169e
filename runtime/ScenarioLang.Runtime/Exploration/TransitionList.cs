using System.Collections;
using System.Runtime.CompilerServices;

namespace ScenarioLang.Runtime.Exploration;

/// <summary>
/// A list of transitions: the events an execution offers in a state, and a search node's choices, sleep set and
/// events done. Emptied without clearing its array: the list is filled again in every state, and the transitions a
/// stale slot still points to are few and overwritten by the next state's. An array of this sealed type, unlike a
/// List of a reference type, stores without a covariance check, and the hot loops read it as a span.
/// </summary>
internal sealed class TransitionList(int capacity = 8) : IReadOnlyList<Transition>
{
    private Transition[] _items = new Transition[Math.Max(capacity, 1)];

    public int Count { get; private set; }

    public ReadOnlySpan<Transition> Span => _items.AsSpan(0, Count);

    public Transition this[int index] => index < Count ? _items[index] : throw new ArgumentOutOfRangeException(nameof(index));

    public void Clear() => Count = 0;

    // Small enough to inline into the loops that fill the list in every state; growing is rare and out of line.
    public void Add(Transition t)
    {
        var (items, count) = (_items, Count);
        if ((uint)count < (uint)items.Length)
        {
            items[count] = t;
            Count = count + 1;
            return;
        }
        Grow(t);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(Transition t)
    {
        Array.Resize(ref _items, _items.Length * 2);
        _items[Count++] = t;
    }

    // One copy, not an Add per transition: a state's events are copied whole into its node.
    public void AddRange(ReadOnlySpan<Transition> transitions)
    {
        if (Count + transitions.Length > _items.Length)
            Array.Resize(ref _items, Math.Max(Count + transitions.Length, _items.Length * 2));
        transitions.CopyTo(_items.AsSpan(Count));
        Count += transitions.Length;
    }

    public IEnumerator<Transition> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
            yield return _items[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
