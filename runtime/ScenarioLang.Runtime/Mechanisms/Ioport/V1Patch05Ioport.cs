using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracing;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Mechanisms.Ioport;

/// <summary>
/// "[patch 5/9] x86/ioport: Reduce ioperm impact for sane usage further" (Thomas Gleixner, 6 November 2019, V1 of the
/// series seed 002 discusses), as posted. The thread and the TSS keep the byte range with zero bits
/// (io_zerobits_start/end) instead of io_bitmap_max; ksys_ioperm() fills a temporary bitmap and copies the changed
/// range into the TSS; a bitmap user leaving the CPU only invalidates io_bitmap_base ([patch 4/9], as in V2 06/16).
/// Two things of the posted code decide what a task can reach:
/// <list type="bullet">
/// <item>tss_update_io_bitmap() computes src from the incoming thread's bitmap and then copies
/// <c>memcpy(dst + start, dst + start, len)</c>: the TSS onto itself. A task switched in gets the bits of whoever
/// last wrote the TSS (its own only if that was its last ioperm() on this CPU).</item>
/// <item>ksys_ioperm()'s loop for the last zero bit ends with <c>last = next</c> = IO_BITMAP_BITS when set bits follow
/// the last zero run, so the range reaches the end of the bitmap (8 KiB) for almost every bitmap.</item>
/// </list>
/// </summary>
public sealed class V1Patch05Ioport(LinuxKernel kernel) : BitmapPtrIoport(kernel)
{
    private const string Site = "ksys_ioperm";

    /// <summary>tss->io_zerobits_start and tss->io_zerobits_end of each CPU's tss_struct.</summary>
    private readonly Dictionary<int, (Tracked<int> Start, Tracked<int> End)> _tssZerobits = [];

    public override IopermVariant Variant => IopermVariant.V1Patch05;

    // arch/x86/kernel/cpu/common.c: cpu_init() with the patch: io_zerobits_start = IO_BITMAP_BYTES, end = 0; the base
    // invalid since [patch 4/9].
    public override void TssInit(Tss tss)
    {
        tss.IoBitmapBase = IoBitmapBase.Invalid;
        _tssZerobits[tss.Cpu] = (new(Heap.Tracker, new($"cpu{tss.Cpu}.tss.io_zerobits_start"), IoBitmap.Bytes),
            new(Heap.Tracker, new($"cpu{tss.Cpu}.tss.io_zerobits_end"), 0));
    }

    // arch/x86/kernel/ioport.c: ksys_ioperm() as [patch 5/9] posts it
    public override IEnumerable<InterleavingPoint> Ioperm(KernelPath path, TaskStruct current, ulong from, ulong num, bool turnOn)
    {
        var t = current.Thread;
        if (IopermRefused(current, from, num, turnOn) is { } refused)
        {
            path.Result = refused;
            yield break;
        }
        // "don't bother if the task does not have one and permissions are only cleared"
        if (t.IoBitmap is null && !turnOn)
        {
            path.Result = 0;
            yield break;
        }

        // "Allocate a temporary bitmap to minimize the amount of work in the atomic region": a copy of the thread's,
        // or all ports denied.
        var bitmap = t.IoBitmap is { } own ? own.Duplicate(Heap, Site) : IoBitmap.Allocate(Heap, Site, IoBitmap.Bytes);
        Log.Note($"allocated {bitmap} for {current} ({bitmap.SizeText}, {(t.IoBitmap is null ? "all ports denied" : $"a copy of {t.IoBitmap}")})");
        // kmalloc(GFP_KERNEL) may sleep.
        yield return InterleavingPoint.Preemptible(PreemptionPoints.Alloc);
        bitmap.Update(from, num, turnOn);
        Log.Note($"{Describe(from, num, turnOn)} in {bitmap}");

        // "Get the new range", with the posted loop.
        var bits = bitmap.Bitmap.Read();
        var first = FindNext(bits, 0, zero: true);
        int last, next;
        for (last = next = first; next < IoBitmap.Bits; last = next)
        {
            next = FindNext(bits, last, zero: false);
            last = next - 1;
            if (next == IoBitmap.Bits)
                break;
            next = FindNext(bits, next, zero: true);
        }
        var copyStart = (int)(from / 8);
        var copyLen = (int)((from + num + 7) / 8) - copyStart;

        // preempt_disable(): the rest runs on this CPU without a switch.
        var cpu = path.Cpu;
        var (tssStart, tssEnd) = _tssZerobits[cpu.Index];
        if (t.IoBitmap is null && tssStart.Value < IoBitmap.Bytes)
        {
            // "the perhaps stale content in the TSS needs to be taken into account"
            var copyEnd = copyStart + copyLen;
            copyStart = Math.Min(tssStart.Value, copyStart);
            copyLen = Math.Max(tssEnd.Value, copyEnd) - copyStart;
        }
        cpu.Tss.CopyIn(bits, copyStart, copyLen);
        NoteCopy(cpu, copyLen, $"bytes {copyStart}..{copyStart + copyLen - 1} of {bitmap}, the changed range");

        IoBitmap? tofree = null;
        IoBitmap? installed = bitmap;
        yield return SetTifIoBitmap;
        if (first >= IoBitmap.Bits)
        {
            current.TifIoBitmap = false;
            SetBase(cpu, IoBitmapBase.Invalid, "all permissions dropped");
            tofree = bitmap;
            installed = null;
        }
        else
        {
            current.TifIoBitmap = true;
            SetBase(cpu, IoBitmapBase.ValidMap, $"{current} has zero bits");
        }
        var start = first / 8;
        // round_up(last, 8) / 8
        var end = first < IoBitmap.Bits ? (last + 7) / 8 : 0;
        t.IoZerobitsStart = tssStart.Value = start;
        t.IoZerobitsEnd = tssEnd.Value = end;
        Log.Note($"io_zerobits {start}..{end} (bytes) for {current} and {cpu}'s TSS");

        // xchg(&t->io_bitmap_ptr, bitmap), preempt_enable(), then kfree() of the old one and of an empty new one.
        var old = t.IoBitmap;
        t.IoBitmap = installed;
        foreach (var freed in new[] { old, tofree })
        {
            if (freed is not null)
                Heap.Kfree(freed, Site);
        }
        path.Result = 0;
    }

