using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Runtime.Mechanisms.Ioport;

/// <summary>
/// The merged kernel (5.5 and later): a refcounted bitmap shared on fork and copied on write
/// ([patch V3 14/20], seed 000), the TSS updated on exit to user mode only when the sequence number
/// differs, and iopl() emulated through the all-zero map. Two releases of it:
/// <list type="bullet">
/// <item><see cref="IopermVariant.Merged"/>, mainline: io_bitmap_exit(tsk) acts on the task it is given
/// (4bfe6cce133c, 5.7 and 5.6.16), CLI/STI under iopl(3) are faked as NOPs (b968e84b509d, 5.15), and since
/// 8b68e978718f ("x86/iopl: Cure TIF_IO_BITMAP inconsistencies", June 2025, also in stable) io_bitmap_exit() updates
/// the TSS only when tsk is current, copy_thread() clears the child's TIF_IO_BITMAP before io_bitmap_share(), and
/// native_tss_update_io_bitmap() has WARN_ON_ONCE(!iobm). From 5.7 to 6.15 io_bitmap_exit(tsk) called
/// task_update_io_bitmap(tsk), which refreshed current's TSS while a failed fork cleaned up the child; for the tasks
/// the model has (no kernel threads, whose copied TIF_IO_BITMAP without a bitmap was the inconsistency) that leaves
/// the same state, so it is not a variant of its own.</item>
/// <item><see cref="IopermVariant.Merged55"/>, as released in 5.5: io_bitmap_exit(void) and
/// task_update_io_bitmap(void) act on current, and CLI/STI under iopl(3) raise #GP.</item>
/// </list>
/// And one posting of it: <see cref="IopermVariant.V2Patch11"/>, "[patch V2 11/16] x86/ioperm: Share I/O bitmap if
/// identical" (Thomas Gleixner, 11 November 2019), whose ksys_ioperm() does not reset the refcount kmemdup() copied
/// into the duplicate; V3 14/20 (seed 000) added the refcount_set() "(Peter, Andy)". Its iopl() is still v5.4's, which
/// sets the real EFLAGS.IOPL: the emulation came three patches later ([patch V2 14/16] "x86/iopl: Restrict iopl()
/// permission scope"). The rest of that variant is merged-5.5's code: the sharing path is what the posting is modelled for.
/// Seed 002's proposals (<see cref="RemapIoport"/>, <see cref="PerThreadTssIoport"/>) are mainline with another way of
/// getting the bitmap to the CPU: they override <see cref="LoadIoBitmap"/> and the switch.
/// </summary>
public class MergedIoport : IoportModel
{
    private const string Site = "ksys_ioperm";

    public MergedIoport(LinuxKernel kernel, IopermVariant variant) : this(kernel, variant, variant)
    {
        if (variant is not (IopermVariant.Merged or IopermVariant.Merged55 or IopermVariant.V2Patch11))
            throw new ArgumentOutOfRangeException(nameof(variant), variant, "not a release of the merged code");
    }

    /// <summary>A proposal built on a release: everything but how the CPU gets the bitmap is the release's.</summary>
    protected MergedIoport(LinuxKernel kernel, IopermVariant proposal, IopermVariant release) : base(kernel)
    {
        Variant = proposal;
        Release = release;
    }

    public override IopermVariant Variant { get; }

    /// <summary>The release whose code this is: the variant, or mainline for a proposal.</summary>
    private IopermVariant Release { get; }

    /// <summary>5.5's io_bitmap_exit(void): whatever task exit_thread() cleans up, current's bitmap is dropped.</summary>
    private bool ExitActsOnCurrent => Release is IopermVariant.Merged55 or IopermVariant.V2Patch11;

    /// <summary>8b68e978718f: io_bitmap_exit() leaves the TSS alone on a failed fork, and the WARN_ON_ONCE(!iobm).</summary>
    private bool CuresTifInconsistencies => Release == IopermVariant.Merged;

    /// <summary>refcount_set(&amp;iobm->refcnt, 1) after kmemdup(): added in V3 14/20, missing from V2 11/16.</summary>
    private bool ResetsDuplicateRefcount => Release != IopermVariant.V2Patch11;

    public override bool FakesIoplCliSti => Release == IopermVariant.Merged;

    // arch/x86/kernel/cpu/common.c: tss_setup_io_bitmap()
    public override void TssInit(Tss tss)
    {
        tss.IoBitmapBase = IoBitmapBase.Invalid;
        tss.PrevMax = 0;
        tss.PrevSequence = 0;
    }

