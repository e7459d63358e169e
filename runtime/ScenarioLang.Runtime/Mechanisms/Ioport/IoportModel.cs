using ScenarioLang.Runtime.Catalog;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracing;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Mechanisms.Ioport;

/// <summary>
/// One kernel's I/O port permission code: ioperm(), iopl(), what fork, exit, the context switch and
/// the exit to user mode do with the bitmap, through the shared kernel's hooks (<see cref="IKernelHooks"/>).
/// Each subclass models one version and names the code it follows; the common hardware and bookkeeping live here.
/// </summary>
public abstract class IoportModel : IKernelHooks
{
    private readonly Tracked<ulong> _ioBitmapSequence;

    protected IoportModel(LinuxKernel kernel)
    {
        Kernel = kernel;
        _ioBitmapSequence = new(kernel.Heap.Tracker, new("ioport.io_bitmap_sequence"), 0);
    }

    protected LinuxKernel Kernel { get; }

    protected KernelHeap Heap => Kernel.Heap;

    protected KernelLog Log => Kernel.Log;

    public abstract IopermVariant Variant { get; }

    /// <summary>arch/x86/kernel/ioport.c: static atomic64_t io_bitmap_sequence.</summary>
    protected ulong IoBitmapSequence
    {
        get => _ioBitmapSequence.Value;
        set => _ioBitmapSequence.Value = value;
    }

    public IReadOnlyList<TaskSlot> TaskSlots { get; } = [IoThread.Slot];

    private readonly List<IoCpu> _cpus = [];

    /// <summary>Every CPU's state of seed 002's proposals, by CPU index.</summary>
    public IReadOnlyList<IoCpu> Cpus => _cpus;

    void IKernelHooks.TssInit(Tss tss)
    {
        if (tss.Cpu != _cpus.Count)
            throw new InvalidOperationException($"cpu{tss.Cpu} brought up out of order");
        _cpus.Add(new IoCpu(Heap.Tracker, tss));
        TssInit(tss);
    }

    /// <summary>The TSS state after cpu_init().</summary>
    public abstract void TssInit(Tss tss);

    /// <summary>ksys_ioperm(); this_cpu is <see cref="KernelPath.Cpu"/>, which changes if the path migrates.</summary>
    public abstract IEnumerable<InterleavingPoint> Ioperm(KernelPath path, TaskStruct current, ulong from, ulong num, bool turnOn);

    public abstract IEnumerable<InterleavingPoint> Iopl(KernelPath path, TaskStruct current, uint level);

    /// <summary>The I/O part of copy_thread() for a new task (the kmalloc failures it can return are not modelled).</summary>
    public abstract void CopyThread(TaskStruct parent, TaskStruct child);

    /// <summary>
    /// The I/O part of exit_thread(tsk), run by <paramref name="current"/> on <paramref name="cpu"/>: the exiting task
    /// itself, or the parent when copy_process() fails after copy_thread() and cleans up the child.
    /// </summary>
    public abstract void ExitThread(Cpu cpu, TaskStruct current, TaskStruct tsk);

    // arch/x86/kernel/process.c: __switch_to_xtra() -> switch_to_bitmap(tifp), which tests TIF_IO_BITMAP itself
    void IKernelHooks.SwitchToXtra(Cpu cpu, TaskStruct prev, TaskStruct next) => SwitchToBitmap(cpu, prev, next);

    /// <summary>switch_to_bitmap(), called by __switch_to_xtra() on every context switch.</summary>
    public abstract void SwitchToBitmap(Cpu cpu, TaskStruct prev, TaskStruct next);

    /// <summary>The I/O work on the way back to user mode (none before the merged kernel).</summary>
    public virtual void ExitToUserModePrepare(Cpu cpu, TaskStruct current)
    {
    }

    /// <summary>set_thread_flag() or clear_thread_flag() of TIF_IO_BITMAP: a locked bit operation (lock orb, lock andb).</summary>
    protected static InterleavingPoint SetTifIoBitmap => InterleavingPoint.Drain(LockedPoints.TifIoBitmap, "a locked bit operation on TIF_IO_BITMAP");

    /// <summary>Whether #GP on a user CLI/STI under iopl_emul 3 is faked as a NOP (fixup_iopl_exception(), mainline since 5.15).</summary>
    public virtual bool FakesIoplCliSti => false;

    // arch/x86/kernel/traps.c: fixup_iopl_exception() (b968e84b509d, 5.15), tried first for a user-mode #GP.
    public bool FixupIoplException(TaskStruct current, string insn)
    {
        var t = current.Thread;
        if (!FakesIoplCliSti || t.IoplEmul != 3)
            return false;
        if (!t.IoplWarn)
        {
            // pr_err() once per thread; the ip is left out so that the trace is the same on every run.
            Log.Note($"traps: {current.Name}[{current.Pid}] attempts to use CLI/STI, pretending it's a NOP");
            t.IoplWarn = true;
        }
        // regs->ip += 1: the one-byte instruction is skipped, IF stays as it was.
        Log.Note($"#GP fixed up: {insn} skipped as a NOP (iopl_emul 3)");
        return true;
    }

    // fs/exec.c: begin_new_exec() -> flush_thread() leaves the I/O bitmap, thread.iopl and iopl_emul as they are.
    public IEnumerable<string> FlushThread(TaskStruct tsk) => [tsk.Thread.IoBitmap is { } bitmap ? $"{bitmap} kept" : "no I/O bitmap"];

