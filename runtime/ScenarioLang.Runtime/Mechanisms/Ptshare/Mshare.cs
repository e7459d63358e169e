using System.Diagnostics;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Kernel.Mm;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracing;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Mechanisms.Ptshare;

/// <summary>
/// ptshare=mshare: msharefs as "[PATCH v3 00/22] Add support for shared PTEs across processes" (Anthony Yznaga,
/// 19 August 2025) posts it. Creating a file in msharefs makes a host mm (msharefs_fill_mm()); ftruncate() sets the
/// region's size, a multiple of mshare_align (P4D_SIZE, 512 GiB with 4-level paging); MSHAREFS_CREATE_MAPPING and
/// MSHAREFS_UNMAP map and unmap objects in the host mm; a process that mmap()s the file gets a VM_MSHARE vma whose
/// faults link its PGD entry to the host's PUD page (find_shared_vma()), so every mapper uses the host's PUD, PMD and
/// PTE pages. The host mm lives as long as the inode: msharefs_evict_inode() drops the last reference.
/// Each step here is one event of the model: the host mm's mmap lock, which every one of them takes, orders them.
/// </summary>
internal sealed class Mshare(LinuxKernel kernel) : IKernelHooks, IPageTableSharing
{
    /// <summary>mshare_align = P4D_SIZE: 512 GiB with 4-level paging, where the P4D level is the PGD's.</summary>
    public const ulong Align = 1UL << PagingLayout.PgdirShift;

    /// <summary>mshare_base = mshare_align: the host mm's mmap_base and every region's start in it.</summary>
    public const ulong Base = Align;

    // Each file's i_private, made at its first use, which may be an explored event: the block's own are dropped.
    private readonly RewindableDictionary<KernelFile, Tracked<MshareData?>> _inodes = new(kernel.Heap.Tracker);

    private KernelHeap Heap => kernel.Heap;

    private KernelLog Log => kernel.Log;

    private UserMemory User => kernel.User;

    /// <summary>The series has no MAP_SHARED_PT: the flag is unknown, as in mainline.</summary>
    public bool Enabled => false;

    public Errno? CheckSharedPtFlags(int flags) => throw new UnreachableException("MAP_SHARED_PT is not honoured under ptshare=mshare");

    public IEnumerable<InterleavingPoint> Share(KernelPath path, VmArea vma, int prot) => throw new UnreachableException("MAP_SHARED_PT is not honoured under ptshare=mshare");

    // The series' base (mm-new, August 2025): __mmap_region() returns the error of vms_gather_munmap_vmas() as it is.
    public long MmapRegionFailed(long error, KernelFile? file) => error;

    /// <summary>The msharefs inode of the file (its i_private): the name's, or an unlinked one's still mapped; null when there is none.</summary>
    internal MshareData? Inode(KernelFile file) => InodeOf(file).Value;

    // The host mm is the inode's, not a task's.
    public bool HoldsMm(MmStruct mm) => Heap.Live<MshareData>().Any(m => m.Mm == mm);

    // /sys/fs/mshare/mshare_info: mshare_info_read(): sprintf(s, "%ld\n", mshare_align).
    public IEnumerable<InterleavingPoint> ReadInfo(KernelPath path)
    {
        path.Result = (long)Align;
        Log.Note($"mshare_info_read(): \"{Align}\\n\" (mshare_align, P4D_SIZE)");
        yield break;
    }

    // open("/sys/fs/mshare/NAME", O_RDWR | O_CREAT, 0600): an existing file is opened (simple_open()); otherwise
    // msharefs_create() -> msharefs_mknod() -> msharefs_get_inode() -> msharefs_fill_mm(): mm_alloc() (pgd_alloc()),
    // mmap_base = mshare_base, task_size = 0, the mshare_data, current as its owner (MSHARE_HAS_OWNER), ref 1.
    public IEnumerable<InterleavingPoint> Open(KernelPath path, TaskStruct current, KernelFile file)
    {
        var inode = InodeOf(file);
        if (inode.Value is { Linked: true } existing)
        {
            Log.Note($"{file}: opens {existing} (simple_open())");
            path.Result = 0;
            yield break;
        }
        if (inode.Value is { } unlinked)
            throw new ScenarioRuntimeException($"msharefs_open({file}): a new {file} while the unlinked one ({unlinked}) is still mapped is not modelled");
        var host = MmStruct.Allocate(Heap, "msharefs_fill_mm");
        foreach (var point in kernel.Pgd.PgdAlloc(host, $"msharefs({file})"))
            yield return point;
        host.MmapBase = Base;
        var data = MshareData.Allocate(Heap, file, host, current);
        inode.Value = data;
        Log.Note($"msharefs_fill_mm(): host {host} and {data} for /sys/fs/mshare/{file}, owner {current}");
        path.Result = 0;
    }

