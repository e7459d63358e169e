namespace ScenarioLang.Runtime.Kernel.Mm;

/// <summary>
/// x86-64 4-level paging and the kernel's virtual layout as of v4.2 (2015): arch/x86/include/asm/pgtable_64_types.h,
/// page_64_types.h and Documentation/x86/x86_64/mm.txt, before KASLR of the memory regions (4.8) moved them.
/// </summary>
public static class PagingLayout
{
    public const int PageShift = 12;

    public const long PageSize = 1L << PageShift;

    /// <summary>PTRS_PER_PGD = PTRS_PER_PUD = PTRS_PER_PMD = PTRS_PER_PTE: a table is one 4 KiB page of 8-byte entries.</summary>
    public const int PtrsPerTable = 512;

    public const int PmdShift = 21;

    public const int PudShift = 30;

    /// <summary>PGDIR_SHIFT: one PGD entry maps 512 GiB.</summary>
    public const int PgdirShift = 39;

    public const ulong PgdirMask = ~((1UL << PgdirShift) - 1);

    /// <summary>__PAGE_OFFSET: the direct mapping of all physical memory.</summary>
    public const ulong PageOffset = 0xffff880000000000;

    /// <summary>
    /// KERNEL_PGD_BOUNDARY is pgd_index(PAGE_OFFSET) (arch/x86/include/asm/pgtable.h), 272 here: entries 256..271
    /// (the hypervisor's guard hole) are never copied, so the kernel part pgd_ctor() and arch_pgd_init_late() copy
    /// is entries 272..511.
    /// </summary>
    public static readonly int KernelPgdBoundary = PgdIndex(PageOffset);

    /// <summary>KERNEL_PGD_PTRS: how many entries from <see cref="KernelPgdBoundary"/> on are copied from swapper_pg_dir.</summary>
    public static readonly int KernelPgdPtrs = PtrsPerTable - KernelPgdBoundary;

    /// <summary>VMALLOC_START: vmalloc/ioremap space, empty at boot.</summary>
    public const ulong VmallocStart = 0xffffc90000000000;

    /// <summary>VMALLOC_END (VMALLOC_SIZE_TB = 32).</summary>
    public const ulong VmallocEnd = 0xffffe8ffffffffff;

    /// <summary>VMEMMAP_START: the struct page array of CONFIG_SPARSEMEM_VMEMMAP.</summary>
    public const ulong VmemmapStart = 0xffffea0000000000;

    /// <summary>ESPFIX_BASE_ADDR = ESPFIX_PGD_ENTRY (-2) &lt;&lt; PGDIR_SHIFT: the %esp fixup stacks (arch/x86/kernel/espfix_64.c).</summary>
    public const ulong EspfixBaseAddr = 0xffffff0000000000;

    /// <summary>__START_KERNEL_map: kernel text; modules and the fixmap follow in the same, last PGD entry.</summary>
    public const ulong StartKernelMap = 0xffffffff80000000;

    /// <summary>pgd_index(): which of the PGD's 512 entries maps the address.</summary>
    public static int PgdIndex(ulong address) => Index(address, PgdirShift);

    /// <summary>pud_index(), pmd_index(), pte_index(): the entry in a lower table, given that table's shift.</summary>
    public static int Index(ulong address, int shift) => (int)((address >> shift) & (PtrsPerTable - 1));

    /// <summary>PAGE_ALIGN().</summary>
    public static long PageAlign(long size) => (size + PageSize - 1) & ~(PageSize - 1);
}
