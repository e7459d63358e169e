using ScenarioLang.Runtime.Kernel.Mm;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Scheduling;

namespace ScenarioLang.Runtime.Kernel;

/// <summary>
/// A mechanism's kernel code as the shared kernel calls it, at the call sites of the kernel's own hooks into arch and
/// feature code. Each mechanism folder implements the ones it needs; a default does what the kernel does without the
/// mechanism (nothing). <see cref="LinuxKernel"/> makes one per mechanism from its declaration
/// (<see cref="Catalog.MechanismDeclaration.Hooks"/>) and calls them in the catalog's order.
/// </summary>
public interface IKernelHooks
{
    /// <summary>The state the mechanism keeps in every task (its part of thread_struct), made with the task.</summary>
    IReadOnlyList<TaskSlot> TaskSlots => [];

    /// <summary>arch/x86/kernel/cpu/common.c: cpu_init() -> tss_setup_io_bitmap(): the mechanism's part of the TSS at boot.</summary>
    void TssInit(Tss tss)
    {
    }

    /// <summary>kernel/fork.c: copy_process() -> copy_thread(), after the user registers are copied.</summary>
    void CopyThread(TaskStruct parent, TaskStruct child)
    {
    }

    /// <summary>
    /// exit_thread(tsk), run by <paramref name="current"/> on <paramref name="cpu"/>: from do_exit() for the exiting task
    /// itself, or from copy_process()'s bad_fork_cleanup_thread for a child that never ran.
    /// </summary>
    void ExitThread(Cpu cpu, TaskStruct current, TaskStruct tsk)
    {
    }

    /// <summary>fs/exec.c: begin_new_exec() -> flush_thread(): what the thread keeps across exec, for the trace's note.</summary>
    IEnumerable<string> FlushThread(TaskStruct tsk) => [];

    /// <summary>start_thread(): the new program's user flags are set; <paramref name="droppedIopl"/> is the EFLAGS.IOPL they replaced.</summary>
    void StartThread(TaskStruct tsk, uint droppedIopl)
    {
    }

    /// <summary>kernel/sched/core.c: context_switch() -> __switch_to() -> __switch_to_xtra().</summary>
    void SwitchToXtra(Cpu cpu, TaskStruct prev, TaskStruct next)
    {
    }

    /// <summary>kernel/entry/common.c: exit_to_user_mode_prepare() -> arch_exit_to_user_mode_prepare().</summary>
    void ExitToUserModePrepare(Cpu cpu, TaskStruct current)
    {
    }

    /// <summary>
    /// arch/x86/kernel/traps.c: exc_general_protection() -> fixup_iopl_exception() for a user-mode CLI or STI
    /// (<paramref name="insn"/>): true when the #GP was fixed up and is not delivered.
    /// </summary>
    bool FixupIoplException(TaskStruct current, string insn) => false;

    /// <summary>Whether the mechanism holds <paramref name="mm"/> although no task uses it (a host mm of shared page tables).</summary>
    bool HoldsMm(MmStruct mm) => false;

    /// <summary>
    /// The object checker's leak pass, once the run has ended, over what the mechanism hangs off a task's thread (what
    /// exit_thread() releases): before the address spaces are checked.
    /// </summary>
    void CheckThreadLeaks(IReadOnlyList<TaskStruct> live)
    {
    }

    /// <summary>
    /// The leak pass over what the mechanism hangs off an address space (what __mmput() and pgd_free() release): after
    /// the address spaces are checked.
    /// </summary>
    void CheckMmLeaks(IReadOnlyList<TaskStruct> live)
    {
    }
}

/// <summary>
/// The kernel half of the page tables as the shared mm code calls it (arch/x86/mm/pgtable.c, mm_init() and
/// copy_process()): exactly one mechanism provides it.
/// </summary>
public interface IPgdOps
{
    /// <summary>swapper_pg_dir (init_mm.pgd): the reference PGD every mm copies its kernel part from.</summary>
    PgdTable Swapper { get; }

