using ScenarioLang.Runtime.Kernel.Mm;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracking;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Runtime.Mechanisms.Ptshare;

/// <summary>
/// Page-table sharing of "[PATCH RFC v2 3/4] mm/ptshare: Create new mm struct for page table sharing" (seed 004) and
/// the fault path of its 4/4 (find_shared_vma()): the first mapper of a file makes a host mm and a ptshare_data on the
/// file's address space; later mappers of the same range share the host's PTE pages, linked into their own PMD pages.
/// ptshare=rfc-v2 runs the code as posted, where nothing orders the lookup, creation and removal of ptshare_data;
/// ptshare=locked runs Karim Manaouil's fix: all three under the i_mmap lock, the pointer cleared before the free.
/// </summary>
internal sealed class Ptshare(LinuxKernel kernel) : IKernelHooks, IPageTableSharing
{
    private KernelHeap Heap => kernel.Heap;

    private KernelLog Log => kernel.Log;

    private UserMemory User => kernel.User;

    private readonly bool _locked = PtshareMechanism.VariantOf(kernel) == PtshareVariant.Locked;

    /// <summary>MAP_SHARED_PT exists only in the RFC's kernels.</summary>
    public bool Enabled { get; } = PtshareMechanism.VariantOf(kernel) != PtshareVariant.Off;

    // mm/mmap.c: do_mmap() as [PATCH RFC v2 2/4] "mm/ptshare: Add flag MAP_SHARED_PT to mmap()" (Khalid Aziz,
    // 26 April 2023) posts it: "If MAP_SHARED_PT is set, MAP_SHARED or MAP_SHARED_VALIDATE must be set as well", tested
    // as "if (flags & (MAP_SHARED | MAP_SHARED_VALIDATE)) ptshare = 1; else return -EINVAL;". MAP_SHARED_VALIDATE is
    // 0x03 and MAP_PRIVATE 0x02, so a private mapping passes the test and becomes a candidate for sharing.
    public Errno? CheckSharedPtFlags(int flags)
    {
        if ((flags & (Mman.MapShared | Mman.MapSharedValidate)) == 0)
            return Errno.EINVAL;
        if ((flags & Mman.MapType) == Mman.MapPrivate)
            Log.Note("do_mmap(): flags & (MAP_SHARED | MAP_SHARED_VALIDATE) is true for MAP_PRIVATE (0x02 & 0x03): the private mapping may share page tables");
        return null;
    }

    // The host mm ptshare_new_mm() made is held by the file's ptshare_data, not by a task.
    public bool HoldsMm(MmStruct mm) => Heap.Live<PtshareData>().Any(info => info.Mm == mm);

    // mm/mmap.c: do_mmap(), the RFC's "Check if this mapping is a candidate for page table sharing" block, after
    // mmap_region() made the vma; path.Result holds the address and becomes -ENOMEM if ptshare_insert_vma() fails.
    public IEnumerable<InterleavingPoint> Share(KernelPath path, VmArea vma, int prot)
    {
        var file = vma.File!;
        if (!UserLayout.PmdAligned(vma.Start | vma.End))
        {
            Log.Note($"{file}: not 2 MiB aligned, a mapping with its own page tables");
            yield break;
        }
        if (_locked)
            yield return IMmapLockWrite(file);
        var lookup = InterleavingPoint.Load(PtsharePoints.Lookup, file.PtshareData);
        yield return lookup;
        if (lookup.Value == 0)
        {
            foreach (var point in NewMm(file, vma))
                yield return point;
            // info = file->f_mapping->ptshare_data; ret = ptshare_insert_vma(info->mm, vma);
            var reload = InterleavingPoint.Load(PtsharePoints.Reload, file.PtshareData);
            yield return reload;
            if (Heap.Lookup(reload.Value) is not PtshareData info)
            {
                Heap.Report(FindingKind.Oops, PtshareData.KindName, $"BUG: kernel NULL pointer dereference in do_mmap(): info->mm with {file}'s ptshare_data cleared after ptshare_new_mm() set it");
                path.Result = -(long)Errno.ENOMEM;
                yield break;
            }
            yield return InterleavingPoint.Load(PtsharePoints.ReadInfo, info.Object);
            Heap.Access(info, "do_mmap");
            foreach (var point in InsertVma(path, info, vma))
                yield return point;
        }
        else
        {
            var info = (PtshareData)Heap.Lookup(lookup.Value)!;
            yield return InterleavingPoint.Load(PtsharePoints.ReadInfo, info.Object);
            Heap.Access(info, "do_mmap");
            // "Page tables will be shared only if the file is mapped in with the same permissions across all mappers
            // with same starting address and size".
            if ((prot & info.Mode) == info.Mode && vma.Start == info.Start && vma.Length == info.Length)
            {
                vma.SharedPt = true;
                var inc = InterleavingPoint.Add(PtsharePoints.RefcountInc, info.Refcnt, 1);
                yield return inc;
                Heap.Access(info, "do_mmap: refcount_inc");
                // include/linux/refcount.h: __refcount_add(): "addition on 0" (REFCOUNT_ADD_UAF), or a saturated count.
                if (inc.Value <= 0)
                {
                    if (inc.Value == 0)
                        Heap.Report(FindingKind.RefcountMisuse, info, $"refcount_t: addition on 0; use-after-free ({info} in do_mmap)");
                    yield return Saturate(info);
                }
                Log.Note($"shares {info}'s page tables in {info.Mm} (refcnt {(inc.Value <= 0 ? "saturated" : inc.Value + 1)})");
            }
            else
                Log.Note($"{info} describes {Units.Hex((long)info.Start)}, {Units.Bytes((long)info.Length)}: this mapping gets its own page tables");
        }
        if (_locked)
            yield return IMmapUnlockWrite(file);
    }