    // start_thread_common()'s regs->flags = X86_EFLAGS_IF drops a real IOPL, but not thread.iopl.
    public void StartThread(TaskStruct tsk, uint droppedIopl)
    {
        if (droppedIopl != 0)
            Log.Note($"EFLAGS.IOPL {droppedIopl} -> 0 (start_thread: regs->flags = X86_EFLAGS_IF); thread.iopl stays {tsk.Thread.Iopl}");
    }

    /// <summary>The bytes of the task's bitmap that may hold zero bits.</summary>
    public abstract int BitmapMax(TaskStruct task);

    public virtual int BitmapRefcount(TaskStruct task) =>
        throw new NotModelledException($"ioperm={IoportMechanism.Variants.NameOf(Variant)} has no refcount: each task owns its bitmap");

    public virtual ulong BitmapSequence(TaskStruct task) =>
        throw new NotModelledException($"ioperm={IoportMechanism.Variants.NameOf(Variant)} has no bitmap sequence numbers");

    public virtual int TssPrevMax(Tss tss) =>
        throw new NotModelledException($"ioperm={IoportMechanism.Variants.NameOf(Variant)} keeps no prev_max in the TSS");

    public virtual ulong TssPrevSequence(Tss tss) =>
        throw new NotModelledException($"ioperm={IoportMechanism.Variants.NameOf(Variant)} keeps no prev_sequence in the TSS");

    /// <summary>Reports live bitmaps that no task can reach, or whose refcount no task accounts for.</summary>
    public void CheckThreadLeaks(IReadOnlyList<TaskStruct> live)
    {
        // A loop over the few live tasks per bitmap: every execution of an explore block asks, most with no bitmap.
        foreach (var bitmap in Heap.Live<IoBitmap>())
        {
            var references = 0;
            foreach (var task in live)
            {
                if (task.Thread.IoBitmap == bitmap)
                    references++;
            }
            if (references == 0)
            {
                Heap.Report(FindingKind.Leak, bitmap, $"memory leak: {bitmap} ({bitmap.SizeText}, allocated by {bitmap.AllocationSite}) is referenced by no task");
                continue;
            }
            // No refcount before the merged kernel; a saturated one was reported at its misuse (and leaks on purpose).
            if (bitmap.Refcnt is not { IsSaturated: false } refcnt)
                continue;
            if (refcnt.Value > references)
                Heap.Report(FindingKind.Leak, bitmap, $"memory leak: {bitmap} has refcount {refcnt.Value} but {Units.Count(references, "task")} hold it: it can never be freed");
            else if (refcnt.Value < references)
                Heap.Report(FindingKind.RefcountMisuse, bitmap, $"refcount: {bitmap} has refcount {refcnt.Value} but {Units.Count(references, "task")} hold it: it will be freed while still in use");
        }
    }

    // capable(CAP_SYS_RAWIO)
    protected static bool Capable(TaskStruct task) => task.Cred.Capable(Capabilities.SysRawio);

    /// <summary>The range check every version starts with: EINVAL before any privilege check.</summary>
    protected static bool RangeInvalid(ulong from, ulong num) => from + num <= from || from + num > IoBitmap.Bits;

    protected string Describe(ulong from, ulong num, bool turnOn) =>
        $"{(turnOn ? "allowed" : "denied")} {(num == 1 ? "port " + Units.Port((long)from) : $"ports {Units.Port((long)from)}..{Units.Port((long)(from + num - 1))}")}";

    protected void NoteCopy(Cpu cpu, int bytes, string why) =>
        Log.Note($"copied {Units.Bytes(bytes)} into {cpu}'s TSS ({why})");

    protected static long Error(Errno errno) => -(long)errno;

    // arch/x86/kernel/ioport.c: SYSCALL_DEFINE1(iopl) of v5.4, which the series kept until [patch V2 14/16]
    // "x86/iopl: Restrict iopl() permission scope" emulated it: the real EFLAGS.IOPL.
    protected IEnumerable<InterleavingPoint> RealIopl(KernelPath path, TaskStruct current, uint level)
    {
        // "old = t->iopl >> X86_EFLAGS_IOPL_BIT": thread.iopl, not regs->flags (which exec resets).
        var old = current.Thread.Iopl;
        if (level > 3)
        {
            path.Result = Error(Errno.EINVAL);
            yield break;
        }
        // Trying to gain more privileges?
        if (level > old && !Capable(current))
        {
            path.Result = Error(Errno.EPERM);
            yield break;
        }
        // regs->flags = (regs->flags & ~X86_EFLAGS_IOPL) | (level << X86_EFLAGS_IOPL_BIT)
        current.Regs.Iopl = (uint)level;
        current.Thread.Iopl = (uint)level;
        Log.Note($"EFLAGS.IOPL {old} -> {level}");
        path.Result = 0;
        // arch/x86/entry/entry_64.S: SYSRET only when regs->flags still equals the R11 it would restore; a new IOPL
        // returns to user mode with IRET, which waits for the store buffer to drain.
        if (level != old)
            yield return InterleavingPoint.Drain(KernelPoints.Iret, "iret");
    }

    /// <summary>
    /// ksys_ioperm()'s first checks, in its order and the same in every version: a range past the bitmap is -EINVAL,
    /// turning ports on without CAP_SYS_RAWIO -EPERM; null when the call goes on. (The same test's
    /// security_locked_down(LOCKDOWN_IOPORT), also -EPERM, is not modelled: no scenario can lock the kernel down.)
    /// </summary>
    protected static long? IopermRefused(TaskStruct current, ulong from, ulong num, bool turnOn) =>
        RangeInvalid(from, num) ? Error(Errno.EINVAL) : turnOn && !Capable(current) ? Error(Errno.EPERM) : null;
}
