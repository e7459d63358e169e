using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Runtime.Mechanisms.Ioport;

/// <summary>
/// The kernels before the merged series (5.4, and the postings on top of it): each thread owns <c>io_bitmap_ptr</c>,
/// fork duplicates the bitmap, ioperm() writes the TSS itself, iopl() sets the real EFLAGS.IOPL. How far the TSS copy
/// reaches (io_bitmap_max, or [patch 5/9]'s zero-bit range) is the subclasses'.
/// </summary>
public abstract class BitmapPtrIoport(LinuxKernel kernel) : IoportModel(kernel)
{
    public override IEnumerable<InterleavingPoint> Iopl(KernelPath path, TaskStruct current, uint level) => RealIopl(path, current, level);

    // arch/x86/kernel/process_64.c: copy_thread_tls() of v5.4, its kmemdup() of io_bitmap_ptr written inline; the series'
    // "x86/process: Unify copy_thread_tls()" moved it into copy_io_bitmap() in process.c, which the postings use.
    public override void CopyThread(TaskStruct parent, TaskStruct child)
    {
        // arch_dup_task_struct() copied the thread: io_bitmap_max and thread.iopl come along.
        child.Thread.Iopl = parent.Thread.Iopl;
        child.Thread.IoBitmapMax = parent.Thread.IoBitmapMax;
        child.Thread.IoBitmap = null;
        if (!parent.TifIoBitmap)
            return;
        var copy = parent.Thread.IoBitmap!.Duplicate(Heap, Variant == IopermVariant.Pre55 ? "copy_thread_tls" : "copy_io_bitmap");
        child.Thread.IoBitmap = copy;
        child.TifIoBitmap = true;
        Log.Note($"{parent}'s {parent.Thread.IoBitmap} duplicated for {child} as {copy} ({copy.SizeText})");
    }

    // arch/x86/kernel/process.c: exit_thread(struct task_struct *tsk) (v5.4)
    public override void ExitThread(Cpu cpu, TaskStruct current, TaskStruct tsk)
    {
        var t = tsk.Thread;
        var bp = t.IoBitmap;
        if (bp is null)
            return;
        t.IoBitmap = null;
        // clear_thread_flag() and per_cpu(cpu_tss_rw, get_cpu()) act on current and this CPU, not on tsk. When
        // copy_process() fails, current is the parent: it loses TIF_IO_BITMAP but keeps its io_bitmap_ptr,
        // so switch_to_bitmap() stops copying its bits in and clearing them when it leaves.
        current.TifIoBitmap = false;
        if (current != tsk)
            Log.Note($"clear_thread_flag(TIF_IO_BITMAP) hits {current}, not {tsk}: {current} keeps {current.Thread.IoBitmap?.ToString() ?? "no bitmap"} without the flag");
        CleanTssOnExit(cpu, t.IoBitmapMax);
        t.IoBitmapMax = 0;
        Heap.Kfree(bp, "exit_thread");
        Log.Note($"{bp} freed");
    }

    /// <summary>What exit_thread() does to the TSS when the exiting task had a bitmap.</summary>
    protected abstract void CleanTssOnExit(Cpu cpu, int ioBitmapMax);

    protected void ClearTss(Cpu cpu, int bytes, string why)
    {
        cpu.Tss.Clear(bytes);
        Log.Note($"cleared {Units.Bytes(bytes)} of {cpu}'s TSS to 0xff ({why})");
    }

    protected void SetBase(Cpu cpu, IoBitmapBase value, string why)
    {
        cpu.Tss.IoBitmapBase = value;
        Log.Note($"{cpu}'s io_bitmap_base -> {IoportObservations.BaseName(value)} ({why})");
    }
}

/// <summary>
/// v5.4 and [patch V2 06/16]: ksys_ioperm() copies the thread's bitmap into the TSS up to io_bitmap_max, the last long
/// with a zero bit, and switch_to_bitmap() copies up to the larger of two maxima. The two differ only in how the TSS is
/// cleaned when a bitmap user leaves the CPU; those hooks are abstract.
/// </summary>
public abstract class MaxCopyIoport(LinuxKernel kernel) : BitmapPtrIoport(kernel)
{
    private const string Site = "ksys_ioperm";