    // mm/mmap.c: do_mmap() as RFC v2 2/4 leaves it: "addr = mmap_region(...)" has no IS_ERR_VALUE() test before the
    // sharing block, so "vma = find_vma(mm, addr)" looks above -ENOMEM, finds no vma, and "vma->vm_start" dereferences NULL.
    // And v6.3's mmap_region(): "if (do_vmi_munmap(&vmi, mm, addr, len, uf, false)) return -ENOMEM;".
    public long MmapRegionFailed(long error, KernelFile? file)
    {
        if (file is not null)
            Heap.Report(FindingKind.Oops, PtshareData.KindName, $"BUG: kernel NULL pointer dereference in do_mmap(): find_vma(mm, -ENOMEM) is NULL after mmap_region() failed to map {file} with MAP_SHARED_PT");
        return -(long)Errno.ENOMEM;
    }

    // mm/mmap.c: do_vmi_munmap(), the RFC's "Check if this vma uses shared page tables" block, then ptshare_del_mm().
    // Sets path.Result to -EINVAL for a partial munmap; otherwise the ordinary unmap follows.
    public IEnumerable<InterleavingPoint> Unshare(KernelPath path, IReadOnlyList<VmArea> vmas, ulong start, ulong length)
    {
        // "vma = find_vma_intersection(mm, start, end); if (vma && unlikely(vma_is_shared(vma)))": the first vma only.
        if (vmas[0] is not { SharedPt: true } vma)
            yield break;
        var file = vma.File!;
        if (_locked)
            yield return IMmapLockWrite(file);
        var lookup = InterleavingPoint.Load(PtsharePoints.Lookup, file.PtshareData);
        yield return lookup;
        var info = Heap.Lookup(lookup.Value) as PtshareData;
        if (info is not null)
        {
            yield return InterleavingPoint.Load(PtsharePoints.ReadInfo, info.Object);
            Heap.Access(info, "do_vmi_munmap");
            // "Don't allow partial munmaps": "(start != info->start) || (len != info->size)", len as the caller passed it.
            if (start != info.Start || length != info.Length)
            {
                Log.Note($"munmap of part of a shared mapping ({info}: {Units.Hex((long)info.Start)}, {Units.Bytes((long)info.Length)}): -EINVAL");
                path.Result = -(long)Errno.EINVAL;
                if (_locked)
                    yield return IMmapUnlockWrite(file);
                yield break;
            }
        }
        var points = _locked ? DelMmLocked(file, info) : DelMm(file);
        foreach (var point in points)
            yield return point;
    }

