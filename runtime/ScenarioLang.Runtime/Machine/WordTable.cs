using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Machine;

/// <summary>
/// Memory's words, by their location's number: every load, drain and locked instruction of an execution reads or
/// writes one, and an array slot costs less than a dictionary's hash and probe (nor is a dictionary of this assembly's
/// struct code that ReadyToRun can precompile). Words never written read as 0. Put back whole where an explore block
/// started, as <see cref="RewindableDictionary{TKey, TValue}"/> would.
/// </summary>
internal sealed class WordTable : IBlockState, IStateView
{
    private long[] _values = new long[64];
    private bool[] _written = new bool[64];
    // The words written, in the order of their first write.
    private readonly List<MemoryLocation> _locations = [];
    [Bookkeeping]
    private KeyValuePair<MemoryLocation, long>[] _saved = [];

    public WordTable(StateTracker tracker) => tracker.Keep(this);

    /// <summary>The words written so far, with their values, in the order of their first write.</summary>
    public IEnumerable<KeyValuePair<MemoryLocation, long>> Words => _locations.Select(l => new KeyValuePair<MemoryLocation, long>(l, _values[l.Number]));

    public long this[MemoryLocation location]
    {
        get => location.Number < _values.Length ? _values[location.Number] : 0;
        set
        {
            var number = location.Number;
            if (number >= _values.Length)
            {
                var length = Math.Max(number + 1, _values.Length * 2);
                Array.Resize(ref _values, length);
                Array.Resize(ref _written, length);
            }
            if (!_written[number])
            {
                _written[number] = true;
                _locations.Add(location);
            }
            _values[number] = value;
        }
    }

    void IBlockState.Save() => _saved = [.. Words];

    void IBlockState.Rewind()
    {
        foreach (var location in _locations)
        {
            _written[location.Number] = false;
            _values[location.Number] = 0;
        }
        _locations.Clear();
        foreach (var (location, value) in _saved)
            this[location] = value;
    }

    System.Collections.IEnumerable IStateView.View() => Words.ToDictionary();
}
