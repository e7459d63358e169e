using System.Runtime.InteropServices;

namespace ScenarioLang.Runtime.Exploration;

/// <summary>
/// The distinct final states of a search and how many executions reached each, kept compact: a state's text is its
/// parts (<c>r0=0</c>) joined by <c>"; "</c>, and a state is kept as the codes of its parts, one or two chars each,
/// with each part's text kept once. SB-16's 65,536 states of 16 parts take 56 bytes each rather than 230, and the
/// text of a state is made only when it is printed (<see cref="Sorted"/>).
/// </summary>
/// <remarks>
/// The encoding is the text's split at <c>"; "</c> whatever the state came from (an execution's observed subjects, a
/// deadlock's description, a shard file), so one text always has one key.
/// </remarks>
internal sealed class FinalStates
{
    private const string Separator = "; ";
    // Codes below this take one char; the others two, the first with its high bit set.
    private const int OneChar = 0x8000;

    private readonly List<string> _parts = [];
    private readonly Dictionary<string, int> _codes = new(StringComparer.Ordinal);
    // The same codes by subject and value, so that an execution's state is looked up without making its parts' text.
    // By subject, then value: a tuple of strings would be hashed with the randomized string hash at each lookup.
    private readonly Dictionary<string, Dictionary<string, int>> _pairs = new(StringComparer.Ordinal);
    // The code each position of the last state added had, by its strings' references: an execution's subjects are the
    // same strings every time, and most values too (small numbers), so most parts are found without hashing.
    private readonly List<(string Subject, string Value, int Code)> _last = [];
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly List<char> _key = [];

    public int Count => _counts.Count;

    /// <summary>Adds the state <c>subject=value; …</c> <paramref name="count"/> times.</summary>
    public void Add(IReadOnlyList<(string Subject, string Value)> observed, int count)
    {
        _key.Clear();
        for (var i = 0; i < observed.Count; i++)
        {
            var (subject, value) = observed[i];
            if (i < _last.Count && ReferenceEquals(_last[i].Subject, subject) && ReferenceEquals(_last[i].Value, value))
            {
                Append(_last[i].Code);
                continue;
            }
            if (!_pairs.TryGetValue(subject, out var values))
                _pairs.Add(subject, values = new(StringComparer.Ordinal));
            if (!values.TryGetValue(value, out var code))
            {
                // A separator inside a subject or a value splits the text elsewhere: such a state is keyed by its text.
                if (subject.Contains(Separator, StringComparison.Ordinal) || value.Contains(Separator, StringComparison.Ordinal))
                {
                    Add(Observation.Format(observed), count);
                    return;
                }
                values.Add(value, code = Code(subject + "=" + value));
            }
            if (i < _last.Count)
                _last[i] = (subject, value, code);
            else
                _last.Add((subject, value, code));
            Append(code);
        }
        Tally(BuiltKey(), count);
    }

    /// <summary>Adds the state whose text is <paramref name="text"/> <paramref name="count"/> times.</summary>
    public void Add(string text, int count) => Tally(Key(text), count);

    /// <summary>Adds the state with text <paramref name="text"/> once; false if it is here already.</summary>
    public bool TryAdd(string text, int count) => _counts.TryAdd(Key(text), count);

    /// <summary>Adds every state of <paramref name="other"/> with its count.</summary>
    public void Add(FinalStates other)
    {
        // Each of its parts' code here, looked up once.
        var codes = other._parts.Select(Code).ToArray();
        foreach (var (key, count) in other._counts)
        {
            _key.Clear();
            for (var at = 0; at < key.Length;)
                Append(codes[Read(key, ref at)]);
            Tally(BuiltKey(), count);
        }
    }

    /// <summary>
    /// The states in the ordinal order of their text, as the trace prints them: each made into text when it is read,
    /// and not kept, so the list costs what the codes do.
    /// </summary>
    public IReadOnlyList<FinalState> Sorted()
    {
        var keys = _counts.Keys.ToArray();
        Array.Sort(keys, new TextOrder(Ranks()));
        return new SortedStates(this, keys, [.. keys.Select(key => _counts[key])]);
    }