    // RFC 4/4: find_shared_vma(), called by handle_mm_fault() for a VM_SHARED_PT vma: if the guest's PMD entry differs
    // from the host's, copy it (set_pmd()) and retry; if they agree, fault in the host mm, whose PTE pages both use.
    // Its locking as posted, with the lockdep splats it leads to (CONFIG_PROVE_LOCKING): it takes
    // mmap_read_lock(host_mm) and returns VM_FAULT_SIGSEGV without releasing it; and when it returns 0 without
    // switching vma->vm_mm (no ptshare_data), handle_mm_fault()'s "if (shared)" block unlocks vma->vm_mm, the guest's
    // own mm, which do_user_addr_fault() then unlocks again.
    public IEnumerable<InterleavingPoint> FindSharedVma(MmStruct guest, VmArea vma, ulong from, ulong to, bool write, FaultResult fault)
    {
        var file = vma.File!;
        var lookup = InterleavingPoint.Load(PtsharePoints.Lookup, file.PtshareData);
        yield return lookup;
        if (Heap.Lookup(lookup.Value) is not PtshareData info)
        {
            // pr_warn() and return 0: the fault goes on in the guest's own tables.
            Log.Note("find_shared_vma: \"VM_SHARED_PT vma with NULL ptshare_data\"");
            Heap.Report(FindingKind.Warn, MmStruct.KindName,
                $"WARNING: bad unlock balance detected! (lockdep) handle_mm_fault() unlocks {guest}'s mmap_lock, which find_shared_vma() left as vma->vm_mm, and do_user_addr_fault() unlocks it again");
            yield break;
        }
        yield return InterleavingPoint.Load(PtsharePoints.ReadInfo, info.Object);
        Heap.Access(info, "find_shared_vma");
        // host_mm = info->mm; mmap_read_lock(host_mm); then, when the PMD entries agree, guest_vma->vm_mm = host_mm: the
        // fault runs in the host (its PTE page, its accounting) and handle_mm_fault() puts orig_mm back afterwards.
        // From here to the end the model runs one event: the walk of both mms' PMDs, the host vma lookup and the fill.
        // The guest holds its own mmap_lock (do_user_addr_fault()), nothing of the host's, as posted; the event's
        // footprint (the host's vma tree and page-table pages) orders it against ptshare_insert_vma() and the host's
        // other faults, so only interleavings inside find_shared_vma() itself are not split.
        var host = info.Mm;
        fault.Handled = true;
        var hostFrom = from - vma.Start + host.MmapBase;
        var hostPmd = User.GetPmd(host, hostFrom);
        var guestPmd = User.GetPmd(guest, from);
        var hostIndex = UserLayout.Index(hostFrom, PageTableLevel.Pmd);
        var guestIndex = UserLayout.Index(from, PageTableLevel.Pmd);
        if (guestPmd.Next[guestIndex] != hostPmd.Next[hostIndex])
        {
            guestPmd.Next[guestIndex] = hostPmd.Next[hostIndex];
            fault.NoPage = true;
            Log.Note($"set_pmd(): {guest}'s PMD entry for {Units.Hex((long)(from & ~(UserLayout.PmdSize - 1)))} -> {hostPmd.Next[hostIndex]} of {host}");
            yield break;
        }
        if (!host.Vmas.Any(v => v.Contains(hostFrom)))
        {
            Log.Note($"find_shared_vma(): {host} has no vma at {Units.Hex((long)hostFrom)}");
            fault.Segv = true;
            Heap.Report(FindingKind.Warn, MmStruct.KindName,
                $"WARNING: lock held when returning to user space! (lockdep) find_shared_vma() returned VM_FAULT_SIGSEGV with {host}'s mmap_lock read-held");
            yield break;
        }
        fault.Pages += User.Fill(host, hostFrom, hostFrom + (to - from), write);
    }

