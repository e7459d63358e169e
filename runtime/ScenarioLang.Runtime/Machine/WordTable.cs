using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Machine;

/// <summary>
/// Memory's words, by their location's number (<see cref="LocationTable{T}"/>): every load, drain and locked instruction
/// of an execution reads or writes one, and an array slot costs less than a dictionary's hash and probe (nor is a
/// dictionary of this assembly's struct code that ReadyToRun can precompile). Words never written read as 0. Put back
/// whole where an explore block started, as <see cref="RewindableDictionary{TKey, TValue}"/> would.
/// </summary>
internal sealed class WordTable : IBlockState, IStateView
{
    private readonly LocationTable<Word> _words = new();
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
        _locations.Take(_count).Select(l => new KeyValuePair<MemoryLocation, long>(l, _words.Get(l).Value));

    public long this[MemoryLocation location]
    {
        get => _words.Get(location).Value;
        set
        {
            ref var word = ref _words.Slot(location);
            if (!word.Written)
            {
                if (_count == _locations.Length)
                    Array.Resize(ref _locations, _count * 2);
                _locations[_count++] = location;
            }
            word = new Word(value, Written: true);
        }
    }

    void IBlockState.Save()
    {
        _savedLocations = _locations[.._count];
        _savedValues = [.. _savedLocations.Select(l => _words.Get(l).Value)];
    }

    // Every execution of the block starts here: loops over arrays, as the words are few.
    void IBlockState.Rewind()
    {
        for (var i = 0; i < _count; i++)
            _words.Slot(_locations[i]) = default;
        _count = 0;
        for (var i = 0; i < _savedLocations.Length; i++)
            this[_savedLocations[i]] = _savedValues[i];
    }

    System.Collections.IEnumerable IStateView.View() => Words.ToDictionary();

    /// <summary>A word's value, and whether it was written (a word written 0 is listed among <see cref="Words"/>).</summary>
    private readonly record struct Word(long Value, bool Written);
}
