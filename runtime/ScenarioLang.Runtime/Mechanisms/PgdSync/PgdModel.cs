using ScenarioLang.Runtime.Catalog;
using ScenarioLang.Runtime.Kernel.Mm;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracing;
using ScenarioLang.Runtime.Tracking;
using static ScenarioLang.Runtime.Kernel.Mm.PagingLayout;

namespace ScenarioLang.Runtime.Mechanisms.PgdSync;

/// <summary>
/// One kernel's code for the kernel part of every PGD (seed 003): how a new mm gets swapper_pg_dir's entries
/// (pgd_alloc(), and arch_pgd_init_late() in the lockless series), how a new kernel PGD entry reaches every mm
/// (sync_global_pgds()), and what pgd_free() undoes. Each subclass models one version and names the code it follows;
/// what they share lives here: swapper_pg_dir as the boot code left it, the copy of its entries, the update of one
/// mm's entry, and the page walk of a kernel access. The shared kernel calls it through <see cref="IPgdOps"/>.
/// </summary>
public abstract class PgdModel : IKernelHooks, IPgdOps
{
    /// <summary>pgd_lock (arch/x86/mm/pgtable.c), which every version still takes in sync_global_pgds().</summary>
    protected static readonly MemoryLocation PgdLock = new("pgd_lock");

    // The bases of the kernel PGD entries after boot on v4.2 (Documentation/x86/x86_64/mm.txt, < 512 GiB of RAM). None
    // for VMALLOC_START (slot 402): vmalloc space gets its PGD entries on demand. A real machine's boot-time vmalloc() and
    // ioremap() users have created slot 402's before any task runs; the model boots without them, so that a scenario's
    // first vmalloc() is the rare one that opens a slot, the case sync_global_pgds() exists for.
    private static readonly (ulong Address, string Site)[] BootEntries =
    [
        // slot 272: the direct map, arch/x86/mm/init_64.c: kernel_physical_mapping_init()
        (PageOffset, "kernel_physical_mapping_init"),
        // slot 468: vmemmap, arch/x86/mm/init_64.c: vmemmap_populate() from sparse_init()
        (VmemmapStart, "vmemmap_populate"),
        // slot 510: the espfix stacks, arch/x86/kernel/espfix_64.c: init_espfix_bsp()
        (EspfixBaseAddr, "init_espfix_bsp"),
        // slot 511: kernel text, modules and fixmap, level3_kernel_pgt of arch/x86/kernel/head_64.S, which
        // x86_64_start_kernel() copies into init_level4_pgt[511] after clearing it
        (StartKernelMap, "head_64.S"),
    ];

    protected PgdModel(LinuxKernel kernel)
    {
        Kernel = kernel;
        Swapper = PgdTable.Swapper(kernel.Heap.Tracker);
        _vmallocFaults = new(kernel.Heap.Tracker, new("vmalloc_faults"), 0);
        Boot();
        _bootValues = new long[PtrsPerTable];
        for (var slot = KernelPgdBoundary; slot < PtrsPerTable; slot++)
            _bootValues[slot] = CanGrow(slot) ? 0 : Memory.Read(Swapper.Entry(slot));
        Vmalloc = new VmallocSpace(kernel, this);
    }

    // swapper_pg_dir's entries outside the slots that can grow (CanGrow), by slot: no modelled path writes them after
    // boot, and every PGD made copies them, so they are read once.
    [Bookkeeping]
    private readonly long[] _bootValues;

    /// <summary>The vmalloc space, whose new kernel PGD entries sync_global_pgds() pushes to every mm.</summary>
    public VmallocSpace Vmalloc { get; }

    /// <summary>swapper_pg_dir (init_mm.pgd): the reference PGD, only ever extended.</summary>
    public PgdTable Swapper { get; }

    protected LinuxKernel Kernel { get; }

    protected KernelHeap Heap => Kernel.Heap;

    protected KernelLog Log => Kernel.Log;

    protected SharedMemory Memory => Kernel.Memory;

    /// <summary>pgd_alloc() for a new mm (mm_init() -> mm_alloc_pgd()) made for the task <paramref name="owner"/>; sets mm->pgd.</summary>
    public abstract IEnumerable<InterleavingPoint> PgdAlloc(MmStruct mm, string owner);