    /// <summary>
    /// The object checker for seed 004: a ptshare_data no address space points to (with its host mm) can never be freed,
    /// and one whose refcnt differs from the mappings sharing it will be freed too late or too early.
    /// </summary>
    public void CheckMmLeaks(IReadOnlyList<TaskStruct> live)
    {
        var infos = Heap.Live<PtshareData>();
        var tables = Heap.Live<UserPageTable>();
        // Nothing shared and no user page table: nothing to check (every execution of a litmus block asks).
        if (infos.Count == 0 && tables.Count == 0)
            return;
        var mms = live.Select(t => t.Mm).OfType<MmStruct>().Distinct().ToList();
        foreach (var info in infos)
        {
            if (kernel.Memory.Read(info.File.PtshareData) != info.Id)
            {
                Heap.Report(FindingKind.Leak, info, $"memory leak: {info} (allocated by {info.AllocationSite}) is referenced by no address_space; it and its host {info.Mm} can never be freed");
                continue;
            }
            var sharers = mms.Count(mm => mm.Vmas.Any(v => v.SharedPt && v.File == info.File));
            var refcnt = kernel.Memory.Read(info.Refcnt);
            // A saturated refcnt was reported at its misuse (and leaks on purpose).
            if (refcnt < 0)
                continue;
            if (refcnt > sharers)
                Heap.Report(FindingKind.Leak, info, $"memory leak: {info} has refcnt {refcnt} but {Units.Count(sharers, "mapping")} share it: it and {info.Mm} can never be freed");
            else if (refcnt < sharers)
                Heap.Report(FindingKind.RefcountMisuse, info, $"refcount: {info} has refcnt {refcnt} but {Units.Count(sharers, "mapping")} share it: it will be freed while still mapped");
        }
        foreach (var table in tables.Where(t => t.Owner.Freed))
            Heap.Report(FindingKind.Leak, table, $"memory leak: {table} (allocated by {table.AllocationSite}) belongs to {table.Owner}, already freed");
        // Without a user page table there is none to reach (every execution of a litmus block asks).
        if (tables.Count == 0)
            return;
        // The RFC's free_pgtables() only pud_clear()s or pmd_clear()s a table behind a VM_SHARED_PT range: one the mm
        // itself allocated (a later sharer's PMD page, a PTE page faulted in without a host) is then reachable from no
        // mm, and its owner's pgtables_bytes still counts it (check_mm(): "BUG: non-zero pgtables_bytes on freeing mm").
        var reachable = new HashSet<UserPageTable>();
        foreach (var mm in mms.Concat(Heap.Live<PtshareData>().Select(info => info.Mm)).Where(mm => !mm.Freed))
            Reach(mm.UserPgd, reachable);
        foreach (var table in tables.Where(t => !t.Owner.Freed && !reachable.Contains(t)))
            Heap.Report(FindingKind.Leak, table, $"memory leak: {table} of {table.Owner} is reachable from no page table: free_pgtables() cleared the entry of a VM_SHARED_PT range without freeing it");
    }

    // The tables below a PGD's or a table's entries, and the PTE pages below each PMD page among them: a loop over
    // the entries, as every execution walks every live mm's, but none over a page nothing was ever written to.
    private static void Reach(TrackedArray<UserPageTable?> entries, HashSet<UserPageTable> reachable)
    {
        if (entries.IsZeroed)
            return;
        foreach (var table in entries.Read())
        {
            if (table is null || !reachable.Add(table))
                continue;
            if (table.Level != PageTableLevel.Pte)
                Reach(table.Next, reachable);
        }
    }

    // mm/ptshare.c: ptshare_new_mm(): mm_alloc() (whose mm_init() runs pgd_alloc()), then the ptshare_data, published
    // with a plain store.
    private IEnumerable<InterleavingPoint> NewMm(KernelFile file, VmArea vma)
    {
        var host = MmStruct.Allocate(Heap, "ptshare_new_mm");
        foreach (var point in kernel.Pgd.PgdAlloc(host, $"ptshare({file})"))
            yield return point;
        host.MmapBase = vma.Start;
        var info = PtshareData.Allocate(Heap, file, host, vma.Start, vma.Length);
        // refcount_set(&info->refcnt, 1) on an object no other CPU can reach before the store below.
        kernel.Memory.Initialize(info.Refcnt, 1);
        Log.Note($"ptshare_new_mm(): host {host} and {info} for {file} at {Units.Hex((long)vma.Start)}, {Units.Bytes((long)vma.Length)}");
        yield return InterleavingPoint.Store(PtsharePoints.Publish, file.PtshareData, info.Id);
    }

