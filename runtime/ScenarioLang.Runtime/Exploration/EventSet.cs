namespace ScenarioLang.Runtime.Exploration;

/// <summary>A set of an execution's events, by their index in it: the events that happen before one event.</summary>
internal sealed class EventSet
{
    private ulong[] _words;

    public EventSet(int capacity) => _words = new ulong[Math.Max(1, (capacity + 63) / 64)];

    public bool Contains(int index) => index / 64 < _words.Length && (_words[index / 64] & (1UL << (index % 64))) != 0;

    public void Add(int index)
    {
        Grow(index / 64 + 1);
        _words[index / 64] |= 1UL << (index % 64);
    }

    public void Clear() => Array.Clear(_words);

    public void UnionWith(EventSet other)
    {
        Grow(other._words.Length);
        for (var i = 0; i < other._words.Length; i++)
            _words[i] |= other._words[i];
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

    private void Grow(int words)
    {
        if (words > _words.Length)
            Array.Resize(ref _words, Math.Max(words, _words.Length * 2));
    }
}
