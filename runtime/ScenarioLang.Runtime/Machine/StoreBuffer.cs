using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Machine;

/// <summary>A store waiting in a CPU's store buffer; <paramref name="Release"/> for spin_unlock()'s store of 0 to the lock word.</summary>
public readonly record struct BufferedStore(MemoryLocation Location, long Value, bool Release = false)
{
    public override string ToString() => $"{Location} = {Value}";
}

/// <summary>
/// A CPU's FIFO store buffer (x86-TSO, Sewell, Owens et al., CACM 2010): stores enter at the tail, reach memory
/// from the head one at a time, and the CPU's own loads see its newest buffered store to an address.
/// </summary>
public sealed class StoreBuffer(StateTracker tracker)
{
    private readonly RewindableList<BufferedStore> _stores = new(tracker);

    public IReadOnlyList<BufferedStore> Stores => _stores;

    public bool IsEmpty => _stores.Count == 0;

    /// <summary>The store that would reach memory next; the buffer must not be empty.</summary>
    public BufferedStore Oldest => _stores[0];

    public void Add(BufferedStore store) => _stores.Add(store);

    /// <summary>The newest buffered value for the location, if this CPU has one.</summary>
    public long? Forward(MemoryLocation location)
    {
        for (var i = _stores.Count - 1; i >= 0; i--)
        {
            if (_stores[i].Location == location)
                return _stores[i].Value;
        }
        return null;
    }

    public BufferedStore TakeOldest()
    {
        var oldest = _stores[0];
        _stores.RemoveAt(0);
        return oldest;
    }

    public override string ToString() => _stores.Count == 0 ? "empty" : string.Join(", ", _stores);
}
