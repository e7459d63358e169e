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
    private MemoryLocation[] _locations = new MemoryLocation[16];
    private int _count;
    [Bookkeeping]
    private MemoryLocation[] _savedLocations = [];
    [Bookkeeping]
    private long[] _savedValues = [];

    public WordTable(StateTracker tracker) => tracker.Keep(this);

    /// <summary>The words written so far, with their values, in the order of their first write.</summary>
    public IEnumerable<KeyValuePair<MemoryLocation, long>> Words =>
        _locations.Take(_count).Select(l => new KeyValuePair<MemoryLocation, long>(l, _values[l.Number]));

    public long this[MemoryLocation location]
    {
        get => location.Number < _values.Length ? _values[location.Number] : 0;
        set
        {
            location.Cover(ref _values);
            location.Cover(ref _written);
            var number = location.Number;
            if (!_written[number])
            {
                _written[number] = true;
                if (_count == _locations.Length)
                    Array.Resize(ref _locations, _count * 2);
                _locations[_count++] = location;
            }
            _values[number] = value;
        }
    }

    void IBlockState.Save()
    {
        _savedLocations = _locations[.._count];
        _savedValues = [.. _savedLocations.Select(l => _values[l.Number])];
    }

    // Every execution of the block starts here: loops over arrays, as the words are few.
    void IBlockState.Rewind()
    {
        for (var i = 0; i < _count; i++)
        {
            var number = _locations[i].Number;
            _written[number] = false;
            _values[number] = 0;
        }
        _count = 0;
        for (var i = 0; i < _savedLocations.Length; i++)
            this[_savedLocations[i]] = _savedValues[i];
    }

    System.Collections.IEnumerable IStateView.View() => Words.ToDictionary();
}
