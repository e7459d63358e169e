using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Mechanisms.Ioport;

/// <summary>
/// The I/O parts of struct thread_struct (arch/x86/include/asm/processor.h) and the TIF_IO_BITMAP flag, which every
/// task carries in its <see cref="Slot"/>; the tracked locations keep the kernel's field names (<c>A.thread.io_bitmap</c>).
/// </summary>
public sealed class IoThread(StateTracker tracker, string task)
{
    public static TaskSlot<IoThread> Slot { get; } = new("ioport", (tracker, task) => new IoThread(tracker, task));

    private readonly Tracked<IoBitmap?> _ioBitmap = new(tracker, MemoryLocation.Of(task, "thread.io_bitmap"), null);
    private readonly Tracked<int> _ioBitmapMax = new(tracker, MemoryLocation.Of(task, "thread.io_bitmap_max"), 0);
    private readonly Tracked<int> _ioZerobitsStart = new(tracker, MemoryLocation.Of(task, "thread.io_zerobits_start"), 0);
    private readonly Tracked<int> _ioZerobitsEnd = new(tracker, MemoryLocation.Of(task, "thread.io_zerobits_end"), 0);
    private readonly Tracked<uint> _ioplEmul = new(tracker, MemoryLocation.Of(task, "thread.iopl_emul"), 0);
    private readonly Tracked<bool> _ioplWarn = new(tracker, MemoryLocation.Of(task, "thread.iopl_warn"), false);
    private readonly Tracked<uint> _iopl = new(tracker, MemoryLocation.Of(task, "thread.iopl"), 0);
    private readonly Tracked<ThreadTss?> _ioTss = new(tracker, MemoryLocation.Of(task, "thread.io_tss"), null);
    private readonly Tracked<bool> _tifIoBitmap = new(tracker, MemoryLocation.Of(task, "tif_io_bitmap"), false);

    /// <summary>thread.io_bitmap (merged) or thread.io_bitmap_ptr (earlier kernels).</summary>
    public IoBitmap? IoBitmap
    {
        get => _ioBitmap.Value;
        set => _ioBitmap.Value = value;
    }

    /// <summary>thread.io_bitmap_max of the kernels before the merged series.</summary>
    public int IoBitmapMax
    {
        get => _ioBitmapMax.Value;
        set => _ioBitmapMax.Value = value;
    }

    /// <summary>thread.io_zerobits_start of [patch 5/9] (V1): the first byte of the bitmap with a zero bit.</summary>
    public int IoZerobitsStart
    {
        get => _ioZerobitsStart.Value;
        set => _ioZerobitsStart.Value = value;
    }

    /// <summary>thread.io_zerobits_end of [patch 5/9] (V1): the end of the byte range with zero bits.</summary>
    public int IoZerobitsEnd
    {
        get => _ioZerobitsEnd.Value;
        set => _ioZerobitsEnd.Value = value;
    }

    /// <summary>thread.iopl_emul: the emulated I/O privilege level of the merged kernel.</summary>
    public uint IoplEmul
    {
        get => _ioplEmul.Value;
        set => _ioplEmul.Value = value;
    }

    /// <summary>thread.iopl_warn: fixup_iopl_exception() has logged this thread's CLI/STI once (mainline).</summary>
    public bool IoplWarn
    {
        get => _ioplWarn.Value;
        set => _ioplWarn.Value = value;
    }

    /// <summary>
    /// thread.iopl (as a level, not shifted) of kernels with a real iopl(): what sys_iopl() compares a new
    /// level with (v5.4), and which exec leaves alone while it resets the IOPL of the user flags.
    /// </summary>
    public uint Iopl
    {
        get => _iopl.Value;
        set => _iopl.Value = value;
    }

    /// <summary>The thread's own pre-formatted TSS of hpa's proposal (seed 002); null in every kernel.</summary>
    public ThreadTss? IoTss
    {
        get => _ioTss.Value;
        set => _ioTss.Value = value;
    }

    /// <summary>TIF_IO_BITMAP: the task needs I/O bitmap work on context switch and exit to user mode.</summary>
    public bool TifIoBitmap
    {
        get => _tifIoBitmap.Value;
        set => _tifIoBitmap.Value = value;
    }
}

/// <summary>A task's I/O state as the kernel spells it: <c>tsk->thread.io_bitmap</c>, <c>test_tsk_thread_flag(tsk, TIF_IO_BITMAP)</c>.</summary>
public static class IoThreadOfTask
{
    extension(TaskStruct task)
    {
        /// <summary>The I/O parts of the task's thread_struct.</summary>
        public IoThread Thread => task.Get(IoThread.Slot);

        /// <summary>TIF_IO_BITMAP.</summary>
        public bool TifIoBitmap
        {
            get => task.Get(IoThread.Slot).TifIoBitmap;
            set => task.Get(IoThread.Slot).TifIoBitmap = value;
        }
    }
}