    // arch/x86/kernel/ioport.c: ksys_ioperm()
    public override IEnumerable<InterleavingPoint> Ioperm(KernelPath path, TaskStruct current, ulong from, ulong num, bool turnOn)
    {
        var t = current.Thread;
        if (IopermRefused(current, from, num, turnOn) is { } refused)
        {
            path.Result = refused;
            yield break;
        }

        var iobm = t.IoBitmap;
        if (iobm is null)
        {
            // No point to allocate a bitmap just to clear permissions.
            if (!turnOn)
            {
                Log.Note($"{current} has no bitmap: nothing to clear, nothing allocated");
                path.Result = 0;
                yield break;
            }
            // kmalloc(sizeof(*iobm), GFP_KERNEL)
            iobm = IoBitmap.Allocate(Heap, Site, IoBitmap.StructBytes);
            iobm.AddRefcount(Heap, 1);
            Log.Note($"allocated {iobm} for {current} ({iobm.SizeText}, all ports denied)");
            // kmalloc(GFP_KERNEL) may sleep.
            yield return InterleavingPoint.Preemptible(PreemptionPoints.Alloc);
        }

        // Shared with another task since fork: duplicate and drop the reference on the original.
        if (iobm.Refcnt!.Value > 1)
        {
            var shared = iobm;
            iobm = shared.Duplicate(Heap, Site);
            if (ResetsDuplicateRefcount)
                iobm.Refcnt!.Set(1);
            Log.Note($"{shared} is shared (refcount {shared.Refcnt!.Value}): copied on write to {iobm}, "
                + (ResetsDuplicateRefcount ? "refcount reset to 1" : $"its refcount left at the copied {iobm.Refcnt!.Value}"));
            yield return InterleavingPoint.Preemptible(PreemptionPoints.Cow);
            yield return InterleavingPoint.Drain(LockedPoints.IoBitmapExit, "refcount_dec_and_test() (lock xadd)");
            IoBitmapExit(path.Cpu, current, current);
        }

        // Store the pointer before the update, so that dropping the last permission can free it.
        t.IoBitmap = iobm;
        yield return SetTifIoBitmap;
        current.TifIoBitmap = true;
        yield return InterleavingPoint.Preemptible(PreemptionPoints.Installed);

        Heap.Access(iobm, Site);
        iobm.Update(from, num, turnOn);
        Log.Note($"{Describe(from, num, turnOn)} in {iobm}");

        var maxLong = iobm.LastLongWithZeroBit();
        if (maxLong < 0)
        {
            Log.Note("all permissions dropped");
            IoBitmapExit(path.Cpu, current, current);
            path.Result = 0;
            yield break;
        }
        iobm.Max = (maxLong + 1) * sizeof(ulong);
        // The TSS is updated on the way back to user mode, when it sees the new sequence number.
        iobm.Sequence = ++IoBitmapSequence;
        Log.Note($"max = {Units.Bytes(iobm.Max)}, sequence {iobm.Sequence}");
        path.Result = 0;
    }

    /// <summary>iopl() emulated through the I/O bitmap ([patch V2 14/16] on); before it, the real EFLAGS.IOPL.</summary>
    private bool EmulatesIopl => Release != IopermVariant.V2Patch11;

    // arch/x86/kernel/ioport.c: SYSCALL_DEFINE1(iopl)
    public override IEnumerable<InterleavingPoint> Iopl(KernelPath path, TaskStruct current, uint level) =>
        EmulatesIopl ? EmulatedIopl(path, current, level) : RealIopl(path, current, level);

    private IEnumerable<InterleavingPoint> EmulatedIopl(KernelPath path, TaskStruct current, uint level)
    {
        var t = current.Thread;
        if (level > 3)
        {
            path.Result = Error(Errno.EINVAL);
            yield break;
        }
        var old = t.IoplEmul;
        // No point in going further if nothing changes.
        if (level == old)
        {
            path.Result = 0;
            yield break;
        }
        // Trying to gain more privileges?
        if (level > old && !Capable(current))
        {
            path.Result = Error(Errno.EPERM);
            yield break;
        }
        t.IoplEmul = (uint)level;
        Log.Note($"iopl_emul {old} -> {level}; EFLAGS.IOPL stays 0");
        yield return SetTifIoBitmap;
        TaskUpdateIoBitmap(path.Cpu, current, current);
        path.Result = 0;
    }

