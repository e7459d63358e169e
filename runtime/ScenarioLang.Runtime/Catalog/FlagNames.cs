namespace ScenarioLang.Runtime.Catalog;

/// <summary>
/// The names a flags parameter takes and their bits (<c>PROT_READ</c> = 0x1), in ordinal order of name, as diagnostics
/// list them and the trace prints them.
/// </summary>
/// <remarks>
/// Arrays and loops, not a sorted dictionary: every kscn process builds the catalog, and a collection of ours over
/// (string, int) pairs is compiled at run time even in the ReadyToRun tool (about 30 methods for SortedDictionary).
/// </remarks>
public sealed class FlagNames
{
    private readonly string[] _names;
    private readonly int[] _values;

    /// <param name="names">In ordinal order.</param>
    /// <param name="values">The bits of each name.</param>
    public FlagNames(string[] names, int[] values)
    {
        if (names.Length != values.Length)
            throw new ArgumentException("one value per name", nameof(values));
        for (var i = 1; i < names.Length; i++)
        {
            if (string.CompareOrdinal(names[i - 1], names[i]) >= 0)
                throw new ArgumentException($"'{names[i]}' is out of ordinal order", nameof(names));
        }
        _names = names;
        _values = values;
    }

    public static FlagNames None { get; } = new([], []);

    public IReadOnlyList<string> Names => _names;

    public int Count => _names.Length;

    public string NameAt(int index) => _names[index];

    public int ValueAt(int index) => _values[index];

    public bool TryGetValue(string name, out int value)
    {
        var index = Array.IndexOf(_names, name);
        value = index >= 0 ? _values[index] : 0;
        return index >= 0;
    }
}