    // mm/ptshare.c: ptshare_insert_vma(): a copy of the vma without VM_SHARED and VM_SHARED_PT goes into the host mm;
    // insert_vm_struct() fails with -ENOMEM when the range is taken. The RFC holds no lock of the host mm, so the model
    // makes the insertion one atomic event (a locked add to the host's map_count).
    private IEnumerable<InterleavingPoint> InsertVma(KernelPath path, PtshareData info, VmArea vma)
    {
        var host = info.Mm;
        Heap.Access(host, "ptshare_insert_vma");
        yield return InterleavingPoint.Add(PtsharePoints.InsertVma, new MemoryLocation($"{host}->map_count"), 1);
        if (host.Vmas.Any(v => v.Intersects(vma.Start, vma.End)))
        {
            Log.Note($"ptshare_insert_vma(): {host} already maps {Units.Hex((long)vma.Start)}: -ENOMEM, and the vma stays mapped without VM_SHARED_PT");
            path.Result = -(long)Errno.ENOMEM;
            yield break;
        }
        UserMemory.Insert(host, new VmArea(host, vma.Start, vma.End, vma.Prot, shared: false, file: null, vma.Offset));
        Log.Note($"ptshare_insert_vma(): {host} holds the page tables");
        // vma->vm_mm: the mm of the task mapping it, current on the path's CPU.
        CopyPmd(host, path.Cpu.Current.Mm!, vma.Start);
        // do_mmap(): "else vm_flags_set(vma, VM_SHARED_PT)": ptshare_copy_pmd() returns 0 or 1, never below 0.
        vma.SharedPt = true;
    }

    // mm/ptshare.c: ptshare_copy_pmd() of [PATCH RFC v2 4/4] "mm/ptshare: Add page fault handling for page table shared
    // regions" (Khalid Aziz, 26 April 2023), called by ptshare_insert_vma() for the first mapper only: if the creator's
    // PUD entry for the address is none, get_pmd(host_mm) makes the host's PUD and PMD pages and pud_populate() points
    // the creator's PUD entry at the host's PMD page, under both page-table locks (in the same event as the insertion).
    // The creator then has no PMD page of its own for that 1 GiB: its other mappings there put their PTE pages into the
    // host's PMD page, and the host's teardown frees that page under them. A PUD entry already present is left alone,
    // and the creator's faults link PMD entries one by one as every later mapper's do (find_shared_vma()).
    // Assumed: the creator has a PUD page for the address. As posted, with the PGD entry none, p4d_alloc() allocates
    // nothing on 4-level paging and pud_offset() of the empty entry points into physical page 0 (__va(0)); a real
    // process has its program or other mappings in the same 512 GiB, the model's tasks have none, so the model
    // allocates that PUD page (pud_alloc()) instead of reading memory it does not have.
    private void CopyPmd(MmStruct host, MmStruct guest, ulong address)
    {
        var slot = UserLayout.Index(address, null);
        var guestPud = guest.UserPgd[slot] ??= UserPageTable.Allocate(Heap, PageTableLevel.Pud, guest, "pud_alloc");
        Heap.Access(guestPud, "ptshare_copy_pmd");
        var index = UserLayout.Index(address, PageTableLevel.Pud);
        if (guestPud.Next[index] is not null)
        {
            Log.Note($"ptshare_copy_pmd(): {guest}'s PUD entry for {Units.Hex((long)address)} is present: nothing to copy");
            return;
        }
        var hostPmd = User.GetPmd(host, address);
        guestPud.Next[index] = hostPmd;
        Log.Note($"ptshare_copy_pmd(): {guest}'s PUD entry for {Units.Hex((long)(address & ~((1UL << PagingLayout.PudShift) - 1)))} -> {hostPmd} of {host}: its mappings in that 1 GiB use the host's PMD page");
    }

    // mm/ptshare.c: ptshare_del_mm() as posted: refcount_dec_and_test(), then free_ptshare_mm() and only then
    // file->f_mapping->ptshare_data = NULL, with no lock against a mapper reading the pointer.
    private IEnumerable<InterleavingPoint> DelMm(KernelFile file)
    {
        var lookup = InterleavingPoint.Load(PtsharePoints.Lookup, file.PtshareData);
        yield return lookup;
        if (Heap.Lookup(lookup.Value) is not PtshareData info)
        {
            WarnNoInfo(file);
            yield break;
        }
        Heap.Access(info, "ptshare_del_mm");
        var dec = InterleavingPoint.Add(PtsharePoints.RefcountDec, info.Refcnt, -1);
        yield return dec;
        if (!DecAndTest(info, dec.Value))
        {
            if (dec.Value <= 0)
                yield return Saturate(info);
            yield break;
        }
        foreach (var point in FreePtshareMm(info))
            yield return point;
        yield return InterleavingPoint.Store(PtsharePoints.Clear, file.PtshareData, 0);
    }

