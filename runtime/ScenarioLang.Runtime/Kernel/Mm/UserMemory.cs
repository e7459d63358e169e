using ScenarioLang.Runtime.Catalog;
using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracing;
using static ScenarioLang.Runtime.Kernel.Mm.UserLayout;

namespace ScenarioLang.Runtime.Kernel.Mm;

/// <summary>The arguments of mmap(2); <see cref="File"/> is null for -1.</summary>
public sealed record MmapRequest(ulong Address, ulong Length, int Prot, int Flags, KernelFile? File, long Offset);

/// <summary>
/// The user half of address spaces (mm/mmap.c, mm/memory.c, arch/x86/mm/fault.c): vmas, their page tables, faults,
/// and teardown, with page-table sharing (<see cref="IPageTableSharing"/>) hooked in where the RFC hooks it. A range access is
/// taken 2 MiB at a time: one PTE page's worth of pages is checked and faulted in as one update, so a scenario that
/// touches 1 GiB costs 512 steps of the model, not 262,144.
/// </summary>
public sealed class UserMemory
{
    private readonly LinuxKernel _kernel;
    // Only the mechanism sharing page tables marks a vma VM_SHARED_PT, so every call for such a vma has one.
    private readonly IPageTableSharing? _sharing;

    internal UserMemory(LinuxKernel kernel, IPageTableSharing? sharing)
    {
        _kernel = kernel;
        _sharing = sharing;
    }

    private KernelHeap Heap => _kernel.Heap;

    private KernelLog Log => _kernel.Log;

    // arch/x86/kernel/sys_x86_64.c: sys_mmap() -> mm/mmap.c: ksys_mmap_pgoff() -> mm/util.c: vm_mmap_pgoff(), which
    // runs do_mmap() -> mmap_region() under mmap_write_lock_killable(mm)
    public IEnumerable<InterleavingPoint> DoMmap(KernelPath path, TaskStruct current, MmapRequest request)
    {
        var mm = current.Mm ?? throw new ScenarioRuntimeException($"{current} has no mm to map into");
        if (CheckBeforeLock(request) is { } refused)
        {
            path.Result = -(long)refused;
            Log.Note($"mmap: -{refused}");
            yield break;
        }
        foreach (var point in UnderMmapLock(DoMmapLocked(path, mm, current, request)))
            yield return point;
    }

    // include/linux/mmap_lock.h: mmap_write_lock() and mmap_write_unlock() are down_write() and up_write(), each a
    // locked instruction on the rwsem's count, so the CPU's store buffer drains before and after the locked section.
    private static IEnumerable<InterleavingPoint> UnderMmapLock(IEnumerable<InterleavingPoint> body)
    {
        yield return MmapWriteLock;
        foreach (var point in body)
            yield return point;
        yield return InterleavingPoint.Drain(KernelPoints.MmapWriteUnlock, "up_write() (lock xadd)");
    }

    /// <summary>mmap_write_lock(mm): down_write(), whose locked instruction waits for the store buffer (mmap, munmap, fork's dup_mmap()).</summary>
    internal static InterleavingPoint MmapWriteLock => InterleavingPoint.Drain(KernelPoints.MmapWriteLock, "down_write() (lock cmpxchg)");