    /// <summary>arch_pgd_init_late(mm) for <paramref name="tsk"/>'s new mm, which fork and exec call in the lockless series only.</summary>
    public virtual IEnumerable<InterleavingPoint> PgdInitLate(TaskStruct tsk, MmStruct mm) => [];

    // arch/x86/mm/pgtable.c: pgd_free(): pgd_mop_up_pmds() (nothing to do on 64-bit), pgd_dtor(), _pgd_free()
    public IEnumerable<InterleavingPoint> PgdFree(MmStruct mm)
    {
        var pgd = mm.Pgd!;
        foreach (var point in PgdDtor(pgd))
            yield return point;
        Heap.Kfree(pgd, "pgd_free");
    }

    /// <summary>
    /// The PGD of an mm made before the scenario started (its task was forked earlier): a copy of swapper_pg_dir's
    /// kernel part, written as boot code would, not by any CPU of the scenario.
    /// </summary>
    public void Prepopulate(MmStruct mm, string owner)
    {
        var pgd = NewPgd(mm, owner);
        for (var slot = KernelPgdBoundary; slot < PtrsPerTable; slot++)
        {
            var entry = Memory.Read(Swapper.Entry(slot));
            if (entry != 0)
                Memory.Initialize(pgd.Entry(slot), entry);
        }
        Prepopulated(pgd);
    }

    // arch/x86/mm/init_64.c: sync_global_pgds(start, end) (v4.2 passes removed = 0): every mm gets each present
    // swapper_pg_dir entry of the range it lacks. How the mms are found is the variant's.
    public IEnumerable<InterleavingPoint> SyncGlobalPgds(ulong start, ulong end)
    {
        for (var address = start; address <= end; address += 1UL << PgdirShift)
        {
            var slot = PgdIndex(address);
            var reference = InterleavingPoint.Load(PgdPoints.PgdRef, Swapper.Entry(slot), PgdPoints.Slot(slot));
            yield return reference;
            // Only sync (potentially) newly added PGD entries.
            if (reference.Value == 0)
                continue;
            var report = new SyncReport();
            yield return InterleavingPoint.Lock(PgdPoints.SyncGlobalPgds, PgdLock);
            foreach (var point in WalkMms(slot, reference.Value, report))
                yield return point;
            yield return InterleavingPoint.Unlock(PgdPoints.PgdUnlock, PgdLock);
            Log.Note(report.Describe(Swapper.Entry(slot), Heap.Lookup(reference.Value)!));
        }
    }

    /// <summary>
    /// A kernel access to <paramref name="address"/> with <paramref name="mm"/>'s page tables loaded (swapper_pg_dir when
    /// null) in <paramref name="context"/>: the CPU walks them from CR3, and a none entry raises #PF, which the 2015
    /// kernel handles in vmalloc_fault() where it can. The path's result is 1 when the access completes, 0 when the
    /// fault could not be handled (in the kernel an oops, which the step reports as its #PF).
    /// </summary>
    public IEnumerable<InterleavingPoint> Touch(KernelPath path, MmStruct? mm, ulong address, FaultContext context)
    {
        var pgd = mm?.Pgd ?? Swapper;
        if (mm is not null)
            Heap.Access(pgd, "page walk");
        var slot = PgdIndex(address);
        var entry = InterleavingPoint.Load(PgdPoints.WalkPgd, pgd.Entry(slot));
        yield return entry;
        if (entry.Value == 0)
        {
            foreach (var point in PageFault(path, pgd, slot, address, context))
                yield return point;
            yield break;
        }
        var pud = (PageTable)Heap.Lookup(entry.Value)!;
        var missing = MissingBelow(pud, address);
        Log.Note(missing is null
            ? $"{pgd.Entry(slot)} -> {pud}: {Units.Hex((long)address)} is mapped"
            : $"#PF: {missing} has no entry for {Units.Hex((long)address)}");
        path.Result = missing is null ? 1 : 0;
    }

    /// <summary>How many #PFs vmalloc_fault() fixed (returned 0), since boot.</summary>
    public long VmallocFaults => _vmallocFaults.Value;

    private readonly Tracked<long> _vmallocFaults;