    // include/linux/fs.h: i_mmap_lock_write() and i_mmap_unlock_write() are down_write() and up_write() of the
    // mapping's i_mmap_rwsem: each a locked instruction on its count, so the release waits for the store buffer and
    // frees the lock in memory at once, where a spin_unlock() is a store that waits in the buffer.
    private static InterleavingPoint IMmapLockWrite(KernelFile file) => InterleavingPoint.Lock(PtsharePoints.IMmapLock, file.IMmapRwsem, function: "down_write");

    private static InterleavingPoint IMmapUnlockWrite(KernelFile file) => InterleavingPoint.Release(PtsharePoints.IMmapUnlock, file.IMmapRwsem, "up_write");

    // mm/ptshare.c: ptshare_del_mm(): "WARN_ON(!info); if (!info) return;": a VM_SHARED_PT vma whose file no longer has
    // a ptshare_data (its last reference was dropped by another mapping, or a fork copied the vma without one).
    private void WarnNoInfo(KernelFile file) =>
        Heap.Report(FindingKind.Warn, PtshareData.KindName, $"WARNING: at mm/ptshare.c: ptshare_del_mm(): WARN_ON(!info): {file} has no ptshare_data");

    // The fix Karim Manaouil asks for: ptshare_del_mm() under the i_mmap lock do_vmi_munmap() took for its lookup; the
    // last reference clears file->f_mapping->ptshare_data under the lock, and the host mm and info are freed after it.
    private IEnumerable<InterleavingPoint> DelMmLocked(KernelFile file, PtshareData? info)
    {
        if (info is null)
        {
            WarnNoInfo(file);
            yield return IMmapUnlockWrite(file);
            yield break;
        }
        var dec = InterleavingPoint.Add(PtsharePoints.RefcountDec, info.Refcnt, -1);
        yield return dec;
        var last = DecAndTest(info, dec.Value);
        if (dec.Value <= 0)
            yield return Saturate(info);
        if (last)
            yield return InterleavingPoint.Store(PtsharePoints.Clear, file.PtshareData, 0);
        yield return IMmapUnlockWrite(file);
        if (!last)
            yield break;
        foreach (var point in FreePtshareMm(info))
            yield return point;
    }

    // include/linux/refcount.h: refcount_dec_and_test(), given the value the locked add found: true for the last
    // reference; a decrement from 0 warns "underflow" (REFCOUNT_SUB_UAF), and it or one of a saturated count saturates
    // (the caller's Saturate()) instead.
    private bool DecAndTest(PtshareData info, long old)
    {
        if (old <= 0)
        {
            if (old == 0)
                Heap.Report(FindingKind.RefcountMisuse, info, $"refcount_t: underflow; use-after-free ({info} in ptshare_del_mm)");
            return false;
        }
        Log.Note($"{info} refcnt {old} -> {old - 1}");
        return old == 1;
    }

    // lib/refcount.c: refcount_warn_saturate(): refcount_set(r, REFCOUNT_SATURATED), a plain store; no later decrement
    // frees the object (it leaks on purpose), and the checker reported its first misuse already.
    private static InterleavingPoint Saturate(PtshareData info) => InterleavingPoint.Store(PtsharePoints.Saturate, info.Refcnt, Refcount.Saturated);

    // mm/ptshare.c: free_ptshare_mm(): mmput(info->mm); kfree(info).
    private IEnumerable<InterleavingPoint> FreePtshareMm(PtshareData info)
    {
        Heap.Access(info, "free_ptshare_mm");
        foreach (var point in kernel.Mmput($"free_ptshare_mm({info})", info.Mm))
            yield return point;
        yield return InterleavingPoint.Free(PtsharePoints.Kfree, info.Object);
        Heap.Kfree(info, "free_ptshare_mm");
        Log.Note($"free_ptshare_mm(): {info.Mm} and {info} freed");
    }
}
