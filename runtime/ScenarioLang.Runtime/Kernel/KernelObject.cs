namespace ScenarioLang.Runtime.Kernel;

/// <summary>
/// An object the modelled kernel allocated. The <see cref="KernelHeap"/> tracks it from kmalloc to
/// kfree so that leaks, use-after-free and refcount misuse become findings, as KASAN, kmemleak and
/// refcount_t's warnings would report them.
/// </summary>
public abstract class KernelObject
{
    protected KernelObject(string kind, int id, int size, string allocationSite)
    {
        Kind = kind;
        Id = id;
        Size = size;
        AllocationSite = allocationSite;
    }

    public string Kind { get; }

    /// <summary>Unique among all objects, in allocation order.</summary>
    public int Id { get; }

    /// <summary>The object's number among those of its kind, which the trace shows: io_bitmap#2, mm_struct#1.</summary>
    public int Number { get; internal set; }

    public int Size { get; }

    /// <summary>The kernel function that allocated it, e.g. "ksys_ioperm".</summary>
    public string AllocationSite { get; }

    public bool Freed { get; internal set; }

    public override string ToString() => $"{Kind}#{Number}";
}
