using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Machine;

namespace ScenarioLang.Runtime.Mechanisms.Ioport;

/// <summary>The TSS I/O bitmaps, the tasks' bitmaps and IOPL as an <c>expect</c> reads them: the properties <see cref="IoportMechanism"/> declares.</summary>
public static class IoportObservations
{
    /// <summary>How <c>tss(cpu0).io_bitmap_base</c> is written and printed.</summary>
    public static IReadOnlyList<string> BaseNames { get; } = ["invalid", "valid-map", "valid-all"];

    public static string BaseName(IoBitmapBase value) => value switch
    {
        IoBitmapBase.Invalid => BaseNames[0],
        IoBitmapBase.ValidMap => BaseNames[1],
        IoBitmapBase.ValidAll => BaseNames[2],
        _ => throw new System.Diagnostics.UnreachableException($"io_bitmap_base {value}"),
    };

    public static string TssIoBitmapBase(this Observations o, int cpu) => BaseName(o.Machine.Cpus[cpu].Tss.IoBitmapBase);

    public static long TssPrevMax(this Observations o, int cpu) => Model(o).TssPrevMax(o.Machine.Cpus[cpu].Tss);

    public static long TssPrevSequence(this Observations o, int cpu) => (long)Model(o).TssPrevSequence(o.Machine.Cpus[cpu].Tss);

    public static long TssBytesCopied(this Observations o, int cpu) => o.Machine.Cpus[cpu].Tss.BytesCopied;

    /// <summary>How many ports a one-byte user access on the CPU would be allowed right now, by the base and the map it points to.</summary>
    public static long TssAllowedPorts(this Observations o, int cpu) => Enumerable.Range(0, IoBitmap.Bits).Count(port => o.Machine.Cpus[cpu].Tss.Permits(port, 1));

    public static KernelObject? Bitmap(this Observations o, TaskStruct task) => task.Thread.IoBitmap;

    public static long BitmapRefcount(this Observations o, TaskStruct task) => Model(o).BitmapRefcount(RequireBitmap(task));

    public static long BitmapMax(this Observations o, TaskStruct task) => Model(o).BitmapMax(RequireBitmap(task));

    public static long BitmapSequence(this Observations o, TaskStruct task) => (long)Model(o).BitmapSequence(RequireBitmap(task));

    public static long BitmapAllowedPorts(this Observations o, TaskStruct task) => RequireBitmap(task).Thread.IoBitmap!.AllowedPorts();

    public static long TaskIopl(this Observations o, TaskStruct task) => Math.Max(task.Thread.IoplEmul, task.Regs.Iopl);

    public static bool TaskTifIoBitmap(this Observations o, TaskStruct task) => task.TifIoBitmap;

    /// <summary>The flags user mode sees with PUSHF, printed in hex.</summary>
    public static long TaskEflags(this Observations o, TaskStruct task) => (long)LinuxKernel.UserPushf(task);

    public static long TssBytesCopied(this Observations o) => o.Machine.Cpus.Sum(c => c.Tss.BytesCopied) + Model(o).Cpus.Sum(c => c.ThreadTssBytes);

    public static long BitmapPteWrites(this Observations o) => Model(o).Cpus.Sum(c => c.PteWrites);

    public static long Invlpg(this Observations o) => Model(o).Cpus.Sum(c => c.Invlpg);

    public static long FlushIpis(this Observations o) => Model(o).Cpus.Sum(c => c.FlushIpis);

    public static long Ltr(this Observations o) => Model(o).Cpus.Sum(c => c.Ltr);

    public static long TssFieldBytes(this Observations o) => Model(o).Cpus.Sum(c => c.TssFieldBytes);

    /// <summary>What kmalloc() handed out for hpa-tss's per-thread TSSes: 16 KiB for each 8,304-byte struct tss_struct.</summary>
    public static long ThreadTssBytesAllocated(this Observations o) => o.Kernel.Heap.AllocatedBytes(ThreadTss.KindName);

    public static long TssBytesCleared(this Observations o) => o.Machine.Cpus.Sum(c => c.Tss.BytesCleared);

    public static long BitmapsAllocated(this Observations o) => o.Kernel.Heap.Allocated(IoBitmap.KindName);

    /// <summary>What kmalloc() handed out for them: 16 KiB for each 8,208-byte struct io_bitmap.</summary>
    public static long BitmapBytesAllocated(this Observations o) => o.Kernel.Heap.AllocatedBytes(IoBitmap.KindName);

    public static long BitmapsFreed(this Observations o) => o.Kernel.Heap.Freed(IoBitmap.KindName);

    public static long LiveBitmaps(this Observations o) => o.Kernel.Heap.Live(IoBitmap.KindName);

    private static IoportModel Model(Observations o) => o.Kernel.Mechanism<IoportModel>();

    private static TaskStruct RequireBitmap(TaskStruct task) =>
        task.Thread.IoBitmap is null ? throw new NotModelledException($"{task} has no I/O bitmap") : task;
}
