using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Kernel;

/// <summary>
/// An object the modelled kernel allocated. The <see cref="KernelHeap"/> tracks it from kmalloc to
/// kfree so that leaks, use-after-free and refcount misuse become findings, as KASAN, kmemleak and
/// refcount_t's warnings would report them.
/// </summary>
public abstract class KernelObject
{
    private readonly Tracked<bool> _freed;

    protected KernelObject(KernelHeap heap, string kind, int size, string allocationSite)
    {
        Kind = kind;
        Size = size;
        AllocationSite = allocationSite;
        (Id, Name) = heap.Identify(kind);
        Tracker = heap.Tracker;
        _freed = new Tracked<bool>(Tracker, Field("freed"), false);
    }

    /// <summary>A static object of the kernel image (swapper_pg_dir): never allocated nor freed, id 0.</summary>
    protected KernelObject(StateTracker tracker, string kind, string name, int size, string site)
    {
        Kind = kind;
        Size = size;
        AllocationSite = site;
        Name = name;
        Tracker = tracker;
        _freed = new Tracked<bool>(Tracker, Field("freed"), false);
    }

    public string Kind { get; }

    /// <summary>
    /// What a word pointing to the object holds. Unique among all objects, and the same in every execution of an explore
    /// block whatever the order of independent events: see <see cref="KernelHeap.Identify"/>.
    /// </summary>
    public int Id { get; }

    /// <summary>How the trace shows it: io_bitmap#2, mm_struct#1, or pud#cpu1.1 for the first pud cpu1 allocated in an explore block.</summary>
    public string Name { get; }

    public int Size { get; }

    /// <summary>What the allocator handed out for it: its size, unless the allocator rounds it up (<see cref="KernelHeap.KmallocSize"/>).</summary>
    public virtual int AllocatedBytes => Size;

    /// <summary>The kernel function that allocated it, e.g. "ksys_ioperm".</summary>
    public string AllocationSite { get; }

    /// <summary>Whether kfree() ran: KASAN's poisoned shadow, which every checked access reads.</summary>
    public bool Freed
    {
        get => _freed.Value;
        internal set => _freed.Value = value;
    }

    /// <summary>Records the accesses of the explored event that runs now, for the object's tracked fields.</summary>
    internal StateTracker Tracker { get; }

    /// <summary>The location of one of the object's tracked fields: <c>mm_struct#2.vmas</c>.</summary>
    /// <remarks>Named once per process: each execution of a search allocates its objects under the same names again.</remarks>
    internal MemoryLocation Field(string name) => MemoryLocation.Of(Name, name);

    public override string ToString() => Name;
}