    // arch/x86/kernel/process.c: copy_thread() with io_bitmap_share() from ioport.c
    public override void CopyThread(TaskStruct parent, TaskStruct child)
    {
        // arch_dup_task_struct() copies the thread (thread.iopl too, until [patch V2 14/16] replaced it with iopl_emul),
        // copy_thread() clears the pointer (and, since 5.15, iopl_warn).
        child.Thread.Iopl = parent.Thread.Iopl;
        child.Thread.IoplEmul = parent.Thread.IoplEmul;
        child.Thread.IoBitmap = null;
        child.Thread.IoplWarn = false;
        // arch_dup_task_struct() copied the thread flags; since 8b68e978718f copy_thread() clears TIF_IO_BITMAP.
        child.TifIoBitmap = !CuresTifInconsistencies && parent.TifIoBitmap;
        if (!parent.TifIoBitmap)
            return;
        // io_bitmap_share(): the bitmap can be NULL when only iopl_emul == 3.
        if (parent.Thread.IoBitmap is { } iobm)
        {
            Heap.Access(iobm, "io_bitmap_share");
            iobm.Refcnt!.Inc("io_bitmap_share");
            child.Thread.IoBitmap = iobm;
            Log.Note($"{iobm} shared with {child} (refcount {iobm.Refcnt.Value})");
        }
        child.TifIoBitmap = true;
    }

    // arch/x86/kernel/process.c: exit_thread(): "if (test_thread_flag(TIF_IO_BITMAP))" tests current's flag.
    public override void ExitThread(Cpu cpu, TaskStruct current, TaskStruct tsk)
    {
        if (!current.TifIoBitmap)
            return;
        if (ExitActsOnCurrent && tsk != current)
            Log.Note($"io_bitmap_exit() takes no task in 5.5: it drops {current}'s bitmap, not {tsk}'s (fixed by 4bfe6cce133c)");
        IoBitmapExit(cpu, current, ExitActsOnCurrent ? current : tsk);
    }

    // arch/x86/kernel/process.c: switch_to_bitmap()
    public override void SwitchToBitmap(Cpu cpu, TaskStruct prev, TaskStruct next)
    {
        // Invalidate the I/O bitmap if the previous task used it; the next task handles its own on exit to user mode.
        if (prev.TifIoBitmap)
            TssInvalidateIoBitmap(cpu, $"{prev} had TIF_IO_BITMAP");
    }

    // arch/x86/include/asm/entry-common.h: arch_exit_to_user_mode_prepare()
    public override void ExitToUserModePrepare(Cpu cpu, TaskStruct current)
    {
        if (current.TifIoBitmap)
            TssUpdateIoBitmap(cpu, current);
    }

    public override int BitmapMax(TaskStruct task) => task.Thread.IoBitmap?.Max ?? 0;

    public override int BitmapRefcount(TaskStruct task) => task.Thread.IoBitmap?.Refcnt?.Value ?? 0;

    public override ulong BitmapSequence(TaskStruct task) => task.Thread.IoBitmap?.Sequence ?? 0;

    public override int TssPrevMax(Tss tss) => tss.PrevMax;

    public override ulong TssPrevSequence(Tss tss) => tss.PrevSequence;

    // arch/x86/kernel/ioport.c: io_bitmap_exit(tsk); in 5.5 io_bitmap_exit(void), so tsk is always current there.
    private void IoBitmapExit(Cpu cpu, TaskStruct current, TaskStruct tsk)
    {
        var iobm = tsk.Thread.IoBitmap;
        tsk.Thread.IoBitmap = null;
        // "Don't touch the TSS when invoked on a failed fork(). TSS reflects the state of @current and not the state
        // of @tsk." (8b68e978718f)
        if (!CuresTifInconsistencies)
            TaskUpdateIoBitmap(cpu, current, tsk);
        else if (tsk == current)
            TaskUpdateIoBitmap(cpu, current, current);
        if (iobm is not null && iobm.Refcnt!.DecAndTest("io_bitmap_exit"))
        {
            BeforeFree(cpu, iobm);
            Heap.Kfree(iobm, "io_bitmap_exit");
            Log.Note($"{tsk} dropped the last reference: {iobm} freed");
        }
        else if (iobm is not null)
        {
            Log.Note($"{tsk} dropped its reference to {iobm} (refcount {iobm.Refcnt!.Value})");
        }
    }

