using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Kernel;

/// <summary>
/// kmalloc/kfree for the model, with the bookkeeping of an object checker: counts per kind,
/// the live set, and findings for double frees, use after free and refcount misuse.
/// </summary>
/// <remarks>
/// The counts, the live set and the findings are only added to while an explore block runs, and read after it:
/// additions commute, so they are no part of any event's footprint. Object names are what CPUs would otherwise
/// share: a name taken from one global counter would depend on the order of independent allocations, so the objects
/// allocated by an explored event are numbered per CPU (<see cref="Identify"/>).
/// </remarks>
public sealed class KernelHeap : IBlockState
{
    /// <summary>Ids of objects allocated inside explore blocks: the CPU's index + 1 above this bit, its own count below.</summary>
    private const int CpuShift = 24;

    // Not readonly: an explore block's next execution starts from copies of what they held where the block started
    // (Save), made only when the execution changed them (most blocks allocate nothing: a litmus test's, say).
    private SortedDictionary<int, KernelObject> _live = new();
    private Dictionary<long, KernelObject> _all = [];
    private Dictionary<string, int> _allocated = new(StringComparer.Ordinal);
    private Dictionary<string, int> _freed = new(StringComparer.Ordinal);
    private Dictionary<(int Cpu, string Kind), int> _perCpu = [];
    private List<Finding> _findings = [];
    private int _nextId = 1;
    private Dictionary<int, int> _nextCpuId = [];
    [Bookkeeping]
    private Books? _saved;
    [Bookkeeping]
    private bool _changed;
    // The live objects in id order, as the object checker walks them after every execution: made when the set changes.
    [Bookkeeping]
    private KernelObject[]? _liveObjects;
    // Each kind's live objects, as the mechanisms' checkers ask for them: made when the set changes, like the above.
    [Bookkeeping]
    private readonly Dictionary<Type, Array> _liveOf = [];

    public KernelHeap(StateTracker tracker)
    {
        Tracker = tracker;
        tracker.Keep(this);
    }

    public StateTracker Tracker { get; }

    public IReadOnlyList<Finding> Findings => _findings;

    public IReadOnlyList<KernelObject> LiveObjects => _liveObjects ??= [.. _live.Values];

    /// <summary>The live objects of type <typeparamref name="T"/>, in id order: a snapshot that a kfree() leaves as it is.</summary>
    public IReadOnlyList<T> Live<T>() where T : KernelObject
    {
        if (!_liveOf.TryGetValue(typeof(T), out var live))
            _liveOf[typeof(T)] = live = LiveObjects.OfType<T>().ToArray();
        return (T[])live;
    }

    private void LiveChanged()
    {
        _liveObjects = null;
        _liveOf.Clear();
    }

    /// <summary>
    /// The id and name of a new object of <paramref name="kind"/>: in allocation order outside explore blocks
    /// (<c>mm_struct#2</c>), and by the allocating CPU's own count inside one (<c>mm_struct#cpu0.1</c>), which is the
    /// same whatever other CPUs did in between.
    /// </summary>
    public (int Id, string Name) Identify(string kind)
    {
        _changed = true;
        if (Tracker.Cpu is not { } cpu)
            return (_nextId++, $"{kind}#{Allocated(kind) + 1}");
        var id = _nextCpuId[cpu] = _nextCpuId.GetValueOrDefault(cpu) + 1;
        if (id >= 1 << CpuShift || cpu + 1 >= 1 << (31 - CpuShift))
            throw new InvalidOperationException($"more objects than the model numbers on cpu{cpu}");
        var number = _perCpu[(cpu, kind)] = _perCpu.GetValueOrDefault((cpu, kind)) + 1;
        return (((cpu + 1) << CpuShift) | id, $"{kind}#cpu{cpu}.{number}");
    }

    public T Register<T>(T obj) where T : KernelObject
    {
        _changed = true;
        LiveChanged();
        _live.Add(obj.Id, obj);
        _all.Add(obj.Id, obj);
        _allocated[obj.Kind] = Allocated(obj.Kind) + 1;
        return obj;
    }

