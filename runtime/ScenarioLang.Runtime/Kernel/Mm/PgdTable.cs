using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Kernel.Mm;

/// <summary>
/// A page global directory: the top page of an mm's 4-level page tables (mm->pgd), or swapper_pg_dir, init_mm's,
/// the reference every mm copies its kernel part from. Its 512 entries live in <see cref="Machine.SharedMemory"/>
/// because CPUs race on them (seed 003): entry <c>i</c> of mm_struct#2's PGD is the word
/// <c>mm_struct#2->pgd[i]</c>, of swapper's <c>swapper_pg_dir[i]</c>. A word holds 0 (pgd_none()) or the
/// <see cref="KernelObject.Id"/> of the PUD page it points to, which <see cref="KernelHeap.Lookup"/> turns back into it.
/// </summary>
public sealed class PgdTable : KernelObject
{
    public const string KindName = "pgd";

    // The entries' words of every PGD of a name, each named when first used: a PGD's kernel half is copied and walked
    // entry by entry, and a search allocates the same mm's PGD (mm_struct#cpu0.1->pgd) again in each execution.
    private static readonly ConcurrentDictionary<string, EntryWords> WordsByName = new(StringComparer.Ordinal);

    [Bookkeeping]
    private readonly EntryWords _entryWords;

    private readonly Tracked<int> _kernelPudInUserHalf;

    private PgdTable(KernelHeap heap, string site, string entries, MmStruct? mm, string? owner)
        : base(heap, KindName, (int)PagingLayout.PageSize, site)
    {
        _entryWords = WordsByName.GetOrAdd(entries, static name => new EntryWords(name));
        Mm = mm;
        Owner = owner;
        _kernelPudInUserHalf = new(Tracker, Field("user_half"), -1);
    }

    /// <summary>
    /// The user-half slot whose word holds a kernel PUD page (swapper_pg_dir's for a vmalloc slot), which only the
    /// lockless PGD series' walk as posted stores there; -1 when none. The model keeps the user half's own page tables
    /// apart from the words (<see cref="MmStruct.UserPgd"/>), so it cannot follow a mapping made through such an entry.
    /// </summary>
    public int KernelPudInUserHalf
    {
        get => _kernelPudInUserHalf.Value;
        set => _kernelPudInUserHalf.Value = value;
    }

    /// <summary>The mm whose mm->pgd this is (pgd_set_mm() records it in the page); null for swapper_pg_dir.</summary>
    public MmStruct? Mm { get; }

    /// <summary>The task the mm was made for, which names the PGD in pause points (<c>sync_mm[C]</c>); null for swapper_pg_dir.</summary>
    public string? Owner { get; }

    /// <summary>The word holding entry <paramref name="slot"/>.</summary>
    public MemoryLocation Entry(int slot) => _entryWords[slot];

    /// <summary>page->lru of the PGD page: 1 while it is on pgd_list (mainline only).</summary>
    public MemoryLocation Lru => new($"{this}->lru");

    // arch/x86/mm/pgtable.c: _pgd_alloc(): __get_free_page(PGALLOC_GFP), zeroed, so every entry is none.
    public static PgdTable Allocate(KernelHeap heap, MmStruct mm, string owner) =>
        heap.Register(new PgdTable(heap, "pgd_alloc", $"{mm}->pgd", mm, owner));

    private PgdTable(StateTracker tracker) : base(tracker, KindName, "swapper_pg_dir", (int)PagingLayout.PageSize, "head_64.S")
    {
        _entryWords = WordsByName.GetOrAdd(Name, static name => new EntryWords(name));
        _kernelPudInUserHalf = new(Tracker, Field("user_half"), -1);
    }

    /// <summary>swapper_pg_dir (init_level4_pgt in head_64.S): a static page, not allocated and never freed.</summary>
    public static PgdTable Swapper(StateTracker tracker) => new(tracker);

    /// <summary>
    /// The words <c>{name}[0]</c> to <c>{name}[511]</c>, shared by the threads of a search: each is boxed, so a thread
    /// that finds one sees it whole. Names, not state of the model.
    /// </summary>
    [Bookkeeping]
    private sealed class EntryWords(string name)
    {
        private readonly StrongBox<MemoryLocation>?[] _words = new StrongBox<MemoryLocation>?[PagingLayout.PtrsPerTable];

        public MemoryLocation this[int slot] =>
            (Volatile.Read(ref _words[slot]) ?? Name(slot)).Value;

        private StrongBox<MemoryLocation> Name(int slot)
        {
            var word = new StrongBox<MemoryLocation>(new($"{name}[{slot}]"));
            return Interlocked.CompareExchange(ref _words[slot], word, null) ?? word;
        }
    }
}