    // mm/mmap.c: do_mmap() -> mmap_region(), under the lock
    private IEnumerable<InterleavingPoint> DoMmapLocked(KernelPath path, MmStruct mm, TaskStruct current, MmapRequest request)
    {
        if (Check(request, mm) is { } error)
        {
            path.Result = -(long)error;
            Log.Note($"mmap: -{error}");
            yield break;
        }
        var file = (request.Flags & Mman.MapAnonymous) != 0 ? null : request.File;
        var length = PageAlign(request.Length);
        if (file is { Hugetlbfs: true } && !PmdAligned(length))
            length = (length + PmdSize - 1) & ~(PmdSize - 1);
        var ptshare = false;
        if ((request.Flags & Mman.MapSharedPt) != 0 && _sharing is { Enabled: true })
        {
            if (_sharing.CheckSharedPtFlags(request.Flags) is { } refused)
            {
                path.Result = -(long)refused;
                Log.Note($"mmap: MAP_SHARED_PT refused: -{refused}");
                yield break;
            }
            ptshare = true;
        }
        // get_unmapped_area(): a file system's own placement (msharefs) before the ordinary search.
        var own = file is null ? null : _sharing?.GetUnmappedArea(mm, file, request.Address, length, request.Flags);
        // __get_unmapped_area() checks what file->f_op->get_unmapped_area() gave as it checks its own search's result.
        if (own is >= 0 && (ulong)own > TaskSize - length)
            own = -(long)Errno.ENOMEM;
        var address = own ?? GetUnmappedArea(mm, request.Address, length, request.Flags);
        if (address < 0 || (request.Flags & Mman.MapType) is Mman.MapSharedValidate && (request.Flags & ~LegacyMapMask) != 0)
        {
            var errno = address < 0 ? (Errno)(-address) : Errno.EOPNOTSUPP;
            path.Result = -(long)errno;
            Log.Note($"mmap: -{errno}");
            yield break;
        }
        var start = (ulong)address;
        // Up to here and on to the sharing block, do_mmap() runs under mmap_write_lock(current->mm) (vm_mmap_pgoff()):
        // no other path changes this mm's vmas meanwhile, so it is one event of the model.
        // mmap_region(): "Unmap any existing mapping in the area" (MAP_FIXED) with do_vmi_munmap(), the sharing
        // mechanism's checks included; its refusal is the mechanism's base kernel's to turn into mmap()'s result.
        foreach (var point in VmiMunmap(path, mm, start, start + length, VmaLookup.AllIntersecting(mm.Vmas, start, start + length), length))
            yield return point;
        if (path.Result < 0)
        {
            path.Result = _sharing!.MmapRegionFailed(path.Result, ptshare && file is { Hugetlbfs: false } ? file : null);
            Log.Note($"mmap_region(): unmapping what was there was refused: -{(Errno)(-path.Result)}");
            yield break;
        }
        var vma = new VmArea(mm, start, start + length, request.Prot, (request.Flags & Mman.MapType) != Mman.MapPrivate, file, request.Offset);
        if (own is not null)
            _sharing!.FileMmap(vma);
        Insert(mm, vma);
        path.Result = address;
        Log.Note($"{current} maps {vma}");
        if (!ptshare || file is null || file.Hugetlbfs)
            yield break;
        foreach (var point in _sharing!.Share(path, vma, request.Prot))
            yield return point;
    }

    // mm/mmap.c: __do_sys_munmap() -> __vm_munmap(), which runs do_vmi_munmap() under mmap_write_lock_killable(mm)
    public IEnumerable<InterleavingPoint> DoMunmap(KernelPath path, TaskStruct current, ulong start, ulong length) =>
        UnderMmapLock(DoVmiMunmap(path, current, start, length));

    // mm/mmap.c: do_vmi_munmap()
    private IEnumerable<InterleavingPoint> DoVmiMunmap(KernelPath path, TaskStruct current, ulong start, ulong length)
    {
        var mm = current.Mm ?? throw new ScenarioRuntimeException($"{current} has no mm");
        if (!PageAligned(start) || start > TaskSize || length > TaskSize - start || PageAlign(length) == 0)
        {
            path.Result = -(long)Errno.EINVAL;
            Log.Note("munmap: -EINVAL");
            yield break;
        }
        var end = start + PageAlign(length);
        var vmas = VmaLookup.AllIntersecting(mm.Vmas, start, end);
        foreach (var point in VmiMunmap(path, mm, start, end, vmas, length))
            yield return point;
        if (path.Result < 0)
            yield break;
        Log.Note($"{current} unmaps {Units.Hex((long)start)}-{Units.Hex((long)end)} ({Units.Count(vmas.Count, "vma")})");
        path.Result = 0;
    }

