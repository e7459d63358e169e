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
/// <remarks>
/// The stores are an array of this assembly's own (a List of this struct is framework code ReadyToRun cannot
/// precompile, and every store and drain of an execution goes through it), put back whole where an explore block
/// started.
/// </remarks>
public sealed class StoreBuffer : IBlockState, IStateView
{
    private BufferedStore[] _stores = new BufferedStore[4];
    private int _head;
    private int _count;
    [Bookkeeping]
    private BufferedStore[] _saved = [];

    public StoreBuffer(StateTracker tracker) => tracker.Keep(this);

    /// <summary>The buffered stores, oldest first (a copy).</summary>
    public IReadOnlyList<BufferedStore> Stores => _stores.AsSpan(_head, _count).ToArray();

    public int Count => _count;

    public bool IsEmpty => _count == 0;

    /// <summary>The store that would reach memory next; the buffer must not be empty.</summary>
    public BufferedStore Oldest => _count > 0 ? _stores[_head] : throw new InvalidOperationException("the store buffer is empty");

    public void Add(BufferedStore store)
    {
        if (_head + _count == _stores.Length)
        {
            // Slide the stores to the front, or grow when they fill the array.
            if (_count * 2 > _stores.Length)
                Array.Resize(ref _stores, _stores.Length * 2);
            Array.Copy(_stores, _head, _stores, 0, _count);
            Array.Clear(_stores, _count, _stores.Length - _count);
            _head = 0;
        }
        _stores[_head + _count++] = store;
    }

    /// <summary>The newest buffered value for the location, if this CPU has one.</summary>
    public long? Forward(MemoryLocation location)
    {
        for (var i = _head + _count - 1; i >= _head; i--)
        {
            if (_stores[i].Location == location)
                return _stores[i].Value;
        }
        return null;
    }

    public BufferedStore TakeOldest()
    {
        var oldest = Oldest;
        _stores[_head] = default;
        _count--;
        _head = _count == 0 ? 0 : _head + 1;
        return oldest;
    }

    void IBlockState.Save() => _saved = [.. _stores.AsSpan(_head, _count)];

    void IBlockState.Rewind()
    {
        // Only the live stores' slots hold any: a drain and a slide clear the others.
        Array.Clear(_stores, _head, _count);
        _head = 0;
        _count = 0;
        foreach (var store in _saved)
            Add(store);
    }

    System.Collections.IEnumerable IStateView.View() => new List<BufferedStore>(Stores);

    public override string ToString() => _count == 0 ? "empty" : string.Join(", ", Stores);
}
