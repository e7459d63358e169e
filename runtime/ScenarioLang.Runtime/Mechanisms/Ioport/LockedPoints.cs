using ScenarioLang.Runtime.Catalog;

namespace ScenarioLang.Runtime.Mechanisms.Ioport;

/// <summary>
/// The places in ioperm() and iopl() where the kernel code runs a locked or serializing instruction, which waits for the
/// CPU's store buffer to drain (<see cref="Scheduling.InterleavingKind.Fence"/>): the bit operations on TIF_IO_BITMAP,
/// the refcount_t decrement of io_bitmap_exit(), the IRET of a real iopl(). The same name for the same place in every
/// variant that has it.
/// </summary>
public static class LockedPoints
{
    public const string Iopl = "iopl";

    public const string IoBitmapExit = "io_bitmap_exit";
    public const string TifIoBitmap = "tif_io_bitmap";

    public static IReadOnlyList<PausePoint> All { get; } =
    [
        new(PreemptionPoints.Ioperm, IoBitmapExit, "merged: the shared bitmap was duplicated; io_bitmap_exit() is about to drop the reference to it (refcount_dec_and_test(), a locked instruction)"),
        new(PreemptionPoints.Ioperm, TifIoBitmap, "about to set TIF_IO_BITMAP (v1-05-09: or clear it) with a locked bit operation; v5.4 and v2-06-16 only on the thread's first call"),
        new(Iopl, TifIoBitmap, "the emulated iopl() (merged): task_update_io_bitmap() is about to set or clear TIF_IO_BITMAP with a locked bit operation"),
        new(Iopl, KernelPoints.Iret, "the real iopl() (pre-5.5 to v2-11-16) changed EFLAGS.IOPL: regs->flags no longer equals the R11 SYSRET would restore, so the syscall returns with IRET, which waits for the store buffer to drain"),
    ];
}
