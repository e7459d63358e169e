namespace ScenarioLang.Runtime.Scheduling;

/// <summary>
/// Values by location (<see cref="MemoryLocation.Number"/>), kept in pages of 256 made as locations are first set: a
/// table costs the pages of the locations it holds, not the highest number the process has given out.
/// </summary>
/// <remarks>
/// Numbers last as long as the process, and a scenario of many words numbers many (samples/ptshare/thousand-mappers.kscn
/// names 47,715). With flat arrays, every machine and every part of a search that a server made afterwards had tables
/// that long, which made each later SB-8 search about 3.7 times slower (docs/benchmarks.md, issue 21, twelfth step). A
/// scenario's own names are numbered together, so they share a few pages; the page directory is one reference per 256
/// numbers.
/// </remarks>
internal sealed class LocationTable<T>
{
    private const int PageBits = 8;
    private const int PageMask = (1 << PageBits) - 1;

    private T[]?[] _pages = [];

    /// <summary>The pages made so far: what the table holds, in 256s.</summary>
    internal int Pages { get; private set; }

    /// <summary>The location's value; the type's default where none was set.</summary>
    public T Get(MemoryLocation location)
    {
        var number = location.Number;
        var page = number >> PageBits;
        return page < _pages.Length && _pages[page] is { } values ? values[number & PageMask] : default!;
    }

    /// <summary>The location's slot, to read or set; its page is made if need be.</summary>
    public ref T Slot(MemoryLocation location)
    {
        var number = location.Number;
        var page = number >> PageBits;
        if (page >= _pages.Length)
            Array.Resize(ref _pages, Math.Max(page + 1, _pages.Length * 2));
        if (_pages[page] is not { } values)
        {
            _pages[page] = values = new T[1 << PageBits];
            Pages++;
        }
        return ref values[number & PageMask];
    }
}