    // ftruncate() -> msharefs_setattr() -> msharefs_set_size(): the size is set once, to a multiple of mshare_align.
    public IEnumerable<InterleavingPoint> Truncate(KernelPath path, KernelFile file, ulong length)
    {
        if (Opened(path, file) is not { } data)
            yield break;
        Heap.Access(data, "msharefs_set_size");
        if (data.Initialized || data.RegionSize != 0 || (length & (Align - 1)) != 0)
        {
            Log.Note($"msharefs_set_size(): {(data.Initialized ? "the size is already set" : $"{Units.Bytes((long)length)} is not a multiple of mshare_align ({Units.Bytes((long)Align)})")}: -EINVAL");
            path.Result = -(long)Errno.EINVAL;
            yield break;
        }
        // m_data->mm->task_size = m_data->size = size; set_bit(MSHARE_INITIALIZED).
        data.RegionSize = length;
        data.Initialized = true;
        Log.Note($"msharefs_set_size(): {data} covers {Units.Hex((long)Base)}-{Units.Hex((long)(Base + length))} of {data.Mm}");
        path.Result = 0;
    }

    // ioctl(MSHAREFS_CREATE_MAPPING) -> msharefs_ioctl() -> msharefs_create_mapping(), as "[PATCH v3 20/22] mm/mshare:
    // support mapping files and anon hugetlb in an mshare region" leaves it: shared mappings at fixed addresses only,
    // no mshare file inside one, the size checked after a hugetlbfs file rounds it; then __do_mmap() in the host mm
    // under its mmap lock (MAP_FIXED replaces what was there).
    public IEnumerable<InterleavingPoint> CreateMapping(KernelPath path, KernelFile file, ulong regionOffset, ulong size, ulong offset, int prot, int flags, KernelFile? source)
    {
        if (Initialized(path, file) is not { } data)
            yield break;
        var start = MshareData.Start;
        var end = start + data.RegionSize;
        var addr = start + regionOffset;
        if (addr < start || addr >= end)
        {
            Refuse(path, Errno.EINVAL, $"region offset {Units.Hex((long)regionOffset)} is outside the region");
            yield break;
        }
        if ((flags & (Mman.MapShared | Mman.MapFixed)) != (Mman.MapShared | Mman.MapFixed))
        {
            Refuse(path, Errno.EINVAL, "only MAP_SHARED | MAP_FIXED mappings");
            yield break;
        }
        KernelFile? mapped = null;
        if ((flags & Mman.MapAnonymous) == 0)
        {
            if (source is null)
            {
                Refuse(path, Errno.EBADF, "fget(-1)");
                yield break;
            }
            if (Inode(source) is not null)
            {
                Refuse(path, Errno.EINVAL, $"{source} is an msharefs file");
                yield break;
            }
            if (source.Hugetlbfs)
                size = (size + UserLayout.PmdSize - 1) & ~(UserLayout.PmdSize - 1);
            mapped = source;
        }
        if (addr + size > end)
        {
            Refuse(path, Errno.EINVAL, $"{Units.Bytes((long)size)} at {Units.Hex((long)addr)} ends past the region");
            yield break;
        }
        // __do_mmap(): "if (!len) return -EINVAL;", then "len = PAGE_ALIGN(len); if (!len) return -ENOMEM;", and
        // __get_unmapped_area()'s offset_in_page(addr) for the MAP_FIXED address. The file offset is only
        // "pgoff = mcreate->offset >> PAGE_SHIFT": no syscall checked its alignment, so its low bits are dropped.
        var length = UserLayout.PageAlign(size);
        if (size == 0 || length == 0 || !UserLayout.PageAligned(addr))
        {
            Refuse(path, size != 0 && length == 0 ? Errno.ENOMEM : Errno.EINVAL, "__do_mmap()");
            yield break;
        }
        offset &= ~((ulong)PagingLayout.PageSize - 1);
        var host = data.Mm;
        Heap.Access(host, "msharefs_create_mapping");
        User.Unmap(host, addr, addr + length);
        var vma = new VmArea(host, addr, addr + length, prot, shared: true, mapped, (long)offset);
        UserMemory.Insert(host, vma);
        Log.Note($"msharefs_create_mapping(): {host} maps {vma}");
        path.Result = 0;
    }

