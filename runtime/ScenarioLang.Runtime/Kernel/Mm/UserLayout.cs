
namespace ScenarioLang.Runtime.Kernel.Mm;

/// <summary>
/// The user half of the x86-64 address space as the model lays it out: no address-space randomisation, so the same
/// scenario maps at the same addresses every run.
/// </summary>
public static class UserLayout
{
    /// <summary>TASK_SIZE_MAX with 4-level paging: the last user page ends below it.</summary>
    public const ulong TaskSize = 0x7ffffffff000;

    /// <summary>mm->mmap_base without randomisation: mmaps without an address go top-down from here.</summary>
    public const ulong MmapBase = 0x7f0000000000;

    /// <summary>mmap_min_addr: the lowest address mmap() hands out (the default of 64 KiB).</summary>
    public const ulong MmapMinAddr = 0x10000;

    public const ulong PmdSize = 1UL << PagingLayout.PmdShift;

    public static ulong PageAlign(ulong size) => (size + (ulong)PagingLayout.PageSize - 1) & ~((ulong)PagingLayout.PageSize - 1);

    public static bool PageAligned(ulong value) => (value & ((ulong)PagingLayout.PageSize - 1)) == 0;

    public static bool PmdAligned(ulong value) => (value & (PmdSize - 1)) == 0;

    /// <summary>The index of the address in the page table at <paramref name="level"/>, or in the PGD when null.</summary>
    public static int Index(ulong address, PageTableLevel? level) => level switch
    {
        null => PagingLayout.PgdIndex(address),
        PageTableLevel.Pud => PagingLayout.Index(address, PagingLayout.PudShift),
        PageTableLevel.Pmd => PagingLayout.Index(address, PagingLayout.PmdShift),
        _ => PagingLayout.Index(address, PagingLayout.PageShift),
    };
}
