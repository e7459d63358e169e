using ScenarioLang.Runtime.Kernel.Mm;
using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Kernel;

/// <summary>
/// An address space (struct mm_struct, include/linux/mm_types.h), as far as fork, clone, exec and exit
/// share and release it: <see cref="MmUsers"/> counts the tasks using it, and the last mmput() tears down its
/// mappings and drops their reference to the struct; <see cref="MmCount"/> counts those references, and the last
/// mmdrop() frees it with its PGD. Threads on other CPUs share it, and a host mm of page-table sharing is every
/// mapper's, so each field is tracked.
/// </summary>
public sealed class MmStruct : KernelObject
{
    public const string KindName = "mm_struct";

    private readonly Tracked<int> _mmUsers;
    private readonly Tracked<int> _mmCount;
    private readonly Tracked<PgdTable?> _pgd;
    private readonly Tracked<ulong> _mmapBase;

    // The checker counts objects, not bytes: sizeof(struct mm_struct) depends on the configuration.
    private MmStruct(KernelHeap heap, string site) : base(heap, KindName, 0, site)
    {
        _mmUsers = new(Tracker, Field("mm_users"), 1);
        _mmCount = new(Tracker, Field("mm_count"), 1);
        _pgd = new(Tracker, Field("pgd"), null);
        _mmapBase = new(Tracker, Field("mmap_base"), UserLayout.MmapBase);
        UserPgd = TrackedArray<UserPageTable?>.Zeroed(Tracker, Field("user_pgd"), PagingLayout.PtrsPerTable / 2);
        Vmas = new(Tracker, Field("vmas"));
    }

    /// <summary>mm_users: how many tasks use this address space.</summary>
    public int MmUsers
    {
        get => _mmUsers.Value;
        set => _mmUsers.Value = value;
    }

    /// <summary>
    /// mm_count: references to the struct itself, one for all the users together and one for each CPU that keeps the
    /// mm loaded lazily after its last task left it (exit_mm(): mmgrab_lazy_tlb()).
    /// </summary>
    public int MmCount
    {
        get => _mmCount.Value;
        set => _mmCount.Value = value;
    }

    /// <summary>mm->pgd, set by pgd_alloc() in mm_init() and freed by pgd_free() in __mmdrop().</summary>
    public PgdTable? Pgd
    {
        get => _pgd.Value;
        internal set => _pgd.Value = value;
    }

    /// <summary>The user half of mm->pgd (entries 0..255): the PUD pages mapping user addresses.</summary>
    public TrackedArray<UserPageTable?> UserPgd { get; }

    /// <summary>The vmas, by address (the maple tree of mm->mm_mt).</summary>
    public TrackedList<VmArea> Vmas { get; }

    /// <summary>The location of the vma tree, which each vma's own fields belong to.</summary>
    internal MemoryLocation VmasLocation => Vmas.Location;

    /// <summary>mm->mmap_base: where a host mm's single mapping starts (ptshare_new_mm() sets it to the vma's start).</summary>
    public ulong MmapBase
    {
        get => _mmapBase.Value;
        set => _mmapBase.Value = value;
    }

    /// <summary>mm->page_table_lock, which sync_global_pgds() takes around each mm's PGD entry ("only used by Xen").</summary>
    public MemoryLocation PageTableLock => new($"{this}->page_table_lock");

    // kernel/fork.c: allocate_mm(), with mm_users and mm_count set to 1 by mm_init()
    public static MmStruct Allocate(KernelHeap heap, string site) => heap.Register(new MmStruct(heap, site));
}