    // arch/x86/kernel/process.c: copy_thread_tls(): arch_dup_task_struct() copied the zero-bit range too.
    public override void CopyThread(TaskStruct parent, TaskStruct child)
    {
        child.Thread.IoZerobitsStart = parent.Thread.IoZerobitsStart;
        child.Thread.IoZerobitsEnd = parent.Thread.IoZerobitsEnd;
        base.CopyThread(parent, child);
    }

    // arch/x86/kernel/process.c: exit_thread(): "t->io_zerobits_start = IO_BITMAP_BYTES; t->io_zerobits_end = 0;", then
    // "Invalidate the io bitmap base in the TSS".
    public override void ExitThread(Cpu cpu, TaskStruct current, TaskStruct tsk)
    {
        if (tsk.Thread.IoBitmap is not null)
        {
            tsk.Thread.IoZerobitsStart = IoBitmap.Bytes;
            tsk.Thread.IoZerobitsEnd = 0;
        }
        base.ExitThread(cpu, current, tsk);
    }

    protected override void CleanTssOnExit(Cpu cpu, int ioBitmapMax) =>
        SetBase(cpu, IoBitmapBase.Invalid, "exit_thread; the bits stay in the TSS");

    // arch/x86/kernel/process.c: switch_to_bitmap() with tss_update_io_bitmap()
    public override void SwitchToBitmap(Cpu cpu, TaskStruct prev, TaskStruct next)
    {
        if (next.TifIoBitmap)
            TssUpdateIoBitmap(cpu, next);
        else if (prev.TifIoBitmap)
            SetBase(cpu, IoBitmapBase.Invalid, $"{prev} leaves the CPU; its bits stay in the TSS");
    }

    // "ioperm_active(): DIV_ROUND_UP(target->thread.io_zerobits_end, …)": the patch has no io_bitmap_max.
    public override int BitmapMax(TaskStruct task) =>
        throw new NotModelledException("ioperm=v1-05-09 keeps io_zerobits_start and io_zerobits_end, not io_bitmap_max");

    // arch/x86/kernel/process.c: tss_update_io_bitmap() as posted: src is the incoming bitmap, the copy reads dst.
    private void TssUpdateIoBitmap(Cpu cpu, TaskStruct next)
    {
        var (tssStart, tssEnd) = _tssZerobits[cpu.Index];
        var t = next.Thread;
        var start = Math.Min(tssStart.Value, t.IoZerobitsStart);
        var len = Math.Max(tssEnd.Value, t.IoZerobitsEnd) - start;
        // src = thread->io_bitmap_ptr is computed and never read.
        cpu.Tss.CopyIn(cpu.Tss.Bitmap.Read(), start, len);
        Log.Note($"copied {Units.Bytes(len)} of {cpu}'s TSS onto itself (memcpy(dst + start, dst + start, len)): {next}'s bits are not copied in");
        tssStart.Value = t.IoZerobitsStart;
        tssEnd.Value = t.IoZerobitsEnd;
        SetBase(cpu, IoBitmapBase.ValidMap, "bitmap user switched in");
    }

    // lib/find_bit.c: find_next_zero_bit() / find_next_bit(): the first zero (or set) bit at or after offset, or
    // IO_BITMAP_BITS when there is none.
    private static int FindNext(ReadOnlySpan<ulong> bitmap, int offset, bool zero)
    {
        for (var bit = offset; bit < IoBitmap.Bits; bit++)
        {
            var set = (bitmap[bit / 64] & (1UL << (bit % 64))) != 0;
            if (set != zero)
                return bit;
        }
        return IoBitmap.Bits;
    }
}