    // mm/mmap.c: do_vmi_munmap() from "end = start + PAGE_ALIGN(len)" on: the RFC's "Check if this vma uses shared page
    // tables" block, which compares the length as the caller passed it (munmap(2)'s, not page-aligned; mmap_region()'s,
    // already aligned), then the unmap of [start, end), which <paramref name="vmas"/> intersect. path.Result becomes
    // negative when the block refuses it.
    private IEnumerable<InterleavingPoint> VmiMunmap(KernelPath path, MmStruct mm, ulong start, ulong end, IReadOnlyList<VmArea> vmas, ulong length)
    {
        if (vmas.Any(v => v.SharedPt))
        {
            foreach (var point in _sharing!.Unshare(path, vmas, start, length))
                yield return point;
            if (path.Result < 0)
                yield break;
        }
        Unmap(mm, start, end);
    }

    /// <summary>
    /// A user access to every page of [start, start + length): the CPU walks the task's page tables, and a page it cannot
    /// use faults (arch/x86/mm/fault.c: do_user_addr_fault(): no vma or access_error() is SIGSEGV, else handle_mm_fault()).
    /// The path's result is 1, or 0 when SIGSEGV was delivered.
    /// </summary>
    public IEnumerable<InterleavingPoint> Access(KernelPath path, TaskStruct current, ulong start, ulong length, bool write)
    {
        var mm = current.Mm ?? throw new ScenarioRuntimeException($"{current} has no mm");
        // A user access cannot reach kernel space (arch/x86/mm/fault.c: fault_in_kernel_space() from user mode goes to
        // bad_area_nosemaphore(): SIGSEGV). A range past TASK_SIZE_MAX is cut at its first page there, which no vma
        // covers, so a length near 2^64 cannot wrap around to a small end.
        if (start >= TaskSize)
        {
            Log.Note($"{Describe(write)} of {Units.Hex((long)start)}: a kernel address: SIGSEGV delivered to {current}");
            path.Result = 0;
            yield return FaultIret;
            yield break;
        }
        var page = start & ~((ulong)PagingLayout.PageSize - 1);
        var end = Math.Max(length, 1) > TaskSize - start ? TaskSize + (ulong)PagingLayout.PageSize : PageAlign(start + Math.Max(length, 1));
        var faulted = 0L;
        while (page < end)
        {
            var chunkEnd = Math.Min(end, (page & ~(PmdSize - 1)) + PmdSize);
            // The CPU's walk of a stretch is one event, and the fault's handling under the lock another (up to the
            // mechanism's own points); the host's tables a shared vma reaches are in the footprints, so a racing mapper
            // is ordered. Other CPUs may run between the walk and the handler, and between the handler's IRET and the
            // walk that retries the access.
            var first = FirstFault(mm, page, chunkEnd, write);
            if (first is not { } faultAddress)
            {
                page = chunkEnd;
                continue;
            }
            // The #PF handler locks before it looks up the vma, whatever it then finds; the walk above was the CPU's.
            yield return FaultLock;
            var vma = VmaLookup.Containing(mm.Vmas, faultAddress);
            // access_error() on the task's vma, except for a VM_MSHARE one: mshare's fault path ("[PATCH v3 14/22]")
            // replaces it with the host's vma first, and only that one's protections count (find_shared_vma()).
            if (vma is null || (!vma.Mshare && !vma.Permits(write)))
            {
                Log.Note($"{Describe(write)} of {Units.Hex((long)faultAddress)}: {(vma is null ? "no vma" : $"{vma} does not allow it")}: SIGSEGV delivered to {current}");
                path.Result = 0;
                yield return FaultUnlock;
                yield break;
            }
            var faultEnd = Math.Min(chunkEnd, vma.End);
            var fault = new FaultResult();
            foreach (var point in HandleMmFault(mm, vma, faultAddress, faultEnd, write, fault))
                yield return point;
            // A fault that maps pages or links a table makes progress, which only another CPU's unmap can take back
            // before the retry (a retry the hardware makes too). One that changes nothing found the page usable since
            // the walk (a spurious fault): if a walk right after it, before any other CPU runs, still faults there,
            // the access would retry for ever, an error of the model.
            if (!fault.Segv && fault.Pages == 0 && !fault.NoPage && FirstFault(mm, faultAddress, faultEnd, write) == faultAddress)
                throw new InvalidOperationException($"the fault at {Units.Hex((long)faultAddress)} makes no progress");
            yield return FaultUnlock;
            if (fault.Segv)
            {
                Log.Note($"{Describe(write)} of {Units.Hex((long)faultAddress)}: find_shared_vma() refused it: SIGSEGV delivered to {current}");
                path.Result = 0;
                yield break;
            }
            faulted += fault.Pages;
            // mm/memory.c: mm_account_fault(): one count per fault handled, on current; a fault is major only when it did
            // I/O or was retried, and the model keeps every page in memory and retries none. The model handles the
            // stretch's missing pages at once where the kernel faults on each page (no fault-around): one per page
            // mapped. The fault that only links the host's PTE page is not counted: handle_mm_fault() returns
            // find_shared_vma()'s VM_FAULT_NOPAGE before it reaches mm_account_fault() (RFC v2 4/4).
            if (!fault.NoPage)
                current.MinFlt += Math.Max(1, fault.Pages);
        }
        Log.Note($"{Describe(write)} of {Units.Count((long)((end - (start & ~((ulong)PagingLayout.PageSize - 1))) / (ulong)PagingLayout.PageSize), "page")}: {Units.Count(faulted, "page")} faulted in");
        path.Result = 1;
    }

