namespace ScenarioLang.Runtime.Kernel.Mm;

/// <summary>
/// A page-table page below the PGD: a PUD, PMD or PTE page of the kernel half. Every mm's PGD entry for a kernel
/// region points to the same PUD page as swapper_pg_dir's, so these levels are init_mm's alone; vmalloc() fills them
/// under init_mm.page_table_lock, and nothing reads them before the vmalloc() that filled them returned. Their entries
/// are therefore plain fields, not words of shared memory: only the PGD entries are raced on.
/// </summary>
public sealed class PageTable : KernelObject
{
    public const string PudKind = "pud";
    public const string PmdKind = "pmd";
    public const string PteKind = "pte";

    private PageTable(string kind, int id, string site, bool boot)
        : base(kind, id, (int)PagingLayout.PageSize, site) => Boot = boot;

    /// <summary>
    /// A PUD page the boot code built (the direct map, vmemmap, espfix, kernel text): what it maps below is not
    /// modelled, and a walk that reaches it finds the address mapped.
    /// </summary>
    public bool Boot { get; }

    /// <summary>The entries: 0 (none), the id of the next level's page, or in a PTE page a page frame number.</summary>
    internal long[] Entries { get; } = new long[PagingLayout.PtrsPerTable];

    // arch/x86/include/asm/pgalloc.h: pud_alloc_one(), pmd_alloc_one(), pte_alloc_one_kernel(): a zeroed page.
    public static PageTable Allocate(KernelHeap heap, string kind, string site, bool boot = false) =>
        heap.Register(new PageTable(kind, heap.NextId(), site, boot));
}