    /// <summary>The PGD of an mm made before the scenario started, written as boot code would.</summary>
    void Prepopulate(MmStruct mm, string owner);

    /// <summary>pgd_alloc() for a new mm (mm_init() -> mm_alloc_pgd()) made for the task <paramref name="owner"/>; sets mm->pgd.</summary>
    IEnumerable<InterleavingPoint> PgdAlloc(MmStruct mm, string owner);

    /// <summary>arch_pgd_init_late(mm) for <paramref name="tsk"/>'s new mm, which fork and exec call in the lockless series.</summary>
    IEnumerable<InterleavingPoint> PgdInitLate(TaskStruct tsk, MmStruct mm);

    /// <summary>pgd_free() from __mmdrop().</summary>
    IEnumerable<InterleavingPoint> PgdFree(MmStruct mm);
}

/// <summary>
/// Page-table sharing as mm/mmap.c and the fault path call it for MAP_SHARED_PT mappings (seed 004's RFC hooks): at most
/// one mechanism provides it; without one, MAP_SHARED_PT is an unknown flag.
/// </summary>
internal interface IPageTableSharing
{
    /// <summary>Whether do_mmap() honours MAP_SHARED_PT in the configured kernel.</summary>
    bool Enabled { get; }

    /// <summary>
    /// do_mmap()'s test of a MAP_SHARED_PT request's other flags, early in do_mmap(): null when the mapping is a
    /// candidate for sharing, else the errno do_mmap() returns.
    /// </summary>
    Errno? CheckSharedPtFlags(int flags);

    /// <summary>do_mmap()'s "candidate for page table sharing" block, after mmap_region() made <paramref name="vma"/>.</summary>
    IEnumerable<InterleavingPoint> Share(KernelPath path, VmArea vma, int prot);

    /// <summary>
    /// What mmap() returns when mmap_region()'s unmap of what MAP_FIXED covers was refused with <paramref name="error"/>,
    /// in the kernel the mechanism's posting is based on, and what do_mmap() does after it for a MAP_SHARED_PT request
    /// of <paramref name="file"/> (null when there is none).
    /// </summary>
    long MmapRegionFailed(long error, KernelFile? file);

    /// <summary>
    /// do_vmi_munmap()'s checks of the shared vmas among <paramref name="vmas"/>, those the range [start, start +
    /// PAGE_ALIGN(length)) intersects in address order, with the length as its caller passed it; path.Result becomes
    /// negative when the munmap is refused.
    /// </summary>
    IEnumerable<InterleavingPoint> Unshare(KernelPath path, IReadOnlyList<VmArea> vmas, ulong start, ulong length);

    /// <summary>find_shared_vma() from handle_mm_fault() for a VM_SHARED_PT vma.</summary>
    IEnumerable<InterleavingPoint> FindSharedVma(MmStruct guest, VmArea vma, ulong from, ulong to, bool write, FaultResult fault);

    /// <summary>
    /// get_unmapped_area() -> file->f_op->get_unmapped_area() for a file of the mechanism's own file system: the address
    /// (or a negative errno) for mapping <paramref name="file"/>, and null for any other file (the ordinary search).
    /// </summary>
    long? GetUnmappedArea(MmStruct mm, KernelFile file, ulong addr, ulong length, int flags) => null;

    /// <summary>mmap_region() -> file->f_op->mmap() for a file <see cref="GetUnmappedArea"/> placed: sets the vma's flags.</summary>
    void FileMmap(VmArea vma)
    {
    }

    /// <summary>
    /// unmap_single_vma() -> vma->vm_ops->unmap_page_range() for a VM_SHARED_PT vma: true when it replaced the ordinary
    /// zap of [from, to) (it unlinked the shared tables itself).
    /// </summary>
    bool UnmapPageRange(MmStruct mm, VmArea vma, ulong from, ulong to) => false;
}