    /// <summary>
    /// mm/slab_common.c: what kmalloc(<paramref name="size"/>) hands out under SLUB (ksize()): the kmalloc-N caches
    /// (8 to 8192 bytes: powers of two, and 96 and 192) up to KMALLOC_MAX_CACHE_SIZE, two pages; above it
    /// kmalloc_large() takes whole pages from the page allocator, 4 KiB &lt;&lt; get_order(size).
    /// </summary>
    public static int KmallocSize(int size)
    {
        const int page = 4096, maxCacheSize = 2 * page;
        if (size > maxCacheSize)
            return page * (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)((size + page - 1) / page));
        if (size is > 64 and <= 96)
            return 96;
        if (size is > 128 and <= 192)
            return 192;
        return (int)Math.Max(8, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)size));
    }

    // mm/slab_common.c: kfree()
    public void Kfree(KernelObject obj, string site)
    {
        if (obj.Freed)
        {
            Report(FindingKind.DoubleFree, obj, $"double free of {obj} in {site} (allocated by {obj.AllocationSite})");
            return;
        }
        obj.Freed = true;
        _changed = true;
        LiveChanged();
        _live.Remove(obj.Id);
        _freed[obj.Kind] = Freed(obj.Kind) + 1;
    }

    /// <summary>Checks an access to an object; an access after kfree is a use-after-free finding.</summary>
    public void Access(KernelObject obj, string site)
    {
        if (obj.Freed)
            Report(FindingKind.UseAfterFree, obj, $"use-after-free: {site} accessed {obj} (allocated by {obj.AllocationSite}), already freed");
    }

    /// <summary>
    /// The object a word of shared memory points to (its <see cref="KernelObject.Id"/>), freed or not, so that a
    /// stale pointer read by one CPU is a use-after-free finding rather than a crash of the model; null for 0.
    /// </summary>
    public KernelObject? Lookup(long id) => id == 0 ? null : _all[id];

    public int Allocated(string kind) => _allocated.GetValueOrDefault(kind);

    public int Freed(string kind) => _freed.GetValueOrDefault(kind);

    /// <summary>The bytes the allocator handed out for every object of <paramref name="kind"/> allocated since boot.</summary>
    public long AllocatedBytes(string kind)
    {
        long bytes = 0;
        foreach (var obj in _all.Values)
        {
            if (obj.Kind == kind)
                bytes += obj.AllocatedBytes;
        }
        return bytes;
    }

    public int Live(string kind) => Allocated(kind) - Freed(kind);

    public void Report(FindingKind kind, KernelObject obj, string message) => Report(kind, obj.Kind, message);

    public void Report(FindingKind kind, string objectKind, string message)
    {
        _changed = true;
        _findings.Add(new Finding(kind, objectKind, message));
    }

    void IBlockState.Save()
    {
        _saved = new Books(_live, _all, _allocated, _freed, _perCpu, _findings, _nextId, _nextCpuId).Copy();
        _changed = false;
    }

    void IBlockState.Rewind()
    {
        if (!_changed)
            return;
        (_live, _all, _allocated, _freed, _perCpu, _findings, _nextId, _nextCpuId) = _saved!.Copy();
        LiveChanged();
        _changed = false;
    }

    /// <summary>The heap's books where an explore block started.</summary>
    [Bookkeeping]
    private sealed record Books(
        SortedDictionary<int, KernelObject> Live,
        Dictionary<long, KernelObject> All,
        Dictionary<string, int> Allocated,
        Dictionary<string, int> Freed,
        Dictionary<(int Cpu, string Kind), int> PerCpu,
        List<Finding> Findings,
        int NextId,
        Dictionary<int, int> NextCpuId)
    {
        public Books Copy() => new(new(Live), new(All), new(Allocated, StringComparer.Ordinal), new(Freed, StringComparer.Ordinal),
            new(PerCpu), [.. Findings], NextId, new(NextCpuId));
    }
}