    // arch/x86/kernel/ioport.c: task_update_io_bitmap(), of current in 5.5 and again since 8b68e978718f, of tsk from 5.7 to 6.15
    private void TaskUpdateIoBitmap(Cpu cpu, TaskStruct current, TaskStruct tsk)
    {
        if (tsk.Thread.IoplEmul == 3 || tsk.Thread.IoBitmap is not null)
        {
            // The TSS is updated on exit to user mode.
            tsk.TifIoBitmap = true;
            return;
        }
        tsk.TifIoBitmap = false;
        // tss_update_io_bitmap() works on current and this CPU, whichever task was updated.
        TssUpdateIoBitmap(cpu, current);
    }

    // arch/x86/kernel/process.c: native_tss_update_io_bitmap()
    private void TssUpdateIoBitmap(Cpu cpu, TaskStruct current)
    {
        var tss = cpu.Tss;
        if (!current.TifIoBitmap)
        {
            TssInvalidateIoBitmap(cpu, $"{current} has no I/O permissions");
            return;
        }
        if (current.Thread.IoplEmul == 3)
        {
            if (tss.IoBitmapBase != IoBitmapBase.ValidAll)
                Log.Note($"{cpu}'s io_bitmap_base -> valid-all (iopl 3 through the all-zero map)");
            tss.IoBitmapBase = IoBitmapBase.ValidAll;
            return;
        }
        var iobm = current.Thread.IoBitmap;
        if (iobm is null)
        {
            // Unreachable with the tasks the model has: only a kernel thread made by a task with TIF_IO_BITMAP had the
            // flag without a bitmap. Since 8b68e978718f a WARN_ON_ONCE(!iobm) clears the flag and invalidates the
            // map, with no return after it; before, and after it, iobm->sequence dereferences NULL.
            if (CuresTifInconsistencies)
            {
                Heap.Report(FindingKind.Warn, IoBitmap.KindName, $"WARNING: WARN_ON_ONCE(!iobm) in native_tss_update_io_bitmap(): {current} has TIF_IO_BITMAP but no bitmap");
                current.TifIoBitmap = false;
                TssInvalidateIoBitmap(cpu, "no bitmap");
            }
            Heap.Report(FindingKind.Oops, IoBitmap.KindName, $"BUG: kernel NULL pointer dereference in native_tss_update_io_bitmap(): iobm->sequence with {current}'s io_bitmap NULL");
            return;
        }
        Heap.Access(iobm, "tss_update_io_bitmap");
        LoadIoBitmap(cpu, current, iobm);
        tss.IoBitmapBase = IoBitmapBase.ValidMap;
    }

    /// <summary>Makes <paramref name="iobm"/> the map the CPU checks, before io_bitmap_base is set valid.</summary>
    protected virtual void LoadIoBitmap(Cpu cpu, TaskStruct current, IoBitmap iobm)
    {
        // Only copy bitmap data when the sequence number differs.
        if (cpu.Tss.PrevSequence != iobm.Sequence)
            TssCopyIoBitmap(cpu, iobm);
        else
            Log.Note($"{cpu}'s TSS already holds sequence {iobm.Sequence}: nothing copied");
    }

    /// <summary>What a proposal must undo before kfree() of a bitmap the CPUs may still reach.</summary>
    protected virtual void BeforeFree(Cpu cpu, IoBitmap iobm)
    {
    }

    // arch/x86/kernel/process.c: tss_copy_io_bitmap()
    private void TssCopyIoBitmap(Cpu cpu, IoBitmap iobm)
    {
        var tss = cpu.Tss;
        // Cover the incoming bitmap's zero bits and whatever the previous one allowed beyond them.
        var bytes = Math.Max(tss.PrevMax, iobm.Max);
        tss.CopyIn(iobm.Bitmap.Read(), bytes);
        NoteCopy(cpu, bytes, $"max of prev_max {Units.Bytes(tss.PrevMax)} and {iobm}'s max {Units.Bytes(iobm.Max)}");
        tss.PrevMax = iobm.Max;
        tss.PrevSequence = iobm.Sequence;
    }

    // arch/x86/include/asm/io_bitmap.h: native_tss_invalidate_io_bitmap()
    protected void TssInvalidateIoBitmap(Cpu cpu, string why)
    {
        if (cpu.Tss.IoBitmapBase == IoBitmapBase.Invalid)
            return;
        cpu.Tss.IoBitmapBase = IoBitmapBase.Invalid;
        Log.Note($"{cpu}'s io_bitmap_base -> invalid ({why})");
    }
}