    // arch/x86/kernel/ioport.c: ksys_ioperm() (v5.4)
    public override IEnumerable<InterleavingPoint> Ioperm(KernelPath path, TaskStruct current, ulong from, ulong num, bool turnOn)
    {
        var t = current.Thread;
        if (IopermRefused(current, from, num, turnOn) is { } refused)
        {
            path.Result = refused;
            yield break;
        }

        // The first call in a thread's lifetime sets the bitmap up, even to clear permissions.
        if (t.IoBitmap is null)
        {
            // kmalloc(IO_BITMAP_BYTES, GFP_KERNEL)
            var bitmap = IoBitmap.Allocate(Heap, Site, IoBitmap.Bytes);
            Log.Note($"allocated {bitmap} for {current} ({bitmap.SizeText}, all ports denied)");
            yield return InterleavingPoint.Preemptible(PreemptionPoints.Alloc);
            t.IoBitmap = bitmap;
            yield return SetTifIoBitmap;
            current.TifIoBitmap = true;
            OnFirstBitmap(path.Cpu);
        }
        // Preemption is enabled here, with TIF_IO_BITMAP set and the TSS not yet updated.
        yield return InterleavingPoint.Preemptible(PreemptionPoints.Installed);

        // get_cpu(): the rest runs with preemption disabled, so the max matches the bitmap contents.
        var cpu = path.Cpu;
        var iobm = t.IoBitmap;
        Heap.Access(iobm, Site);
        iobm.Update(from, num, turnOn);
        Log.Note($"{Describe(from, num, turnOn)} in {iobm}");

        // Search for a (possibly new) maximum; at least one long is always copied.
        var maxLong = Math.Max(0, iobm.LastLongWithZeroBit());
        var bytes = (maxLong + 1) * sizeof(ulong);
        var bytesUpdated = Math.Max(bytes, t.IoBitmapMax);
        t.IoBitmapMax = bytes;
        cpu.Tss.CopyIn(iobm.Bitmap.Read(), bytesUpdated);
        NoteCopy(cpu, bytesUpdated, $"max of {current}'s old and new io_bitmap_max, {Units.Bytes(bytes)} now");
        path.Result = 0;
    }

    // arch/x86/kernel/process.c: switch_to_bitmap()
    public override void SwitchToBitmap(Cpu cpu, TaskStruct prev, TaskStruct next)
    {
        if (next.TifIoBitmap)
        {
            // Copy the incoming bitmap's range, and the previous one's if that was larger.
            var (bytes, why) = SwitchInCopyBytes(cpu, prev, next);
            Heap.Access(next.Thread.IoBitmap!, "switch_to_bitmap");
            cpu.Tss.CopyIn(next.Thread.IoBitmap!.Bitmap.Read(), bytes);
            NoteCopy(cpu, bytes, why);
            AfterSwitchInCopy(cpu, next);
        }
        else if (prev.TifIoBitmap)
        {
            CleanTssOnSwitchOut(cpu, prev);
        }
    }

    public override int BitmapMax(TaskStruct task) => task.Thread.IoBitmapMax;

    /// <summary>What ksys_ioperm() does to the TSS right after installing a first bitmap.</summary>
    protected abstract void OnFirstBitmap(Cpu cpu);

    /// <summary>How many bytes switch_to_bitmap() copies for an incoming bitmap user (v5.4: max of both tasks' io_bitmap_max).</summary>
    protected virtual (int Bytes, string Why) SwitchInCopyBytes(Cpu cpu, TaskStruct prev, TaskStruct next) =>
        (Math.Max(prev.Thread.IoBitmapMax, next.Thread.IoBitmapMax), $"max of {prev}'s and {next}'s io_bitmap_max");

    /// <summary>What switch_to_bitmap() does after copying the incoming task's bitmap.</summary>
    protected abstract void AfterSwitchInCopy(Cpu cpu, TaskStruct next);

    /// <summary>What switch_to_bitmap() does when a bitmap user leaves for a task without one.</summary>
    protected abstract void CleanTssOnSwitchOut(Cpu cpu, TaskStruct prev);
}

