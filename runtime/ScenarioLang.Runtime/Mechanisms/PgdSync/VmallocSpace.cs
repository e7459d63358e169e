using ScenarioLang.Runtime.Kernel.Mm;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracing;
using ScenarioLang.Runtime.Tracking;
using static ScenarioLang.Runtime.Kernel.Mm.PagingLayout;

namespace ScenarioLang.Runtime.Mechanisms.PgdSync;

/// <summary>
/// The vmalloc space (VMALLOC_START..VMALLOC_END) and what a vmalloc() step does with it on v4.2: take an area, map
/// pages into init_mm's page tables, creating the kernel PGD entry when the area is the first in its 512 GiB slot,
/// then push new PGD entries to every mm with vmalloc_sync_all(). x86-64's vmalloc() itself leaves that to
/// vmalloc_fault(); the step is a caller that must not fault on the area (an NMI handler, a hypercall's buffer), as
/// alloc_vm_area() did until 3.2 (cd12909cb576) and register_die_notifier() still does.
/// </summary>
public sealed class VmallocSpace(LinuxKernel kernel, PgdModel pgd)
{
    private static readonly MemoryLocation VmapAreaLock = new("vmap_area_lock");
    private static readonly MemoryLocation InitMmPageTableLock = new("init_mm.page_table_lock");

    // alloc_vmap_area() searches first fit from VMALLOC_START; nothing is ever freed here, so that is the end of the
    // last area. Both it and the page allocator's next frame are every CPU's.
    private readonly Tracked<ulong> _free = new(kernel.Heap.Tracker, new("vmap_area_root.free"), VmallocStart);
    private readonly Tracked<long> _nextPfn = new(kernel.Heap.Tracker, new("page_allocator.next_pfn"), 1);

    /// <summary>totalram_pages: the model's machine has 4 GiB of RAM.</summary>
    public const long TotalramPages = 1L << 20;

    private KernelHeap Heap => kernel.Heap;

    // mm/vmalloc.c: vmalloc() -> __vmalloc_node_range(): __get_vm_area_node(), __vmalloc_area_node() -> map_vm_area();
    // then the caller's vmalloc_sync_all() (arch/x86/mm/fault.c): sync_global_pgds(VMALLOC_START & PGDIR_MASK, VMALLOC_END).
    // The path's result is the area's start address, or 0 (NULL) when the allocation fails as the kernel's does: for
    // more pages than the machine has, or no room left in the vmalloc space. Both checks come before any page is
    // walked, so a size of terabytes fails at once. (The page allocator never runs out here: pages are not counted.)
    public IEnumerable<InterleavingPoint> Vmalloc(KernelPath path, long size)
    {
        // size = PAGE_ALIGN(size); if (!size || (size >> PAGE_SHIFT) > totalram_pages) goto fail;
        var aligned = ((ulong)size + (ulong)PageSize - 1) & ~((ulong)PageSize - 1);
        if (aligned == 0 || aligned >> PageShift > TotalramPages)
        {
            VmallocFailed(path, size);
            yield break;
        }
        // __get_vm_area_node(): plus a guard page unless VM_NO_GUARD; alloc_vmap_area() under vmap_area_lock.
        var pages = (long)(aligned >> PageShift);
        var withGuard = aligned + (ulong)PageSize;
        yield return InterleavingPoint.Lock(PgdPoints.AllocVmapArea, VmapAreaLock);
        var start = _free.Value;
        var fits = Fits(start, withGuard);
        if (fits)
            _free.Value = start + withGuard;
        yield return InterleavingPoint.Unlock(PgdPoints.VmapAreaUnlock, VmapAreaLock);
        if (!fits)
        {
            kernel.Log.Note($"vmap allocation for size {withGuard} failed: use vmalloc=<size> to increase size");
            VmallocFailed(path, size);
            yield break;
        }
        var end = start + aligned;
        kernel.Log.Note($"vmalloc area {Units.Hex((long)start)}-{Units.Hex((long)(end - 1))} ({Units.Bytes(pages * PageSize)}, then a guard page)");

        // vmap_page_range(): one vmap_pud_range() per PGD slot the area spans (pgd_addr_end()).
        for (var address = start; address < end;)
        {
            var next = Math.Min(end, (address & PgdirMask) + (1UL << PgdirShift));
            foreach (var point in VmapPudRange(address, next))
                yield return point;
            address = next;
        }

        foreach (var point in pgd.SyncGlobalPgds(VmallocStart & PgdirMask, VmallocEnd))
            yield return point;
        path.Result = (long)start;
    }