    // The #PF of a kernel access whose PGD entry is none. Delivery at CPL 0 switches no stack, so right after SYSCALL the
    // frame goes where the user's RSP points. Then arch/x86/mm/fault.c (v4.2): __do_page_fault() -> vmalloc_fault() for a
    // kernel address (no PF_USER), and when that returns -1, bad_area_nosemaphore() -> no_context(): an oops.
    private IEnumerable<InterleavingPoint> PageFault(KernelPath path, PgdTable pgd, int slot, ulong address, FaultContext context)
    {
        var where = Units.Hex((long)address);
        if (context.HasFlag(FaultContext.SyscallEntry))
        {
            if (context.HasFlag(FaultContext.Smap))
            {
                // arch/x86/kernel/traps.c: do_double_fault(): "PANIC: double fault", die(), panic("Machine halted.").
                Heap.Report(FindingKind.Oops, PgdTable.KindName,
                    $"PANIC: double fault: #PF on {where} right after SYSCALL, before the stack switch: pushing its frame at the user's RSP is a supervisor write to a user page, which SMAP faults, while delivering the first");
                path.Result = 0;
                yield break;
            }
            Log.Note($"#PF on {where} right after SYSCALL, before the stack switch: the CPU pushes the exception frame at the user's RSP, on the user's stack, where another thread of the process can rewrite it (without SMAP nothing stops the push)");
        }
        // vmalloc_fault(): "Make sure we are in vmalloc area"
        if (!InVmallocSpace(address))
        {
            Log.Note(PgdFault(pgd, slot, address));
            path.Result = 0;
            yield break;
        }
        if (context.HasFlag(FaultContext.Nmi))
            Heap.Report(FindingKind.Warn, PgdTable.KindName, $"WARNING: WARN_ON_ONCE(in_nmi()) in vmalloc_fault(): #PF on {where} inside an NMI");
        // pgd = pgd_offset(current->active_mm, address); pgd_ref = pgd_offset_k(address); if (pgd_none(*pgd_ref)) return -1;
        var reference = InterleavingPoint.Load(PgdPoints.VmallocFault, Swapper.Entry(slot), PgdPoints.Slot(slot));
        yield return reference;
        if (reference.Value == 0)
        {
            Log.Note(PgdFault(pgd, slot, address));
            path.Result = 0;
            yield break;
        }
        // if (pgd_none(*pgd)) set_pgd(pgd, *pgd_ref); else BUG_ON(...): a sync_global_pgds() may have set it meanwhile
        // ("This can also happen within a race in page table update"), and with the entry it sets, which is
        // swapper_pg_dir's (each slot is populated once), the BUG_ON cannot fire.
        var current = InterleavingPoint.Load(PgdPoints.CheckPgd, pgd.Entry(slot));
        yield return current;
        if (current.Value == 0)
            yield return InterleavingPoint.Store(PgdPoints.SetPgd, pgd.Entry(slot), reference.Value);
        // The levels below are shared with init_mm: "Below here mismatches are bugs"; a none entry in init_mm's returns -1.
        var missing = MissingBelow((PageTable)Heap.Lookup(reference.Value)!, address);
        if (missing is not null)
        {
            Log.Note($"#PF: {missing} has no entry for {where}: vmalloc_fault() returns -1, no_context(): an oops");
            path.Result = 0;
            yield break;
        }
        _vmallocFaults.Value++;
        // The #PF returns with IRET (entry_64.S: restore_regs_and_return_to_kernel), serializing: set_pgd()'s store is
        // in memory before the access retries.
        yield return InterleavingPoint.Drain(KernelPoints.Iret, "iret");
        Log.Note(current.Value == 0
            ? $"#PF: {pgd.Entry(slot)} is none for {where}: vmalloc_fault() copies {Swapper.Entry(slot)} -> {Heap.Lookup(reference.Value)} into it (set_pgd()), and the access is retried: mapped"
            : $"#PF: {pgd.Entry(slot)} was none for {where}, and is set by now: vmalloc_fault() finds it and the access is retried: mapped");
        path.Result = 1;
    }

    /// <summary>The object checker: a PGD page outliving its mm can never be freed.</summary>
    public void CheckMmLeaks(IReadOnlyList<TaskStruct> live)
    {
        foreach (var pgd in Heap.Live<PgdTable>().Where(p => p.Mm!.Freed))
            Heap.Report(FindingKind.Leak, pgd, $"memory leak: {pgd} (allocated by {pgd.AllocationSite}) belongs to {pgd.Mm}, already freed");
    }