    // Intel SDM vol. 3 §9.2.2: loads and stores are not reordered with locked or serializing instructions, and a #PF's
    // handling runs both (arch/x86/mm/fault.c: do_user_addr_fault()): it takes the vma's lock (lock_vma_under_rcu() ->
    // vma_start_read()) or mmap_lock (lock_mm_and_find_vma() -> mmap_read_trylock()) with a locked instruction before it
    // looks at the vma, releases it with another (vma_end_read(), mmap_read_unlock(): up_read()) on every way out, a
    // SIGSEGV's included, then returns to user mode with IRET. Nothing is stored between the release and the IRET, so
    // one point waits for both. A user access to a kernel address takes no lock (do_kern_addr_fault() ->
    // bad_area_nosemaphore()) and waits only at its IRET.
    private static InterleavingPoint FaultLock => InterleavingPoint.Drain(KernelPoints.MmapReadLock, "mmap_read_trylock() (lock cmpxchg)");

    private static InterleavingPoint FaultUnlock => InterleavingPoint.Drain(KernelPoints.MmapReadUnlock, "mmap_read_unlock() (lock xadd), then iret");

    private static InterleavingPoint FaultIret => InterleavingPoint.Drain(KernelPoints.Iret, "iret");

    // kernel/fork.c: dup_mmap(): the child gets a copy of every vma (vm_area_dup() keeps VM_SHARED_PT; the RFC takes no
    // reference for it); mm/memory.c: copy_page_range() copies page tables only where vma_needs_copy() (v6.3): a vma
    // with an anon_vma, whose private pages no fault could bring back. Shared mappings, and private ones only read
    // so far, are left to fault in again. (Its VM_HUGETLB case is not modelled: hugetlbfs pages are mapped as 4 KiB ones.)
    public void DupMmap(MmStruct parent, MmStruct child)
    {
        foreach (var vma in parent.Vmas)
        {
            child.Vmas.Add(vma.Copy(child));
            if (!vma.AnonVma)
                continue;
            for (var address = vma.Start; address < vma.End; address = (address & ~(PmdSize - 1)) + PmdSize)
            {
                var end = Math.Min(vma.End, (address & ~(PmdSize - 1)) + PmdSize);
                if (WalkPte(parent, address, "copy_page_range") is { PresentCount: > 0 } pte)
                    PteFor(child, address).CopyWriteProtected(pte, Index(address, PageTableLevel.Pte), (int)((end - address) / (ulong)PagingLayout.PageSize));
            }
        }
    }

