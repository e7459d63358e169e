using System.Numerics;

namespace ScenarioLang.Runtime.Kernel.Mm;

/// <summary>
/// A page-table page of the user half (PUD, PMD or PTE), owned by the mm that allocated it: a guest sharing page tables
/// (MAP_SHARED_PT) points its PMD entries at PTE pages the host mm owns. Entries are plain fields: the model races on
/// ptshare_data, not on entries, which the kernel changes under the page-table locks. A PTE page keeps its 512 entries
/// as bit sets (present, writable), so faulting in 1 GiB is 512 table updates, not 262,144 entry writes.
/// </summary>
public sealed class UserPageTable : KernelObject
{
    private const int Words = PagingLayout.PtrsPerTable / 64;

    private readonly ulong[] _present;
    private readonly ulong[] _writable;

    private UserPageTable(PageTableLevel level, int id, MmStruct owner, string site)
        : base(KindOf(level), id, (int)PagingLayout.PageSize, site)
    {
        Level = level;
        Owner = owner;
        Next = level == PageTableLevel.Pte ? [] : new UserPageTable?[PagingLayout.PtrsPerTable];
        _present = level == PageTableLevel.Pte ? new ulong[Words] : [];
        _writable = level == PageTableLevel.Pte ? new ulong[Words] : [];
    }

    public PageTableLevel Level { get; }

    /// <summary>The mm that allocated the page, whose teardown frees it.</summary>
    public MmStruct Owner { get; }

    /// <summary>A PUD or PMD page's entries: the next level's pages (a PMD entry may point to another mm's PTE page).</summary>
    public UserPageTable?[] Next { get; }

    /// <summary>How many PTEs are present.</summary>
    public int PresentCount => _present.Sum(BitOperations.PopCount);

    public bool IsEmpty => Level == PageTableLevel.Pte ? PresentCount == 0 : Next.All(e => e is null);

    public bool IsPresent(int index) => (_present[index / 64] & Bit(index)) != 0;

    public bool IsWritable(int index) => (_writable[index / 64] & Bit(index)) != 0;

    /// <summary>The first of <paramref name="count"/> entries from <paramref name="first"/> a CPU cannot use for the access without a fault, or -1.</summary>
    public int FirstFault(int first, int count, bool write)
    {
        for (var i = first; i < first + count; i++)
        {
            if (!IsPresent(i) || (write && !IsWritable(i)))
                return i;
        }
        return -1;
    }

    /// <summary>Makes the entries present (set_pte_at() for each page a fault maps), writable for a write fault.</summary>
    public void Fill(int first, int count, bool writable)
    {
        for (var i = first; i < first + count; i++)
        {
            _present[i / 64] |= Bit(i);
            if (writable)
                _writable[i / 64] |= Bit(i);
        }
    }

    /// <summary>copy_pte_range() for a private mapping at fork: the child gets the present entries, write-protected (COW).</summary>
    public void CopyWriteProtected(UserPageTable from)
    {
        Array.Copy(from._present, _present, Words);
        Array.Clear(_writable);
    }

    /// <summary>zap_pte_range(): the entries are cleared.</summary>
    public void Clear(int first, int count)
    {
        for (var i = first; i < first + count; i++)
        {
            _present[i / 64] &= ~Bit(i);
            _writable[i / 64] &= ~Bit(i);
        }
    }

    public static string KindOf(PageTableLevel level) => level switch
    {
        PageTableLevel.Pud => PageTable.PudKind,
        PageTableLevel.Pmd => PageTable.PmdKind,
        _ => PageTable.PteKind,
    };

    // pud_alloc_one(), pmd_alloc_one(), pte_alloc_one(): a zeroed page.
    public static UserPageTable Allocate(KernelHeap heap, PageTableLevel level, MmStruct owner, string site) =>
        heap.Register(new UserPageTable(level, heap.NextId(), owner, site));

    private static ulong Bit(int index) => 1UL << (index % 64);
}