    /// <summary>pgd_dtor(): what pgd_free() undoes besides freeing the page.</summary>
    protected virtual IEnumerable<InterleavingPoint> PgdDtor(PgdTable pgd) => [];

    /// <summary>What a version records about a PGD made before the scenario, besides its entries.</summary>
    protected virtual void Prepopulated(PgdTable pgd)
    {
    }

    /// <summary>The walk of sync_global_pgds() over every mm, under pgd_lock, for one present entry of swapper_pg_dir.</summary>
    protected abstract IEnumerable<InterleavingPoint> WalkMms(int slot, long reference, SyncReport report);

    // kernel/fork.c: mm_alloc_pgd(): mm->pgd = pgd_alloc(mm), whose _pgd_alloc() gives a zeroed page.
    protected PgdTable NewPgd(MmStruct mm, string owner)
    {
        var pgd = PgdTable.Allocate(Heap, mm, owner);
        mm.Pgd = pgd;
        return pgd;
    }

    /// <summary>
    /// Copies swapper_pg_dir's kernel entries into a PGD whose kernel part is zero: pgd_ctor()'s clone_pgd_range() and
    /// arch_pgd_init_late()'s loop alike, since a memcpy of a none entry onto a zeroed page changes nothing. Returns
    /// through <paramref name="copied"/> the slots it stored.
    /// </summary>
    protected IEnumerable<InterleavingPoint> CopyKernelEntries(PgdTable pgd, List<int> copied)
    {
        Heap.Access(pgd, "clone_pgd_range");
        for (var slot = KernelPgdBoundary; slot < PtrsPerTable; slot++)
        {
            long value;
            if (CanGrow(slot))
            {
                var source = InterleavingPoint.Load(PgdPoints.CopyPgd, Swapper.Entry(slot), PgdPoints.Slot(slot));
                yield return source;
                value = source.Value;
            }
            else
            {
                // No modelled path writes this slot after boot: reading it is no interleaving point.
                value = _bootValues[slot];
            }
            if (value == 0)
                continue;
            yield return InterleavingPoint.Store(PgdPoints.SetPgd, pgd.Entry(slot), value, PgdPoints.Slot(slot));
            copied.Add(slot);
        }
    }

    // arch/x86/mm/init_64.c: sync_global_pgds(), for one mm: under its page_table_lock, BUG_ON() a present entry that
    // points elsewhere than swapper_pg_dir's, and set the entry if it is none. The entry is <paramref name="target"/>:
    // pgd_index(address)'s (<paramref name="slot"/>), or 0 where the lockless series as posted writes pgd = mm->pgd.
    // With the slot's own entry the BUG_ON cannot fire here (__pud_alloc() populates each slot once); with entry 0 it
    // fires for every mm that maps anything in its first 512 GiB.
    protected IEnumerable<InterleavingPoint> SyncMm(string who, MmStruct mm, int slot, int target, long reference, SyncReport report)
    {
        // pgd = mm->pgd; pgt_lock = &mm->page_table_lock: a freed mm (v1's unlocked walk) is a use after free.
        Heap.Access(mm, "sync_global_pgds");
        var pgd = mm.Pgd!;
        yield return InterleavingPoint.Lock(PgdPoints.PageTableLock, mm.PageTableLock, who);
        // spin_lock(pgt_lock) writes the mm itself: freed while the walker waited at the lock, that is one too.
        Heap.Access(mm, "sync_global_pgds");
        Heap.Access(pgd, "sync_global_pgds");
        var entry = InterleavingPoint.Load(PgdPoints.CheckPgd, pgd.Entry(target), who);
        yield return entry;
        // The model keeps the user half's PUD pages in mm->user_pgd, beside these words: one there is a present entry.
        KernelObject? present = entry.Value != 0 ? Heap.Lookup(entry.Value) : target < KernelPgdBoundary ? mm.UserPgd[target] : null;
        if (present is null)
        {
            if (target < KernelPgdBoundary)
                pgd.KernelPudInUserHalf = target;
            yield return InterleavingPoint.Store(PgdPoints.SetPgd, pgd.Entry(target), reference, who);
            report.Set(who, mm, target == slot ? null : pgd.Entry(target));
        }
        else if (entry.Value == reference)
        {
            report.Present(who, mm);
        }
        else
        {
            // BUG() oopses the caller with pgd_lock and this page_table_lock held; the model ends the walk there and
            // releases both, so that the scenario can go on (what follows is not the kernel's).
            Heap.Report(FindingKind.Oops, PgdTable.KindName,
                $"kernel BUG at arch/x86/mm/init_64.c: sync_global_pgds(): BUG_ON(pgd_page_vaddr(*pgd) != pgd_page_vaddr(*pgd_ref)): {pgd.Entry(target)} -> {present} ({who}'s), {Swapper.Entry(slot)} -> {Heap.Lookup(reference)}");
            report.Oops(who, pgd.Entry(target));
        }
        yield return InterleavingPoint.Unlock(PgdPoints.PageTableUnlock, mm.PageTableLock, who);
    }

