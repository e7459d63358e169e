using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Kernel.Mm;

/// <summary>
/// A page-table page below the PGD: a PUD, PMD or PTE page of the kernel half. Every mm's PGD entry for a kernel
/// region points to the same PUD page as swapper_pg_dir's, so these levels are init_mm's alone; vmalloc() fills them
/// under init_mm.page_table_lock, while another CPU that already sees the PGD entry may walk them: each page's entries
/// are one tracked location (<c>pud#cpu1.1.entries</c>), not words of their own.
/// </summary>
public sealed class PageTable : KernelObject
{
    public const string PudKind = "pud";
    public const string PmdKind = "pmd";
    public const string PteKind = "pte";

    private PageTable(KernelHeap heap, string kind, string site, bool boot)
        : base(heap, kind, (int)PagingLayout.PageSize, site)
    {
        Boot = boot;
        Entries = TrackedArray<long>.CopyOnWrite(Tracker, Field("entries"), Zeroed);
    }

    // Every page starts zeroed and most are never written in an execution: they share this one until then.
    private static readonly long[] Zeroed = new long[PagingLayout.PtrsPerTable];

    /// <summary>
    /// A PUD page the boot code built (the direct map, vmemmap, espfix, kernel text): what it maps below is not
    /// modelled, and a walk that reaches it finds the address mapped.
    /// </summary>
    public bool Boot { get; }

    /// <summary>The entries: 0 (none), the id of the next level's page, or in a PTE page a page frame number.</summary>
    internal TrackedArray<long> Entries { get; }

    // arch/x86/include/asm/pgalloc.h: pud_alloc_one(), pmd_alloc_one(), pte_alloc_one_kernel(): a zeroed page.
    public static PageTable Allocate(KernelHeap heap, string kind, string site, bool boot = false) =>
        heap.Register(new PageTable(heap, kind, site, boot));
}
