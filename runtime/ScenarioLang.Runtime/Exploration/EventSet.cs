using System.Runtime.CompilerServices;

namespace ScenarioLang.Runtime.Exploration;

/// <summary>A set of an execution's events, by their index in it: the events that happen before one event.</summary>
internal sealed class EventSet
{
    private ulong[] _words;

    public EventSet(int capacity) => _words = new ulong[Math.Max(1, (capacity + 63) / 64)];

    // Indices are never negative: word and bit by shift and mask, not by signed division.
    public bool Contains(int index)
    {
        var (words, word) = (_words, (uint)index >> 6);
        return word < (uint)words.Length && (words[word] & (1UL << index)) != 0;
    }

    public void Add(int index)
    {
        var word = (uint)index >> 6;
        if (word >= (uint)_words.Length)
            Grow((int)word + 1);
        _words[word] |= 1UL << index;
    }

    public void Clear() => Array.Clear(_words);

    public void UnionWith(EventSet other)
    {
        var theirs = other._words;
        if (theirs.Length > _words.Length)
            Grow(theirs.Length);
        var ours = _words.AsSpan(0, theirs.Length);
        for (var i = 0; i < ours.Length; i++)
            ours[i] |= theirs[i];
    }

    public bool Overlaps(EventSet other)
    {
        var common = Math.Min(_words.Length, other._words.Length);
        for (var i = 0; i < common; i++)
        {
            if ((_words[i] & other._words[i]) != 0)
                return true;
        }
        return false;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int words) => Array.Resize(ref _words, Math.Max(words, _words.Length * 2));
}