/// <summary>
/// The kernel before the series (v5.4): io_bitmap_base always valid, the TSS bitmap cleared with
/// memset(0xff) whenever a bitmap user leaves the CPU, so it only ever holds the current task's bits.
/// </summary>
public sealed class PrePatchIoport(LinuxKernel kernel) : MaxCopyIoport(kernel)
{
    public override IopermVariant Variant => IopermVariant.Pre55;

    // arch/x86/kernel/cpu/common.c: cpu_init() (v5.4): base IO_BITMAP_OFFSET, all bits set
    public override void TssInit(Tss tss) => tss.IoBitmapBase = IoBitmapBase.ValidMap;

    // refresh_tss_limit() only: the base is always valid.
    protected override void OnFirstBitmap(Cpu cpu)
    {
    }

    protected override void AfterSwitchInCopy(Cpu cpu, TaskStruct next)
    {
    }

    // "Clear any possible leftover bits"
    protected override void CleanTssOnSwitchOut(Cpu cpu, TaskStruct prev) =>
        ClearTss(cpu, prev.Thread.IoBitmapMax, $"{prev} leaves the CPU");

    // "Careful, clear this in the TSS too"
    protected override void CleanTssOnExit(Cpu cpu, int ioBitmapMax) => ClearTss(cpu, ioBitmapMax, "exit_thread");
}

/// <summary>
/// [patch V2 06/16] "x86/io: Speedup schedule out of I/O bitmap user" as posted (seed 001): the
/// base is made invalid when a bitmap user is scheduled out and the bits are left in place; the next
/// bitmap user switched in copies max(tss->io_bitmap_prev_max, its io_bitmap_max) and records its
/// max there, but ioperm() copies only max(new, old) of its own and leaves io_bitmap_prev_max alone.
/// Stale zero bits above that stay: Andy Lutomirski's leak.
/// </summary>
public sealed class V2Patch06Ioport(LinuxKernel kernel) : MaxCopyIoport(kernel)
{
    public override IopermVariant Variant => IopermVariant.V2Patch06;

    // cpu_init() with the patch: io_bitmap_base = IO_BITMAP_OFFSET_INVALID, tss->io_bitmap_prev_max = 0
    public override void TssInit(Tss tss)
    {
        tss.IoBitmapBase = IoBitmapBase.Invalid;
        tss.PrevMax = 0;
    }

    // "Make the bitmap base in the TSS valid", under preempt_disable() with the pointer and TIF.
    protected override void OnFirstBitmap(Cpu cpu) => SetBase(cpu, IoBitmapBase.ValidMap, "first bitmap of this thread");

    // switch_to_bitmap() as posted in [patch V2 06/16]: memcpy(tss->io_bitmap, next->io_bitmap_ptr,
    // max(tss->io_bitmap_prev_max, next->io_bitmap_max)). ksys_ioperm() copies without updating
    // io_bitmap_prev_max, so what an ioperm() opened since the last switch-in is not covered.
    protected override (int Bytes, string Why) SwitchInCopyBytes(Cpu cpu, TaskStruct prev, TaskStruct next) =>
        (Math.Max(cpu.Tss.PrevMax, next.Thread.IoBitmapMax),
            $"max of io_bitmap_prev_max {Units.Bytes(cpu.Tss.PrevMax)} and {next}'s io_bitmap_max");

    // switch_to_bitmap() ([patch V2 06/16]): "Store the new max and set io_bitmap_base valid".
    protected override void AfterSwitchInCopy(Cpu cpu, TaskStruct next)
    {
        cpu.Tss.PrevMax = next.Thread.IoBitmapMax;
        SetBase(cpu, IoBitmapBase.ValidMap, "bitmap user switched in");
    }

    public override int TssPrevMax(Tss tss) => tss.PrevMax;

    // "Do not touch the bitmap. Let the next bitmap using task deal with the mess."
    protected override void CleanTssOnSwitchOut(Cpu cpu, TaskStruct prev) =>
        SetBase(cpu, IoBitmapBase.Invalid, $"{prev} leaves the CPU; its bits stay in the TSS");

    protected override void CleanTssOnExit(Cpu cpu, int ioBitmapMax) =>
        SetBase(cpu, IoBitmapBase.Invalid, "exit_thread; the bits stay in the TSS");
}