    // ioctl(MSHAREFS_UNMAP) -> msharefs_unmap() of "[PATCH v3 19/22] mm/mshare: Add an ioctl for unmapping objects in an
    // mshare region": do_munmap(host_mm, addr, size) under the host's mmap lock. free_pgtables() keeps the PUD page
    // the sharers link ("[PATCH v3 12/22] mm: introduce PUD page table shared count"); their next access faults and
    // finds no vma in the host: SIGSEGV.
    public IEnumerable<InterleavingPoint> Unmap(KernelPath path, KernelFile file, ulong regionOffset, ulong size)
    {
        if (Initialized(path, file) is not { } data)
            yield break;
        var addr = MshareData.Start + regionOffset;
        if (size > data.RegionSize || regionOffset >= data.RegionSize || addr + size > MshareData.Start + data.RegionSize)
        {
            Refuse(path, Errno.EINVAL, "the range is not inside the region");
            yield break;
        }
        // do_munmap() -> do_vmi_munmap(): "if ((offset_in_page(start)) || ...) return -EINVAL;", then a length of 0.
        var length = UserLayout.PageAlign(size);
        if (!UserLayout.PageAligned(addr) || length == 0)
        {
            Refuse(path, Errno.EINVAL, length == 0 ? "do_munmap() of 0 bytes" : "do_munmap() at an address not page aligned");
            yield break;
        }
        var host = data.Mm;
        Heap.Access(host, "msharefs_unmap");
        var unmapped = host.Vmas.Count(v => v.Intersects(addr, addr + length));
        User.Unmap(host, addr, addr + length);
        Log.Note($"msharefs_unmap(): {host} unmaps {Units.Hex((long)addr)}-{Units.Hex((long)(addr + length))} ({Units.Count(unmapped, "vma")})");
        path.Result = 0;
    }

    // close(fd) and unlink("/sys/fs/mshare/NAME"), as the selftest's teardown does: simple_unlink() drops the name; the
    // inode goes when nothing holds it any more (msharefs_evict_inode()), here or at the last munmap() of a mapping.
    public IEnumerable<InterleavingPoint> Unlink(KernelPath path, KernelFile file)
    {
        if (Opened(path, file) is not { } data)
            yield break;
        Heap.Access(data, "msharefs_unlink");
        data.Linked = false;
        Log.Note($"simple_unlink(): /sys/fs/mshare/{file} is gone");
        path.Result = 0;
        foreach (var point in EvictIfUnused(data, except: []))
            yield return point;
    }

    // get_unmapped_area() -> msharefs_get_unmapped_area(): a region with a size and an owner, the length the region's,
    // the address aligned to mshare_align; a hint is taken aligned when free, otherwise the top-down search (below
    // mmap_base) with that alignment.
    public long? GetUnmappedArea(MmStruct mm, KernelFile file, ulong addr, ulong length, int flags)
    {
        if (Inode(file) is not { } data)
            return null;
        Heap.Access(data, "msharefs_get_unmapped_area");
        // "[PATCH v3 18/22]": "if (!mshare_is_initialized(m_data) || !mshare_has_owner(m_data)) return -EINVAL;"
        if ((flags & Mman.MapType) == Mman.MapPrivate || !data.Initialized || !data.HasOwner || length != data.RegionSize)
            return -(long)Errno.EINVAL;
        if (length > UserLayout.TaskSize - UserLayout.MmapMinAddr)
            return -(long)Errno.ENOMEM;
        if ((flags & Mman.MapFixed) != 0)
            return (addr & (Align - 1)) == 0 ? (long)addr : -(long)Errno.EINVAL;
        if (addr != 0)
        {
            addr = (addr + Align - 1) & ~(Align - 1);
            if (UserLayout.TaskSize - length >= addr && addr >= UserLayout.MmapMinAddr && VmaLookup.Intersecting(mm.Vmas, addr, addr + length) is null)
                return (long)addr;
        }
        // msharefs_get_unmapped_area_topdown(): vm_unmapped_area() below mmap_base with align_mask = mshare_align - 1
        // (the length is a multiple of mshare_align, so an aligned end gives an aligned start).
        for (var top = mm.MmapBase & ~(Align - 1); top >= length && top - length >= UserLayout.MmapMinAddr; top -= Align)
        {
            if (VmaLookup.Intersecting(mm.Vmas, top - length, top) is null)
                return (long)(top - length);
        }
        return -(long)Errno.ENOMEM;
    }

    // mm/mshare.c: msharefs_mmap(): vma->vm_private_data = m_data; vm_flags_set(vma, VM_MSHARE | VM_DONTEXPAND).
    public void FileMmap(VmArea vma)
    {
        vma.SharedPt = true;
        vma.Mshare = true;
    }