    // mm/mmap.c: exit_mmap(): unmap_vmas() and free_pgtables() for every vma. ptshare_del_mm() is only called from
    // munmap, so a sharer that exits keeps its reference.
    public void ExitMmap(MmStruct mm)
    {
        var ranges = mm.Vmas.Select(v => new FreedRange(v.Start, v.End, v.SharedPt)).ToList();
        foreach (var vma in mm.Vmas.ToList())
            Zap(mm, vma, vma.Start, vma.End);
        mm.Vmas.Clear();
        FreePgtables(mm, ranges);
    }

    /// <summary>The PMD page for the address in the mm, made on the way down as get_pmd() of mm/ptshare.c does (pud_alloc(), pmd_alloc()).</summary>
    internal UserPageTable GetPmd(MmStruct mm, ulong address)
    {
        Heap.Access(mm, "get_pmd");
        var slot = Index(address, null);
        // pud_alloc() finds the entry present and uses the kernel's PUD page for this mapping, which a scenario cannot
        // follow here: stopping is better than a verdict about page tables the kernel would not have.
        if (mm.UserPgd[slot] is null && mm.Pgd?.KernelPudInUserHalf == slot)
            throw new ScenarioRuntimeException(
                $"{mm.Pgd}'s entry {slot} holds a kernel PUD page (sync_global_pgds() of the lockless PGD series as posted set it), so pud_alloc() would put this mapping's page tables into swapper_pg_dir's: not modelled");
        var pud = mm.UserPgd[slot] ??= UserPageTable.Allocate(Heap, PageTableLevel.Pud, mm, "pud_alloc");
        Heap.Access(pud, "get_pmd");
        var index = Index(address, PageTableLevel.Pud);
        var pmd = pud.Next[index] ??= UserPageTable.Allocate(Heap, PageTableLevel.Pmd, mm, "pmd_alloc");
        Heap.Access(pmd, "get_pmd");
        return pmd;
    }

    /// <summary>
    /// The PTE page the mm's PMD entry for the address points to, null when the walk finds none on the way. A kernel or
    /// CPU walk names its <paramref name="site"/>, and reaching a freed table is a use-after-free; an observation passes
    /// null, because reading the state must not change the findings.
    /// </summary>
    internal UserPageTable? WalkPte(MmStruct mm, ulong address, string? site)
    {
        var pud = mm.UserPgd[Index(address, null)];
        var pmd = Checked(pud, site)?.Next[Index(address, PageTableLevel.Pud)];
        var pte = Checked(pmd, site)?.Next[Index(address, PageTableLevel.Pmd)];
        return Checked(pte, site);
    }

    private UserPageTable? Checked(UserPageTable? table, string? site)
    {
        if (table is not null && site is not null)
            Heap.Access(table, site);
        return table;
    }

    /// <summary>handle_pte_fault() of an ordinary mapping: __pte_alloc() when the PMD entry is none, then the pages' PTEs.</summary>
    internal long Fill(MmStruct mm, ulong from, ulong to, bool write)
    {
        var pte = PteFor(mm, from);
        var first = Index(from, PageTableLevel.Pte);
        var count = (int)((to - from) / (ulong)PagingLayout.PageSize);
        var missing = Enumerable.Range(first, count).Count(i => !pte.IsPresent(i) || (write && !pte.IsWritable(i)));
        pte.Fill(first, count, write);
        return missing;
    }

    internal static void Insert(MmStruct mm, VmArea vma)
    {
        mm.Vmas.Insert(VmaLookup.InsertionPoint(mm.Vmas, vma.Start), vma);
    }

    // include/linux/mm.h: DEFAULT_MAX_MAP_COUNT (USHRT_MAX - MAPCOUNT_ELF_CORE_MARGIN), vm.max_map_count's default.
    internal const int MaxMapCount = ushort.MaxValue - 5;

