namespace ScenarioLang.Runtime.Scheduling;

/// <summary>What a kernel path does at an interleaving point, where another CPU may run first.</summary>
public enum InterleavingKind
{
    /// <summary>Preemption is enabled here: the scheduler may switch this CPU to another task. No memory access.</summary>
    Preemption,
    /// <summary>A load: from this CPU's newest buffered store to the location, else from memory.</summary>
    Load,
    /// <summary>A plain store: into this CPU's store buffer under TSO, straight to memory under SC.</summary>
    Store,
    /// <summary>A full fence (mfence, smp_mb()): waits until this CPU's store buffer is empty.</summary>
    Fence,
    /// <summary>spin_lock() (or down_write()): a locked read-modify-write that waits for an empty buffer and a free lock.</summary>
    Lock,
    /// <summary>spin_unlock(): on x86 a plain store of 0 to the lock word, buffered like any store.</summary>
    Unlock,
    /// <summary>
    /// A sleeping lock's release (up_write(): lock xadd on the rwsem's count): waits for an empty buffer, then frees the
    /// lock word in memory at once, where spin_unlock()'s plain store would wait in the buffer.
    /// </summary>
    Release,
    /// <summary>A locked exchange (xchg): waits for an empty buffer, then reads and writes memory at once.</summary>
    Exchange,
    /// <summary>A locked add (lock xadd, as refcount_t's atomics): waits for an empty buffer, adds, and reads the old value.</summary>
    Add,
    /// <summary>
    /// kfree() of an object: its memory goes back to the allocator at once (KASAN poisons its shadow), so any later
    /// access to the object, a <see cref="Load"/> of its word, is a use after free. The word is the object's, not a field.
    /// </summary>
    Free,
}

/// <summary>
/// A place inside a kernel path where the path stops before its next access to memory other CPUs can see
/// (or before a preemption point). Kernel paths are iterators that yield these; whoever drives the path (an
/// explicit schedule or the explorer) performs the access when it lets the path go on, and a load's value is
/// in <see cref="Value"/> when the path resumes. So an explicit schedule and the explorer drive the same code,
/// and the code between two points touches nothing another CPU can see.
/// </summary>
public sealed class InterleavingPoint
{
    private InterleavingPoint(string name, InterleavingKind kind, MemoryLocation? location, long value, string? subscript)
    {
        Name = name;
        Kind = kind;
        Location = location;
        Value = value;
        Subscript = subscript;
    }

    // A drain point's instruction, or a sleeping lock's function, as the trace shows it; null for an mfence and a spinlock.
    private string? _instruction;

    /// <summary>The name a scenario uses to stop a path here (<c>paused at link_task</c>), the same in every variant.</summary>
    public string Name { get; }

    /// <summary>Which iteration of a loop this point is in (a PGD slot, a task), written <c>copy_pgd[402]</c>; null outside loops.</summary>
    public string? Subscript { get; }

    public InterleavingKind Kind { get; }

    public MemoryLocation? Location { get; }

    /// <summary>The value a store or exchange writes; after a load or exchange has been performed, the value it read.</summary>
    public long Value { get; internal set; }

    /// <summary>How a schedule names the point: <c>copy_pgd[402]</c>.</summary>
    public string Label => Subscript is null ? Name : $"{Name}[{Subscript}]";

    public bool AccessesMemory => Kind is not (InterleavingKind.Preemption or InterleavingKind.Fence);

    /// <summary>Whether the access must wait for this CPU's store buffer to be empty (x86 fences and locked instructions).</summary>
    public bool NeedsEmptyStoreBuffer => Kind is InterleavingKind.Fence or InterleavingKind.Lock or InterleavingKind.Release or InterleavingKind.Exchange or InterleavingKind.Add;

    public static InterleavingPoint Preemptible(string name) => new(name, InterleavingKind.Preemption, null, 0, null);

    public static InterleavingPoint Load(string name, MemoryLocation location, string? subscript = null) =>
        new(name, InterleavingKind.Load, location, 0, subscript);

    public static InterleavingPoint Store(string name, MemoryLocation location, long value, string? subscript = null) =>
        new(name, InterleavingKind.Store, location, value, subscript);

    public static InterleavingPoint Fence(string name) => new(name, InterleavingKind.Fence, null, 0, null);

    /// <summary>
    /// An I/O, locked or serializing instruction inside a path (<paramref name="instruction"/>, as the trace shows it):
    /// it waits for the CPU's store buffer to drain like a fence, but it is no place of its own where other CPUs run:
    /// with the buffer already empty the explorer goes past it within the event that reached it (<see cref="DrainsOnly"/>).
    /// </summary>
    public static InterleavingPoint Drain(string name, string instruction) =>
        new(name, InterleavingKind.Fence, null, 0, null) { _instruction = instruction };

    /// <summary>A <see cref="Drain"/> point: an instruction of the path that waits for the buffer, not an mfence step's.</summary>
    public bool DrainsOnly => Kind == InterleavingKind.Fence && _instruction is not null;

