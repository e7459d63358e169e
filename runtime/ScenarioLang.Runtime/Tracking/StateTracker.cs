using ScenarioLang.Runtime.Scheduling;

namespace ScenarioLang.Runtime.Tracking;

/// <summary>How an event touches a word of shared memory or a piece of tracked kernel state.</summary>
public enum Access
{
    None,
    Read,
    Write,
    /// <summary>spin_lock(): takes the lock word, and can only happen when it is free.</summary>
    Acquire,
    /// <summary>The store of spin_unlock() reaching memory: frees the lock word, so it enables an <see cref="Acquire"/>.</summary>
    Release,
}

/// <summary>One access of an event's footprint: a word or a piece of tracked kernel state, and how it is touched.</summary>
public readonly record struct StateAccess(MemoryLocation Location, Access Access)
{
    public bool Writes => Access is Access.Write or Access.Acquire or Access.Release;

    public override string ToString() => $"{(Writes ? "write" : "read")} {Location}";
}

/// <summary>
/// Records what the kernel code of one explored event reads and writes of the state other CPUs can reach: the
/// <see cref="Tracked{T}"/> cells, <see cref="TrackedList{T}"/> and <see cref="TrackedArray{T}"/> that hold every
/// such piece of the model. The explorer takes the record as the event's footprint, from which its dependence
/// relation is computed; outside explored events (an explicit schedule, the statements around a block) nothing is
/// recorded and an access costs one test.
/// </summary>
public sealed class StateTracker
{
    // The event's accesses so far, in the order each location was first touched, and where each location stands among
    // them by its number (0: not touched yet): kernel loops touch the same few tables thousands of times in one event
    // (vmalloc()'s page mapping, a page-table walk), and a touch is an array lookup, not a hash.
    private StateAccess[] _touched = new StateAccess[8];
    private int _touchedCount;
    private readonly LocationTable<int> _slotOf = new();
    // Where an explore block starts (Save) and how to go back there (Rewind): the tracked cells changed since, each
    // with its value then, and the state outside them, kept whole.
    private readonly List<IUndo> _changed = [];
    private readonly List<IBlockState> _kept = [];
    private int _keptAtSave;

    /// <summary>
    /// Counts the executions of an explore block this machine has started since <see cref="Save"/>; 0 before. A cell
    /// changed in an execution (or made in it) carries its number, so it records its value at the block's start once.
    /// </summary>
    internal int Epoch { get; private set; }

    /// <summary>The CPU whose explored event runs now; null outside explore blocks. Objects it allocates are named after it.</summary>
    public int? Cpu { get; private set; }

    /// <summary>Whether an explored event runs now, whose accesses are recorded.</summary>
    public bool Recording { get; private set; }

    public void Read(MemoryLocation location)
    {
        if (Recording)
            Merge(location, Access.Read);
    }

    public void Write(MemoryLocation location)
    {
        if (Recording)
            Merge(location, Access.Write);
    }

    /// <summary>
    /// Starts the event <paramref name="cpu"/> performs next, recording its accesses unless <paramref name="record"/>
    /// is false (an event whose footprint is already known).
    /// </summary>
    internal void Begin(int cpu, bool record = true)
    {
        Recording = record;
        Cpu = cpu;
    }

    /// <summary>Stops recording; returns the event's accesses in the order each location was first touched.</summary>
    internal StateAccess[] End()
    {
        var footprint = _touchedCount == 0 ? [] : _touched.AsSpan(0, _touchedCount).ToArray();
        for (var i = 0; i < _touchedCount; i++)
            _slotOf.Slot(_touched[i].Location) = 0;
        _touchedCount = 0;
        Recording = false;
        Cpu = null;
        return footprint;
    }

    /// <summary>State outside the tracked cells (memory words, store buffers, the heap's books) that the block changes.</summary>
    public void Keep(IBlockState state) => _kept.Add(state);

    /// <summary>
    /// Whether <paramref name="cell"/>, about to change, must record its value first: the first change since the block
    /// started of a cell made before it (<paramref name="epoch"/> is the cell's own mark).
    /// </summary>
    internal bool Changing(IUndo cell, ref int epoch)
    {
        if (epoch == Epoch)
            return false;
        epoch = Epoch;
        _changed.Add(cell);
        return true;
    }

    /// <summary>The explore block starts here: every execution after the first starts from this state again (<see cref="Rewind"/>).</summary>
    internal void Save()
    {
        Epoch = 1;
        _keptAtSave = _kept.Count;
        foreach (var state in _kept)
            state.Save();
    }

    /// <summary>Puts back the state <see cref="Save"/> saw: the cells changed since, then the rest, whole.</summary>
    internal void Rewind()
    {
        foreach (var cell in _changed)
            cell.Undo();
        _changed.Clear();
        // What the block made (a new task's buffers, say) is gone with it.
        _kept.RemoveRange(_keptAtSave, _kept.Count - _keptAtSave);
        foreach (var state in _kept)
            state.Rewind();
        Epoch++;
    }

    // A read then a write is a write; any other second access leaves the first.
    private void Merge(MemoryLocation location, Access access)
    {
        ref var slot = ref _slotOf.Slot(location);
        var at = slot - 1;
        if (at >= 0)
        {
            if (access == Access.Write && _touched[at].Access == Access.Read)
                _touched[at] = new StateAccess(location, Access.Write);
            return;
        }
        if (_touchedCount == _touched.Length)
            Array.Resize(ref _touched, _touchedCount * 2);
        _touched[_touchedCount++] = new StateAccess(location, access);
        slot = _touchedCount;
    }
}