    // LEGACY_MAP_MASK (include/linux/mman.h), as far as the model names flags: what MAP_SHARED_VALIDATE accepts.
    private const int LegacyMapMask = Mman.MapShared | Mman.MapPrivate | Mman.MapFixed | Mman.MapAnonymous;

    // The checks before vm_mmap_pgoff() takes the lock: sys_mmap()'s offset check and ksys_mmap_pgoff()'s fget().
    private static Errno? CheckBeforeLock(MmapRequest request) =>
        (request.Offset & (PagingLayout.PageSize - 1)) != 0 || request.Offset < 0 ? Errno.EINVAL
        : (request.Flags & Mman.MapAnonymous) == 0 && request.File is null ? Errno.EBADF
        : null;

    // The checks under the lock before do_mmap() finds an address: its length checks and its "Too many mappings?"
    // (mm->map_count > sysctl_max_map_count), and the map type.
    private static Errno? Check(MmapRequest request, MmStruct mm)
    {
        if (request.Length == 0)
            return Errno.EINVAL;
        if (PageAlign(request.Length) == 0 || PageAlign(request.Length) > TaskSize)
            return Errno.ENOMEM;
        if (mm.Vmas.Count > MaxMapCount)
            return Errno.ENOMEM;
        if ((request.Flags & Mman.MapType) is not (Mman.MapShared or Mman.MapPrivate or Mman.MapSharedValidate))
            return Errno.EINVAL;
        return null;
    }

    // mm/mmap.c: get_unmapped_area() -> arch_get_unmapped_area_topdown() without randomisation: MAP_FIXED takes the
    // address, a free hint is used as it is, otherwise the highest gap below mmap_base (2 MiB aligned for hugetlbfs).
    private static long GetUnmappedArea(MmStruct mm, ulong hint, ulong length, int flags)
    {
        if ((flags & Mman.MapFixed) != 0)
            return !PageAligned(hint) ? -(long)Errno.EINVAL : hint + length > TaskSize ? -(long)Errno.ENOMEM : (long)hint;
        if (hint != 0)
        {
            hint = PageAlign(hint);
            if (hint >= MmapMinAddr && hint + length <= TaskSize && VmaLookup.Intersecting(mm.Vmas, hint, hint + length) is null)
                return (long)hint;
        }
        // Down from the highest vma below mmap_base, in address order, to the first gap below them that fits.
        var top = MmapBase;
        for (var i = VmaLookup.InsertionPoint(mm.Vmas, MmapBase - 1) - 1; i >= 0; i--)
        {
            var vma = mm.Vmas[i];
            if (vma.End <= top - length)
                break;
            top = Math.Min(top, vma.Start);
        }
        return top - length >= MmapMinAddr ? (long)(top - length) : -(long)Errno.ENOMEM;
    }

    // The first page of [from, to), all under one PMD entry, that this mm's tables cannot serve for the access.
    private ulong? FirstFault(MmStruct mm, ulong from, ulong to, bool write)
    {
        if (WalkPte(mm, from, "page walk") is not { } pte)
            return from;
        var first = Index(from, PageTableLevel.Pte);
        var index = pte.FirstFault(first, (int)((to - from) / (ulong)PagingLayout.PageSize), write);
        return index < 0 ? null : from + (ulong)(index - first) * (ulong)PagingLayout.PageSize;
    }

    // mm/memory.c: handle_mm_fault(): a shared vma goes through find_shared_vma() first (RFC 4/4).
    private IEnumerable<InterleavingPoint> HandleMmFault(MmStruct mm, VmArea vma, ulong from, ulong to, bool write, FaultResult fault)
    {
        if (vma.SharedPt)
        {
            foreach (var point in _sharing!.FindSharedVma(mm, vma, from, to, write, fault))
                yield return point;
            if (fault.Handled)
                yield break;
        }
        if (write && !vma.Shared)
            vma.AnonVma = true;
        fault.Pages += Fill(mm, from, to, write);
    }

