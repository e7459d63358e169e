namespace ScenarioLang.Runtime.Kernel;

/// <summary>
/// kmalloc/kfree for the model, with the bookkeeping of an object checker: counts per kind,
/// the live set, and findings for double frees, use after free and refcount misuse.
/// </summary>
public sealed class KernelHeap
{
    private readonly SortedDictionary<int, KernelObject> _live = new();
    private readonly Dictionary<long, KernelObject> _all = [];
    private readonly Dictionary<string, int> _allocated = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _freed = new(StringComparer.Ordinal);
    private readonly List<Finding> _findings = [];
    private int _nextId = 1;

    public IReadOnlyList<Finding> Findings => _findings;

    public IEnumerable<KernelObject> LiveObjects => _live.Values;

    public int NextId() => _nextId++;

    public T Register<T>(T obj) where T : KernelObject
    {
        _live.Add(obj.Id, obj);
        _all.Add(obj.Id, obj);
        _allocated[obj.Kind] = Allocated(obj.Kind) + 1;
        obj.Number = Allocated(obj.Kind);
        return obj;
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

    public int Live(string kind) => Allocated(kind) - Freed(kind);

    public void Report(FindingKind kind, KernelObject obj, string message) => Report(kind, obj.Kind, message);

    public void Report(FindingKind kind, string objectKind, string message) => _findings.Add(new Finding(kind, objectKind, message));
}