    // do_vmi_munmap() -> vms_gather_munmap_vmas(): the first and the last vma of the range are split where the range
    // starts or ends inside them (end = start + PAGE_ALIGN(len)), and mshare_vm_op_split() refuses that for a VM_MSHARE
    // vma (-EINVAL); otherwise each VM_MSHARE vma of the range goes whole, and the file reference it held with it
    // (fput() -> msharefs_evict_inode() when the name is gone and no one else maps it).
    public IEnumerable<InterleavingPoint> Unshare(KernelPath path, IReadOnlyList<VmArea> vmas, ulong start, ulong length)
    {
        var end = start + UserLayout.PageAlign(length);
        if ((vmas[0].Mshare && start > vmas[0].Start) || (vmas[^1].Mshare && end < vmas[^1].End))
        {
            Log.Note("mshare_vm_op_split(): an msharefs vma cannot be split: -EINVAL");
            path.Result = -(long)Errno.EINVAL;
            yield break;
        }
        var going = vmas.Where(v => v.Mshare).ToList();
        foreach (var vma in going)
        {
            if (Inode(vma.File!) is not { } data)
                continue;
            // The sharer's PGD entry is unlinked first (UnmapPageRange), so the host's teardown frees nothing it still uses.
            UnmapPageRange(path.Cpu.Current.Mm!, vma, vma.Start, vma.End);
            foreach (var point in EvictIfUnused(data, except: going))
                yield return point;
        }
    }

    // find_shared_vma() of "[PATCH v3 13/22] mm/mshare: prepare for page table sharing support" and the fault path of
    // the x86 patch: when the sharer's PGD entry differs from the host's, it is set to the host's (ptdesc_pud_pts_inc())
    // and the fault returns VM_FAULT_NOPAGE, which do_user_addr_fault() takes to "done" without handle_mm_fault(), so
    // mm_account_fault() does not count it (the access retries); when they agree, the host vma at the address handles
    // the fault, in the host mm; no vma there is SIGSEGV (bad_area_nosemaphore()), and access_error() is checked on the
    // host vma.
    public IEnumerable<InterleavingPoint> FindSharedVma(MmStruct guest, VmArea vma, ulong from, ulong to, bool write, FaultResult fault)
    {
        var data = Inode(vma.File!) ?? throw new UnreachableException($"{vma} is VM_MSHARE without an msharefs inode");
        Heap.Access(data, "find_shared_vma");
        var host = data.Mm;
        Heap.Access(host, "find_shared_vma");
        fault.Handled = true;
        var hostFrom = from - vma.Start + host.MmapBase;
        var hostSlot = UserLayout.Index(hostFrom, null);
        var guestSlot = UserLayout.Index(from, null);
        var hostPud = host.UserPgd[hostSlot];
        if (guest.UserPgd[guestSlot] != hostPud)
        {
            if (hostPud is null)
                throw new ScenarioRuntimeException($"find_shared_vma(): {guest}'s PGD entry for {Units.Hex((long)from)} is set and the host's is none: not modelled");
            Heap.Access(hostPud, "find_shared_vma");
            hostPud.PtShareCount++;
            guest.UserPgd[guestSlot] = hostPud;
            fault.NoPage = true;
            Log.Note($"set_p4d(): {guest}'s PGD entry for {Units.Hex((long)(from & PagingLayout.PgdirMask))} -> {hostPud} of {host} (pt_share_count {hostPud.PtShareCount})");
            yield break;
        }
        var hostVma = host.Vmas.FirstOrDefault(v => v.Contains(hostFrom));
        if (hostVma is null || !hostVma.Permits(write))
        {
            Log.Note($"find_shared_vma(): {(hostVma is null ? $"{host} has no vma at {Units.Hex((long)hostFrom)}" : $"{hostVma} of {host} does not allow it")}");
            fault.Segv = true;
            yield break;
        }
        fault.Pages += User.Fill(host, hostFrom, hostFrom + (to - from), write);
    }

    // mm/mshare.c: mshare_vm_op_unshare_page_range(), the VM_MSHARE vma's unmap_page_range: for each mshare_align of the
    // range, a present PGD entry is cleared (p4d_clear()) and the host's PUD page's share count dropped; the pages in
    // the region are not unmapped.
    public bool UnmapPageRange(MmStruct mm, VmArea vma, ulong from, ulong to)
    {
        if (!vma.Mshare)
            return false;
        for (var address = from; address < to; address += Align)
        {
            var slot = UserLayout.Index(address, null);
            if (mm.UserPgd[slot] is not { } pud)
                continue;
            Heap.Access(pud, "mshare_vm_op_unshare_page_range");
            pud.PtShareCount--;
            mm.UserPgd[slot] = null;
            Log.Note($"mshare_vm_op_unshare_page_range(): {mm}'s PGD entry for {Units.Hex((long)address)} cleared ({pud} of {pud.Owner}, pt_share_count {pud.PtShareCount})");
        }
        return true;
    }