    /// <summary>A lock taken by a locked instruction: spin_lock(), or the sleeping lock's <paramref name="function"/> (<c>down_write</c>).</summary>
    public static InterleavingPoint Lock(string name, MemoryLocation lockWord, string? subscript = null, string? function = null) =>
        new(name, InterleavingKind.Lock, lockWord, 1, subscript) { _instruction = function };

    public static InterleavingPoint Unlock(string name, MemoryLocation lockWord, string? subscript = null) =>
        new(name, InterleavingKind.Unlock, lockWord, 0, subscript);

    /// <summary>The release of a sleeping lock by a locked instruction: <paramref name="function"/> as the trace shows it (<c>up_write</c>).</summary>
    public static InterleavingPoint Release(string name, MemoryLocation lockWord, string function) =>
        new(name, InterleavingKind.Release, lockWord, 0, null) { _instruction = function };

    public static InterleavingPoint Exchange(string name, MemoryLocation location, long value, string? subscript = null) =>
        new(name, InterleavingKind.Exchange, location, value, subscript);

    public static InterleavingPoint Add(string name, MemoryLocation location, long delta, string? subscript = null) =>
        new(name, InterleavingKind.Add, location, delta, subscript);

    public static InterleavingPoint Free(string name, MemoryLocation objectWord) => new(name, InterleavingKind.Free, objectWord, 0, null);

    /// <summary>How the trace shows the access: "store C->mm = 7", "load swapper_pg_dir[402]", "spin_lock(pgd_lock)".</summary>
    public override string ToString() => Kind switch
    {
        InterleavingKind.Preemption => $"preemption point {Label}",
        InterleavingKind.Load => $"load {Location}",
        InterleavingKind.Store => $"store {Location} = {Value}",
        InterleavingKind.Fence => _instruction ?? "mfence",
        InterleavingKind.Lock => $"{_instruction ?? "spin_lock"}({Location})",
        InterleavingKind.Unlock => $"spin_unlock({Location})",
        InterleavingKind.Release => $"{_instruction}({Location})",
        InterleavingKind.Add => $"lock xadd {Location}, {Value}",
        InterleavingKind.Free => $"kfree({Location})",
        _ => $"xchg {Location}, {Value}",
    };
}

/// <summary>A word of memory other CPUs can see, named as the trace prints it: <c>swapper_pg_dir[402]</c>, <c>C->mm</c>, <c>x</c>.</summary>
/// <remarks>
/// Two locations are the same when their names are. Each name is numbered the first time a location is made with
/// it, so the search's many comparisons and dictionary lookups of locations compare and hash that number, not the
/// name's characters (a string's hash is computed anew at every lookup). The numbers last as long as the process:
/// a scenario names its words and kernel state in the hundreds, and a server that runs many keeps one number each.
/// </remarks>
public readonly struct MemoryLocation : IEquatable<MemoryLocation>, IComparable<MemoryLocation>
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> Numbers = new(StringComparer.Ordinal);
    private static int _numbered;

    // Per-CPU state is named anew for every machine, and a search makes a machine per execution: the names are made once.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int Cpu, string Field), MemoryLocation> CpuFields = new();

    // By owner, then field: a string key alone is hashed without the randomized (slower) string hash a tuple's takes,
    // and a search names the same objects' fields again in every execution.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, System.Collections.Concurrent.ConcurrentDictionary<string, MemoryLocation>> Fields =
        new(StringComparer.Ordinal);

    // 0 only in default(MemoryLocation), which has no name.
    private readonly int _number;

    public MemoryLocation(string name)
    {
        Name = name;
        _number = Numbers.GetOrAdd(name, static _ => Interlocked.Increment(ref _numbered));
    }

    public string Name { get; }

    /// <summary>The name's number, from 1, dense over the process: the machine's and the explorer's tables are indexed by it (<see cref="LocationTable{T}"/>).</summary>
    internal int Number => _number;

    /// <summary>The piece of state <paramref name="field"/> of an object named <paramref name="owner"/>: <c>swapper/1.state</c>.</summary>
    public static MemoryLocation Of(string owner, string field) =>
        Fields.GetOrAdd(owner, static _ => new(StringComparer.Ordinal)).GetOrAdd(field, static (field, owner) => new($"{owner}.{field}"), owner);

    /// <summary>The word or piece of state <paramref name="field"/> of a CPU: <c>cpu1.tss.prev_max</c>.</summary>
    public static MemoryLocation OfCpu(int cpu, string field) =>
        CpuFields.GetOrAdd((cpu, field), static key => new($"cpu{key.Cpu}.{key.Field}"));

    public bool Equals(MemoryLocation other) => _number == other._number;

    public override bool Equals(object? obj) => obj is MemoryLocation other && Equals(other);

    public override int GetHashCode() => _number;

    public static bool operator ==(MemoryLocation a, MemoryLocation b) => a.Equals(b);

    public static bool operator !=(MemoryLocation a, MemoryLocation b) => !a.Equals(b);

    public int CompareTo(MemoryLocation other) => string.CompareOrdinal(Name, other.Name);

    public override string ToString() => Name;
}