    protected static string Slots(IEnumerable<int> slots) => string.Join(", ", slots.Select(PgdPoints.Slot));

    private static bool InVmallocSpace(ulong address) => address is >= VmallocStart and <= VmallocEnd;

    /// <summary>
    /// Whether a swapper_pg_dir slot can change while a scenario runs: only vmalloc populates kernel PGD entries in the
    /// model, and only in the vmalloc range (memory hotplug and vmemmap growth are not modelled), so the other slots hold
    /// their boot values. The copy loops read those without an interleaving point, which keeps exploration small.
    /// </summary>
    internal static bool CanGrow(int slot) => slot >= PgdIndex(VmallocStart) && slot <= PgdIndex(VmallocEnd);

    private static string PgdFault(PgdTable pgd, int slot, ulong address)
    {
        var fault = $"#PF: {pgd.Entry(slot)} is none for {Units.Hex((long)address)}";
        if (pgd.Mm is null)
            return fault + ": nothing maps it, an oops";
        return InVmallocSpace(address)
            ? fault + $" ({pgd.Owner}'s page tables), and in swapper_pg_dir: vmalloc_fault() returns -1, no_context(): an oops"
            : fault + $" ({pgd.Owner}'s page tables): not a vmalloc address, no_context(): an oops";
    }

    // The rest of the walk is init_mm's, shared by every mm: the first level without an entry, or null when mapped.
    private KernelObject? MissingBelow(PageTable pud, ulong address)
    {
        if (pud.Boot)
            return null;
        var table = pud;
        foreach (var shift in (int[])[PudShift, PmdShift, PageShift])
        {
            var entry = table.Entries[Index(address, shift)];
            if (entry == 0)
                return table;
            if (shift != PageShift)
                table = (PageTable)Heap.Lookup(entry)!;
        }
        return null;
    }

    // The kernel PGD entries the boot code created, each pointing to its PUD page.
    private void Boot()
    {
        foreach (var (address, site) in BootEntries)
            Memory.Initialize(Swapper.Entry(PgdIndex(address)), PageTable.Allocate(Heap, PageTable.PudKind, site, boot: true).Id);
    }

    /// <summary>What one sync_global_pgds() pass did to each mm, for the trace.</summary>
    protected sealed class SyncReport
    {
        private readonly List<string> _set = [];
        private readonly List<string> _present = [];
        private readonly List<string> _skipped = [];
        private string? _oops;

        /// <summary>Whether the BUG_ON() fired: the walk stops there.</summary>
        public bool Oopsed => _oops is not null;

        /// <summary>The entry was none and got swapper_pg_dir's; <paramref name="other"/> names it when it is not the address's own.</summary>
        public void Set(string who, MmStruct mm, MemoryLocation? other) =>
            _set.Add(other is null ? $"{who} ({mm})" : $"{who} ({other}, the user half)");

        public void Present(string who, MmStruct mm) => _present.Add($"{who} ({mm})");

        public void Skipped(string who, string why) => _skipped.Add($"{who} ({why})");

        public void Oops(string who, MemoryLocation entry) => _oops = $"{who} ({entry} is present and points elsewhere: BUG)";

        public string Describe(MemoryLocation entry, KernelObject pud)
        {
            var parts = new List<string> { _set.Count == 0 ? "set in no mm" : "set in " + string.Join(", ", _set) };
            if (_present.Count > 0)
                parts.Add("already in " + string.Join(", ", _present));
            if (_oops is not null)
                parts.Add("stopped at " + _oops);
            if (_skipped.Count > 0)
                parts.Add("not reached: " + string.Join(", ", _skipped));
            return $"sync_global_pgds: {entry} -> {pud} " + string.Join("; ", parts);
        }
    }
}