    /// <summary>
    /// alloc_vmap_area(): whether <paramref name="size"/> bytes from <paramref name="free"/> end by VMALLOC_END
    /// (inclusive); a difference, so that no size wraps around the address space.
    /// </summary>
    internal static bool Fits(ulong free, ulong size) => VmallocEnd - free + 1 >= size;

    // mm/vmalloc.c: __vmalloc_node_range()'s fail: warn_alloc_failed() with the size asked for, and NULL.
    private void VmallocFailed(KernelPath path, long size)
    {
        kernel.Log.Note($"vmalloc: allocation failure: {size} bytes");
        path.Result = 0;
    }

    // mm/vmalloc.c: vmap_pud_range() for addresses under one PGD entry: pud_alloc(&init_mm, pgd, address) (mm/memory.c:
    // pgd_none(*pgd), else __pud_alloc(): pud_alloc_one(), smp_wmb() (a compiler barrier), then under
    // init_mm.page_table_lock pgd_populate() unless another CPU populated it meanwhile), then the levels below.
    private IEnumerable<InterleavingPoint> VmapPudRange(ulong start, ulong end)
    {
        var slot = PgdIndex(start);
        var entry = pgd.Swapper.Entry(slot);
        var none = InterleavingPoint.Load(PgdPoints.PudAlloc, entry, PgdPoints.Slot(slot));
        yield return none;
        var pudId = none.Value;
        if (pudId == 0)
        {
            var fresh = PageTable.Allocate(Heap, PageTable.PudKind, "__pud_alloc");
            yield return InterleavingPoint.Lock(PgdPoints.PopulateLock, InitMmPageTableLock, PgdPoints.Slot(slot));
            var present = InterleavingPoint.Load(PgdPoints.PgdPresent, entry, PgdPoints.Slot(slot));
            yield return present;
            if (present.Value != 0)
            {
                // Another has populated it.
                Heap.Kfree(fresh, "pud_free");
                pudId = present.Value;
                kernel.Log.Note($"{entry} was populated meanwhile: {fresh} freed");
            }
            else
            {
                yield return InterleavingPoint.Store(PgdPoints.PopulatePgd, entry, fresh.Id, PgdPoints.Slot(slot));
                pudId = fresh.Id;
                kernel.Log.Note($"new kernel PGD entry: {entry} -> {fresh}");
            }
            yield return InterleavingPoint.Unlock(PgdPoints.PopulateUnlock, InitMmPageTableLock, PgdPoints.Slot(slot));
        }
        // The levels below are filled without init_mm.page_table_lock's help (each pmd/pte_alloc takes it briefly): one
        // event whose footprint has the pages' entries, so a CPU walking them through the new PGD entry is ordered.
        MapPages((PageTable)Heap.Lookup(pudId)!, start, end);
    }

    // mm/vmalloc.c: vmap_pud_range() -> vmap_pmd_range() -> vmap_pte_range(): pmd_alloc(), pte_alloc_kernel(), then
    // set_pte_at() for each page __vmalloc_area_node() allocated. These levels are init_mm's alone (see PageTable).
    // A PTE page at a time, as vmap_pte_range() runs (pmd_addr_end()): its entries are one tracked location, written
    // once per PTE page here and not once per page, in the same order of first touches and with the same values.
    private void MapPages(PageTable pud, ulong start, ulong end)
    {
        long? nextPfn = null;
        for (var address = start; address < end;)
        {
            var pmd = Below(pud, Index(address, PudShift), PageTable.PmdKind, "__pmd_alloc");
            var pte = Below(pmd, Index(address, PmdShift), PageTable.PteKind, "__pte_alloc_kernel");
            // The next frame is taken before the entry is written: the footprint keeps that order of first touches.
            var pfn = nextPfn ?? _nextPfn.Value;
            var entries = pte.Entries.Write();
            var pmdEnd = Math.Min(end, (address & ~((1UL << PmdShift) - 1)) + (1UL << PmdShift));
            for (; address < pmdEnd; address += PageSize)
                entries[Index(address, PageShift)] = pfn++;
            nextPfn = pfn;
        }
        if (nextPfn is { } next)
            _nextPfn.Value = next;
    }

    // The table an entry points to, allocated and populated first when the entry is none.
    private PageTable Below(PageTable table, int index, string kind, string site)
    {
        if (table.Entries[index] == 0)
            table.Entries[index] = PageTable.Allocate(Heap, kind, site).Id;
        return (PageTable)Heap.Lookup(table.Entries[index])!;
    }
}
