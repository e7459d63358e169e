using System.Diagnostics;
using System.Numerics;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Kernel.Mm;

/// <summary>
/// A page-table page of the user half (PUD, PMD or PTE), owned by the mm that allocated it: a guest sharing page tables
/// (MAP_SHARED_PT) points its PMD entries at PTE pages the host mm owns, so a guest's fault and the host's mapper reach
/// the same page: its entries are one tracked location, <c>pte#3.entries</c>. A PTE page keeps its 512 entries
/// as bit sets (present, writable), so faulting in 1 GiB is 512 table updates, not 262,144 entry writes.
/// </summary>
public sealed class UserPageTable : KernelObject
{
    private const int Words = PagingLayout.PtrsPerTable / 64;

    private readonly TrackedArray<ulong> _present;
    private readonly TrackedArray<ulong> _writable;
    private readonly Tracked<int> _ptShareCount;

    private UserPageTable(KernelHeap heap, PageTableLevel level, MmStruct owner, string site)
        : base(heap, KindOf(level), (int)PagingLayout.PageSize, site)
    {
        Level = level;
        Owner = owner;
        var entries = Field("entries");
        Next = TrackedArray<UserPageTable?>.Zeroed(Tracker, entries, level == PageTableLevel.Pte ? 0 : PagingLayout.PtrsPerTable);
        _present = TrackedArray<ulong>.Zeroed(Tracker, entries, level == PageTableLevel.Pte ? Words : 0);
        _writable = TrackedArray<ulong>.Zeroed(Tracker, entries, level == PageTableLevel.Pte ? Words : 0);
        _ptShareCount = new(Tracker, Field("pt_share_count"), 0);
    }

    public PageTableLevel Level { get; }

    /// <summary>The mm that allocated the page, whose teardown frees it.</summary>
    public MmStruct Owner { get; }

    /// <summary>A PUD or PMD page's entries: the next level's pages (a PMD entry may point to another mm's PTE page).</summary>
    public TrackedArray<UserPageTable?> Next { get; }

    /// <summary>
    /// ptdesc->pt_share_count of a PUD page: how many other mms' PGD entries point to it (mshare links a process's PGD
    /// entry to its host mm's PUD page); always 0 without such sharing. free_pgtables() keeps a PUD page it counts.
    /// </summary>
    public int PtShareCount
    {
        get => _ptShareCount.Value;
        set => _ptShareCount.Value = value;
    }

    /// <summary>How many PTEs are present.</summary>
    public int PresentCount
    {
        get
        {
            var count = 0;
            foreach (var word in _present.Read())
                count += BitOperations.PopCount(word);
            return count;
        }
    }

    public bool IsEmpty => Level == PageTableLevel.Pte ? PresentCount == 0 : Next.IsZeroed || Next.Read().IndexOfAnyExcept((UserPageTable?)null) < 0;

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
        var present = _present.Write();
        var writableBits = _writable.Write();
        for (var i = first; i < first + count; i++)
        {
            present[i / 64] |= Bit(i);
            if (writable)
                writableBits[i / 64] |= Bit(i);
        }
    }

    /// <summary>
    /// copy_pte_range() of <paramref name="count"/> entries from <paramref name="first"/> for a private mapping at fork:
    /// the child gets the present ones write-protected, and so does the parent (copy_present_pte(): ptep_set_wrprotect()
    /// of a COW mapping's writable entry), so either's next write there faults.
    /// </summary>
    public void CopyWriteProtected(UserPageTable from, int first, int count)
    {
        var present = _present.Write();
        var writable = _writable.Write();
        var fromWritable = from._writable.Write();
        for (var i = first; i < first + count; i++)
        {
            if (from.IsPresent(i))
                present[i / 64] |= Bit(i);
            writable[i / 64] &= ~Bit(i);
            fromWritable[i / 64] &= ~Bit(i);
        }
    }

    /// <summary>zap_pte_range(): the entries are cleared.</summary>
    public void Clear(int first, int count)
    {
        var present = _present.Write();
        var writable = _writable.Write();
        for (var i = first; i < first + count; i++)
        {
            present[i / 64] &= ~Bit(i);
            writable[i / 64] &= ~Bit(i);
        }
    }

    public static string KindOf(PageTableLevel level) => level switch
    {
        PageTableLevel.Pud => PageTable.PudKind,
        PageTableLevel.Pmd => PageTable.PmdKind,
        PageTableLevel.Pte => PageTable.PteKind,
        _ => throw new UnreachableException($"page-table level {level}"),
    };

    // pud_alloc_one(), pmd_alloc_one(), pte_alloc_one(): a zeroed page.
    public static UserPageTable Allocate(KernelHeap heap, PageTableLevel level, MmStruct owner, string site) =>
        heap.Register(new UserPageTable(heap, level, owner, site));

    private static ulong Bit(int index) => 1UL << (index % 64);
}
