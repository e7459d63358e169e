using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Runtime.Mechanisms.Ioport;

/// <summary>
/// H. Peter Anvin's alternative in the thread of [patch 5/9] (seed 002, 7 November 2019), never posted as a patch: "keep
/// the bitmask in a pre-formatted TSS (ioperm being per thread, so no concerns about the TSS being in use on another
/// processor), and copy the TSS fields (88 bytes) over if and only if the thread has been migrated to a different CPU,
/// then switch the TSS rather than switching. For the common case (no ioperms) we use the standard per-cpu TSS." He
/// doubted "that copying 88 bytes + LTR is any cheaper than copying 8K". Brian Gerst's answer is a constraint, not a
/// cost: "The TSS has to be at a fixed address in the cpu_entry_area so that it is visible when running in usermode
/// (thanks to Meltdown)". With PTI the user page tables map cpu_entry_area and nothing else of the kernel, so the CPU
/// cannot read a kmalloc'd TSS in user mode: the first interrupt or IN/OUT there faults while delivering the fault,
/// a triple fault. The model reports that as an oops of the tss_struct at its first load and goes on as if the
/// hardware could read it, so that the costs can still be weighed. The rest is mainline's code. Assumed where the mail
/// is silent: the thread's TSS is allocated on its first return to user mode with a bitmap and freed by
/// exit_thread(); the task register is switched in __switch_to_xtra() to the next task's TSS if it has one, and back to
/// the CPU's own when a task returns to user mode without one.
/// </summary>
public sealed class PerThreadTssIoport(LinuxKernel kernel) : MergedIoport(kernel, IopermVariant.PerThreadTss, IopermVariant.Merged)
{
    // __switch_to_xtra(): "switch the TSS rather than switching" the bitmap.
    public override void SwitchToBitmap(Cpu cpu, TaskStruct prev, TaskStruct next)
    {
        base.SwitchToBitmap(cpu, prev, next);
        if (OwnTss(next) is { } tss)
            Ltr(cpu, tss);
        else if (Cpus[cpu.Index].TaskRegister is not null)
            Ltr(cpu, null);
    }

    // The merged kernel's tss_copy_io_bitmap(), into the thread's own TSS, which then goes into the task register.
    protected override void LoadIoBitmap(Cpu cpu, TaskStruct current, IoBitmap iobm)
    {
        var tss = current.Thread.IoTss;
        if (tss is null)
        {
            tss = ThreadTss.Allocate(Heap, "tss_update_io_bitmap");
            current.Thread.IoTss = tss;
            Log.Note($"allocated {tss} for {current} ({tss.Size} bytes in a {Units.Bytes(tss.AllocatedBytes)} allocation)");
        }
        Heap.Access(tss, "tss_update_io_bitmap");
        if (tss.PrevSequence != iobm.Sequence)
        {
            var bytes = Math.Max(tss.PrevMax, iobm.Max);
            iobm.Bitmap.Read()[..(bytes / sizeof(ulong))].CopyTo(tss.Bitmap.Write());
            Cpus[cpu.Index].ThreadTssBytes += bytes;
            Log.Note($"copied {Units.Bytes(bytes)} of {iobm} into {tss}");
            tss.PrevMax = iobm.Max;
            tss.PrevSequence = iobm.Sequence;
        }
        Ltr(cpu, tss);
    }

    // arch/x86/entry/common.c: exit_to_user_mode_prepare(): a task without its own map returns on the CPU's TSS.
    public override void ExitToUserModePrepare(Cpu cpu, TaskStruct current)
    {
        base.ExitToUserModePrepare(cpu, current);
        if (Cpus[cpu.Index].TaskRegister is not null && OwnTss(current) is null)
            Ltr(cpu, null);
    }

    public override void ExitThread(Cpu cpu, TaskStruct current, TaskStruct tsk)
    {
        base.ExitThread(cpu, current, tsk);
        if (tsk.Thread.IoTss is not { } tss)
            return;
        if (Cpus[cpu.Index].TaskRegister == tss)
            Ltr(cpu, null);
        tsk.Thread.IoTss = null;
        Heap.Kfree(tss, "exit_thread");
        Log.Note($"{tss} of {tsk} freed");
    }

    /// <summary>The TSS the task runs on in user mode: its own while it has a bitmap and no emulated iopl(3).</summary>
    private static ThreadTss? OwnTss(TaskStruct task) =>
        task.TifIoBitmap && task.Thread.IoplEmul != 3 && task.Thread.IoBitmap is not null ? task.Thread.IoTss : null;

    // load_TR_desc() after pointing the GDT's TSS descriptor at tss (null: the CPU's own in cpu_entry_area)
    private void Ltr(Cpu cpu, ThreadTss? tss)
    {
        var state = Cpus[cpu.Index];
        if (state.TaskRegister == tss)
            return;
        if (tss is not null && tss.Cpu != cpu.Index)
        {
            state.TssFieldBytes += ThreadTss.MigratedFieldBytes;
            Log.Note($"{tss} {(tss.Cpu < 0 ? "first runs" : $"moved from cpu{tss.Cpu}")}: {ThreadTss.MigratedFieldBytes} bytes of TSS fields copied from {cpu}'s");
            tss.Cpu = cpu.Index;
        }
        state.Ltr++;
        state.TaskRegister = tss;
        cpu.Tss.BitmapPages = tss?.Bitmap;
        if (tss is null)
        {
            Log.Note($"LTR: {cpu} back on its own TSS");
            return;
        }
        cpu.Tss.IoBitmapBase = IoBitmapBase.ValidMap;
        Log.Note($"LTR: {cpu} runs on {tss}");
        if (!tss.UnmappedReported)
        {
            tss.UnmappedReported = true;
            Heap.Report(FindingKind.Oops, tss, $"triple fault: {cpu}'s task register points at {tss}, which is not in cpu_entry_area, so with PTI the user page tables do not map it and the CPU cannot read its stack pointers or I/O bitmap in user mode (Brian Gerst: \"The TSS has to be at a fixed address in the cpu_entry_area\")");
        }
    }
}