    private UserPageTable PteFor(MmStruct mm, ulong address)
    {
        var pmd = GetPmd(mm, address);
        return pmd.Next[Index(address, PageTableLevel.Pmd)] ??= UserPageTable.Allocate(Heap, PageTableLevel.Pte, mm, "__pte_alloc");
    }

    // do_vmi_munmap() after the RFC's check: split the vmas at the edges, zap what goes, free_pgtables().
    internal void Unmap(MmStruct mm, ulong start, ulong end)
    {
        var ranges = new List<FreedRange>();
        foreach (var vma in VmaLookup.AllIntersecting(mm.Vmas, start, end))
        {
            var from = Math.Max(vma.Start, start);
            var to = Math.Min(vma.End, end);
            ranges.Add(new FreedRange(from, to, vma.SharedPt));
            Zap(mm, vma, from, to);
            if (from > vma.Start && to < vma.End)
            {
                var tail = vma.Copy(mm);
                tail.Offset += (long)(to - vma.Start);
                tail.Start = to;
                vma.End = from;
                Insert(mm, tail);
            }
            else if (from > vma.Start)
                vma.End = from;
            else if (to < vma.End)
            {
                vma.Offset += (long)(to - vma.Start);
                vma.Start = to;
            }
            else
                mm.Vmas.Remove(vma);
        }
        FreePgtables(mm, ranges);
    }

    // unmap_vmas() -> zap_pte_range(): the PTEs of the range are cleared in whatever PTE page the walk reaches. RFC v2
    // changes only free_pgtables(), not the zap, so for a VM_SHARED_PT vma that is the host's PTE page its PMD entry
    // links: a sharer's munmap() or exit clears the host's PTEs for every sharer, and free_pgtables() unlinks the page
    // afterwards. The walk reads every table on the way (the PUD entry of a creator that ptshare_copy_pmd() linked
    // leads into the host's PMD page), so a table already freed is a use after free.
    private void Zap(MmStruct mm, VmArea vma, ulong from, ulong to)
    {
        if (vma.SharedPt && _sharing!.UnmapPageRange(mm, vma, from, to))
            return;
        for (var address = from; address < to; address = (address & ~(PmdSize - 1)) + PmdSize)
        {
            var chunkEnd = Math.Min(to, (address & ~(PmdSize - 1)) + PmdSize);
            var pmd = Checked(mm.UserPgd[Index(address, null)], "zap_pud_range")?.Next[Index(address, PageTableLevel.Pud)];
            if (Checked(pmd, "zap_pmd_range")?.Next[Index(address, PageTableLevel.Pmd)] is not { } pte)
                continue;
            Heap.Access(pte, "zap_pte_range");
            pte.Clear(Index(address, PageTableLevel.Pte), (int)((chunkEnd - address) / (ulong)PagingLayout.PageSize));
        }
    }

