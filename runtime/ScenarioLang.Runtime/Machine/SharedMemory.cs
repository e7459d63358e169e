using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Machine;

/// <summary>
/// The memory all CPUs share, and the operational semantics of one access under the scenario's memory model.
/// Under <see cref="MemoryModel.Sc"/> a store reaches memory at once; under <see cref="MemoryModel.Tso"/> it waits in
/// the CPU's <see cref="StoreBuffer"/> until <see cref="DrainOldest"/> moves it, which the explorer chooses freely and
/// fences and locked instructions force. Words never written read as 0.
/// </summary>
public sealed class SharedMemory(MemoryModel model, StateTracker tracker)
{
    private readonly WordTable _words = new(tracker);

    public MemoryModel Model { get; } = model;

    /// <summary>The words written so far, in name order.</summary>
    public IEnumerable<KeyValuePair<MemoryLocation, long>> Words => _words.Words.OrderBy(w => w.Key);

    /// <summary>What memory holds, ignoring every store buffer: what a CPU without buffered stores to it would load.</summary>
    public long Read(MemoryLocation location) => _words[location];

    /// <summary>Sets a word before the scenario starts, or as boot code would: not an access of any CPU.</summary>
    public void Initialize(MemoryLocation location, long value) => _words[location] = value;

    /// <summary>
    /// Whether the CPU can perform the access now: fences and locked instructions wait for an empty store buffer
    /// (under TSO), and spin_lock() waits for the lock to be free.
    /// </summary>
    public bool CanPerform(Cpu cpu, InterleavingPoint point) =>
        (!point.NeedsEmptyStoreBuffer || cpu.StoreBuffer.IsEmpty) &&
        (point.Kind != InterleavingKind.Lock || Read(point.Location!.Value) == 0);

    /// <summary>Performs the access; a load or exchange leaves the value it read in <see cref="InterleavingPoint.Value"/>.</summary>
    public void Perform(Cpu cpu, InterleavingPoint point)
    {
        if (!CanPerform(cpu, point))
            throw new InvalidOperationException($"{cpu} cannot perform '{point}' now");
        switch (point.Kind)
        {
            case InterleavingKind.Load:
                var location = point.Location!.Value;
                point.Value = cpu.StoreBuffer.Forward(location) ?? Read(location);
                break;
            case InterleavingKind.Store or InterleavingKind.Unlock:
                if (Model == MemoryModel.Tso)
                    cpu.StoreBuffer.Add(new BufferedStore(point.Location!.Value, point.Value, point.Kind == InterleavingKind.Unlock));
                else
                    _words[point.Location!.Value] = point.Value;
                break;
            case InterleavingKind.Lock:
                _words[point.Location!.Value] = 1;
                break;
            case InterleavingKind.Release:
                _words[point.Location!.Value] = 0;
                break;
            case InterleavingKind.Exchange:
                var word = point.Location!.Value;
                var old = Read(word);
                _words[word] = point.Value;
                point.Value = old;
                break;
            case InterleavingKind.Add:
                var counter = point.Location!.Value;
                var before = Read(counter);
                _words[counter] = before + point.Value;
                point.Value = before;
                break;
            case InterleavingKind.Free:
                // KASAN's shadow of the object: poisoned at once, not through the store buffer.
                _words[point.Location!.Value] = -1;
                break;
        }
    }

    /// <summary>Moves the oldest store of the CPU's buffer to memory: one drain event of x86-TSO.</summary>
    public BufferedStore DrainOldest(Cpu cpu)
    {
        var store = cpu.StoreBuffer.TakeOldest();
        _words[store.Location] = store.Value;
        return store;
    }

    /// <summary>Drains the CPU's whole buffer, oldest first.</summary>
    public void DrainAll(Cpu cpu)
    {
        while (!cpu.StoreBuffer.IsEmpty)
            DrainOldest(cpu);
    }
}
