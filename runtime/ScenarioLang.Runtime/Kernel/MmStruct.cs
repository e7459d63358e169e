using ScenarioLang.Runtime.Kernel.Mm;
using ScenarioLang.Runtime.Scheduling;

namespace ScenarioLang.Runtime.Kernel;

/// <summary>
/// An address space (struct mm_struct, include/linux/mm_types.h), as far as fork, clone, exec and exit
/// share and release it: <see cref="MmUsers"/> counts the tasks using it, and the last mmput() frees it
/// with its page tables.
/// </summary>
public sealed class MmStruct : KernelObject
{
    public const string KindName = "mm_struct";

    // The checker counts objects, not bytes: sizeof(struct mm_struct) depends on the configuration.
    private MmStruct(int id, string site) : base(KindName, id, 0, site)
    {
    }

    /// <summary>mm_users: how many tasks use this address space.</summary>
    public int MmUsers { get; set; } = 1;

    /// <summary>mm->pgd, set by pgd_alloc() in mm_init() and freed by pgd_free() in __mmdrop().</summary>
    public PgdTable? Pgd { get; internal set; }

    /// <summary>The user half of mm->pgd (entries 0..255): the PUD pages mapping user addresses.</summary>
    public UserPageTable?[] UserPgd { get; } = new UserPageTable?[PagingLayout.PtrsPerTable / 2];

    /// <summary>The vmas, by address (the maple tree of mm->mm_mt).</summary>
    public List<VmArea> Vmas { get; } = [];

    /// <summary>mm->mmap_base: where a host mm's single mapping starts (ptshare_new_mm() sets it to the vma's start).</summary>
    public ulong MmapBase { get; set; } = UserLayout.MmapBase;

    /// <summary>mm->page_table_lock, which sync_global_pgds() takes around each mm's PGD entry ("only used by Xen").</summary>
    public MemoryLocation PageTableLock => new($"{this}->page_table_lock");

    // kernel/fork.c: allocate_mm(), with mm_users set to 1 by mm_init()
    public static MmStruct Allocate(KernelHeap heap, string site) => heap.Register(new MmStruct(heap.NextId(), site));
}