    // mm/memory.c: free_pgtables() -> free_pgd_range() over the ranges unmapped, with the shared_pte argument of RFC v2
    // 4/4 ("mm/ptshare: Add page fault handling for page table shared regions", 26 April 2023): a table whose range no
    // vma uses any more is unlinked; free_pte_range() frees a PTE page and free_pmd_range() a PMD page only when the
    // range is not VM_SHARED_PT ("those pages will be released when host mm that hosts these pte pages is released").
    // A PMD page is decided by the last range in its 1 GiB (free_pgtables() gathers vmas of one kind, and only the
    // last call reaches the ceiling), whoever owns it: the host's PMD page a creator's PUD entry points to is freed by
    // the creator's private vma there (pmd_free_tlb()), and a sharer's own PMD page behind a VM_SHARED_PT range is only
    // pud_clear()ed. Without VM_SHARED_PT this is mainline's free_pgtables().
    private void FreePgtables(MmStruct mm, IReadOnlyList<FreedRange> ranges)
    {
        foreach (var slot in ranges.SelectMany(r => Spanned(r, PagingLayout.PgdirShift)).Distinct().Order())
        {
            if (Checked(mm.UserPgd[slot], "free_pud_range") is not { } pud)
                continue;
            var pgdBase = (ulong)slot << PagingLayout.PgdirShift;
            foreach (var i in ranges.SelectMany(r => Spanned(r, PagingLayout.PudShift)).Distinct().Where(i => i >> 9 == slot).Select(i => i & (PagingLayout.PtrsPerTable - 1)).Order())
            {
                if (Checked(pud.Next[i], "free_pmd_range") is not { } pmd)
                    continue;
                var pudBase = pgdBase + ((ulong)i << PagingLayout.PudShift);
                foreach (var range in ranges.Where(r => r.Start < pudBase + (1UL << PagingLayout.PudShift) && pudBase < r.End))
                {
                    for (var pmdBase = Math.Max(range.Start, pudBase) & ~(PmdSize - 1); pmdBase < Math.Min(range.End, pudBase + (1UL << PagingLayout.PudShift)); pmdBase += PmdSize)
                    {
                        var j = Index(pmdBase, PageTableLevel.Pmd);
                        if (pmd.Next[j] is not { } pte || VmaLookup.Intersecting(mm.Vmas, pmdBase, pmdBase + PmdSize) is not null)
                            continue;
                        // free_pte_range(): pmd_clear(), then pte_free_tlb() unless shared_pte.
                        pmd.Next[j] = null;
                        if (!range.SharedPt)
                            Heap.Kfree(pte, "free_pgtables");
                    }
                }
                if (VmaLookup.Intersecting(mm.Vmas, pudBase, pudBase + (1UL << PagingLayout.PudShift)) is not null)
                    continue;
                // free_pmd_range(): pud_clear(), then pmd_free_tlb() unless shared_pte.
                pud.Next[i] = null;
                if (!ranges.Last(r => r.Start < pudBase + (1UL << PagingLayout.PudShift) && pudBase < r.End).SharedPt)
                    Heap.Kfree(pmd, "free_pgtables");
                else if (pmd.Owner == mm)
                    Log.Note($"free_pmd_range(): {pmd} of {mm} is pud_clear()ed but not freed: the range shares page tables");
            }
            if (VmaLookup.Intersecting(mm.Vmas, pgdBase, pgdBase + (1UL << PagingLayout.PgdirShift)) is not null)
                continue;
            // free_pud_range() -> pud_range_is_shared() of "[PATCH v3 12/22] mm: introduce PUD page table shared count"
            // (mshare, 19 August 2025): a PUD page other mms still link stays, emptied, with the PGD entry to it.
            if (pud.PtShareCount > 0)
            {
                Log.Note($"free_pud_range(): {pud} of {mm} is linked by {Units.Count(pud.PtShareCount, "other mm")}: kept");
                continue;
            }
            Heap.Kfree(pud, "free_pgtables");
            mm.UserPgd[slot] = null;
        }
    }

    // The table indices a range spans at a level: PGD slots (shift 39) or PUD entries numbered across slots (shift 30).
    private static IEnumerable<int> Spanned(FreedRange range, int shift)
    {
        for (var index = range.Start >> shift; index <= (range.End - 1) >> shift; index++)
            yield return (int)index;
    }

    private static string Describe(bool write) => write ? "write" : "read";
}

/// <summary>A range free_pgtables() frees the tables of, and whether its vma was VM_SHARED_PT (the RFC's shared_pte).</summary>
internal readonly record struct FreedRange(ulong Start, ulong End, bool SharedPt);

/// <summary>What one fault did: pages it mapped, whether page-table sharing handled it, and whether it ended in SIGSEGV.</summary>
internal sealed class FaultResult
{
    public long Pages { get; set; }

    /// <summary>find_shared_vma() handled the fault (linked the host's PMD entry, or faulted in the host); the guest does nothing more.</summary>
    public bool Handled { get; set; }

    /// <summary>VM_FAULT_NOPAGE: find_shared_vma() only linked the host's PMD entry, and the access retries.</summary>
    public bool NoPage { get; set; }

    public bool Segv { get; set; }
}