    /// <summary>The text of the state <paramref name="key"/>.</summary>
    internal string Text(string key)
    {
        var text = new System.Text.StringBuilder();
        for (var at = 0; at < key.Length;)
        {
            if (at > 0)
                text.Append(Separator);
            text.Append(_parts[Read(key, ref at)]);
        }
        return text.ToString();
    }

    private void Tally(string key, int count) => CollectionsMarshal.GetValueRefOrAddDefault(_counts, key, out _) += count;

    // The empty text has no part (an execution that observed nothing), as no subject makes an empty part.
    private string Key(string text)
    {
        _key.Clear();
        if (text.Length > 0)
        {
            foreach (var part in text.Split(Separator))
                Append(Code(part));
        }
        return BuiltKey();
    }

    /// <summary>The key <see cref="Append"/> has built.</summary>
    private string BuiltKey() => new(CollectionsMarshal.AsSpan(_key));

    private int Code(string part)
    {
        if (!_codes.TryGetValue(part, out var code))
        {
            _codes.Add(part, code = _parts.Count);
            _parts.Add(part);
        }
        return code;
    }

    private void Append(int code)
    {
        if (code < OneChar)
        {
            _key.Add((char)code);
            return;
        }
        _key.Add((char)(OneChar | (code >> 15)));
        _key.Add((char)(code & (OneChar - 1)));
    }

    /// <summary>The code at <paramref name="at"/> in <paramref name="key"/>, moving past it.</summary>
    private static int Read(string key, ref int at)
    {
        int c = key[at++];
        return c < OneChar ? c : ((c & (OneChar - 1)) << 15) | key[at++];
    }

    private sealed class SortedStates(FinalStates states, string[] keys, int[] counts) : IReadOnlyList<FinalState>
    {
        public int Count => keys.Length;

        public FinalState this[int index] => new(states, keys[index], counts[index]);

        public IEnumerator<FinalState> GetEnumerator()
        {
            for (var i = 0; i < keys.Length; i++)
                yield return this[i];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>
    /// Each part's rank among every part's text followed by the separator (index 2 × code) and alone, as a state's last
    /// part (2 × code + 1), in ordinal order. Where two states' codes first differ, comparing those texts is comparing
    /// the states' texts: a part holds no separator, so no part's text with it is a prefix of another's, and a last
    /// part's text that is a prefix of another's with the separator is a prefix of that state's text.
    /// </summary>
    private int[] Ranks()
    {
        var texts = new string[2 * _parts.Count];
        for (var code = 0; code < _parts.Count; code++)
            (texts[2 * code], texts[2 * code + 1]) = (_parts[code] + Separator, _parts[code]);
        var order = Enumerable.Range(0, texts.Length).ToArray();
        Array.Sort(order, (a, b) => string.CompareOrdinal(texts[a], texts[b]));
        var ranks = new int[texts.Length];
        for (var rank = 0; rank < order.Length; rank++)
            ranks[order[rank]] = rank;
        return ranks;
    }

    /// <summary>Orders keys as <see cref="StringComparer.Ordinal"/> orders their texts (<see cref="Ranks"/>).</summary>
    private sealed class TextOrder(int[] ranks) : IComparer<string>
    {
        public int Compare(string? x, string? y)
        {
            ArgumentNullException.ThrowIfNull(x);
            ArgumentNullException.ThrowIfNull(y);
            var (i, j) = (0, 0);
            while (i < x.Length && j < y.Length)
            {
                var (a, b) = (Read(x, ref i), Read(y, ref j));
                if (a != b)
                    return ranks[2 * a + (i == x.Length ? 1 : 0)].CompareTo(ranks[2 * b + (j == y.Length ? 1 : 0)]);
            }
            // One text is the other's beginning: the shorter comes first.
            return (i < x.Length).CompareTo(j < y.Length);
        }
    }
}