    // kernel/exit.c: do_exit() -> exit_mshare(tsk) of "[PATCH v3 17/22] sched/mshare: mshare ownership", after exit_mm():
    // for each region the task created, clear MSHARE_HAS_OWNER and do_munmap() the whole region in the host mm, so the
    // other mappers' next faults find no vma there ("access to the memory by a non-owner process results in a SIGSEGV").
    // The reference exit_mshare() takes (mshare_data_getref()) it drops again (mshare_data_putref()).
    public void ExitThread(Cpu cpu, TaskStruct current, TaskStruct tsk)
    {
        foreach (var data in Heap.Live<MshareData>().Where(d => d.Owner == tsk).ToList())
        {
            Heap.Access(data, "exit_mshare");
            if (!data.HasOwner)
                continue;
            data.HasOwner = false;
            var host = data.Mm;
            Heap.Access(host, "exit_mshare");
            if (data.RegionSize == 0)
            {
                Log.Note($"exit_mshare(): do_munmap returned -{Errno.EINVAL} ({data} has no size)");
                continue;
            }
            User.Unmap(host, MshareData.Start, MshareData.Start + data.RegionSize);
            Log.Note($"exit_mshare(): {tsk} owned {data}: {host} unmaps the whole region");
        }
    }

    /// <summary>
    /// The object checker for mshare: a page-table page whose mm is freed leaks (a host PUD page still counted by a
    /// sharer when the host mm went). The mshare_data and host mm of a file still in msharefs are the file system's.
    /// </summary>
    public void CheckMmLeaks(IReadOnlyList<TaskStruct> live)
    {
        foreach (var table in Heap.Live<UserPageTable>().Where(t => t.Owner.Freed))
            Heap.Report(FindingKind.Leak, table, $"memory leak: {table} (allocated by {table.AllocationSite}) belongs to {table.Owner}, already freed (check_mm(): \"BUG: non-zero pgtables_bytes on freeing mm\")");
    }

    private Tracked<MshareData?> InodeOf(KernelFile file)
    {
        if (!_inodes.TryGetValue(file, out var inode))
        {
            inode = new(Heap.Tracker, new MemoryLocation($"{file.Name}->i_private"), null);
            _inodes.Add(file, inode);
        }
        return inode;
    }

    // The descriptor a step uses: the file must have been created in msharefs (the model passes names, not descriptors).
    private MshareData? Opened(KernelPath path, KernelFile file)
    {
        if (Inode(file) is { Linked: true } data)
            return data;
        Refuse(path, Errno.EBADF, $"{file} is not open in msharefs");
        return null;
    }

    // msharefs_ioctl(): if (!mshare_is_initialized(m_data)) return -EINVAL.
    private MshareData? Initialized(KernelPath path, KernelFile file)
    {
        if (Opened(path, file) is not { } data)
            return null;
        Heap.Access(data, "msharefs_ioctl");
        if (data.Initialized)
            return data;
        Refuse(path, Errno.EINVAL, "the region has no size yet (ftruncate() first)");
        return null;
    }

    private void Refuse(KernelPath path, Errno errno, string why)
    {
        Log.Note($"{why}: -{errno}");
        path.Result = -(long)errno;
    }

    // Whether a vma of any mm other than the host's maps the file (vma->vm_file holds the file, and so the inode).
    private bool Mapped(MshareData data, IReadOnlyCollection<VmArea> except) =>
        Heap.Live<MmStruct>().Any(mm => mm.Vmas.Any(v => !except.Contains(v) && v.Mshare && v.File == data.File));

    // msharefs_evict_inode() -> mshare_data_putref(): the last reference frees the host mm and the mshare_data
    // (msharefs_delmm(): mmput(m_data->mm); kfree(m_data)). The owner's list entry is dropped with it.
    private IEnumerable<InterleavingPoint> EvictIfUnused(MshareData data, IReadOnlyCollection<VmArea> except)
    {
        if (data.Linked || Mapped(data, except))
            yield break;
        data.Ref--;
        if (data.Ref != 0)
            yield break;
        foreach (var point in kernel.Mmput($"msharefs_delmm({data})", data.Mm))
            yield return point;
        Heap.Kfree(data, "msharefs_delmm");
        InodeOf(data.File).Value = null;
        Log.Note($"msharefs_evict_inode(): {data.Mm} and {data} freed");
    }
}
