using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Kernel.Ioport;
using ScenarioLang.Runtime.Machine;

namespace ScenarioLang.Runtime;

/// <summary>
/// The machine state an <c>expect</c> can read. Each method is one property of the language
/// (<c>tss(cpu0).prev_max</c>, <c>bitmap(A).refcount</c>, <c>machine.tss_bytes_copied</c>…); a property the
/// selected kernel does not have throws <see cref="NotModelledException"/>, which fails the expectation.
/// </summary>
public sealed partial class Observations(X86Machine machine)
{
    private LinuxKernel Kernel => machine.Kernel;

    public IoBitmapBase TssIoBitmapBase(int cpu) => machine.Cpus[cpu].Tss.IoBitmapBase;

    public long TssPrevMax(int cpu) => Kernel.Ioport.TssPrevMax(machine.Cpus[cpu].Tss);

    public long TssPrevSequence(int cpu) => (long)Kernel.Ioport.TssPrevSequence(machine.Cpus[cpu].Tss);

    public long TssBytesCopied(int cpu) => machine.Cpus[cpu].Tss.BytesCopied;

    /// <summary>Whether the TSS copy of the bitmap on a CPU has the port's bit clear, whatever the base says.</summary>
    public bool TssMapAllows(int cpu, long port) => machine.Cpus[cpu].Tss.MapAllows((int)port);

    /// <summary>How many ports a one-byte user access on the CPU would be allowed right now, by the base and the map it points to.</summary>
    public long TssAllowedPorts(int cpu) => Enumerable.Range(0, IoBitmap.Bits).Count(port => machine.Cpus[cpu].Tss.Permits(port, 1));

    public KernelObject? Bitmap(TaskStruct task) => task.Thread.IoBitmap;

    public long BitmapRefcount(TaskStruct task) => Kernel.Ioport.BitmapRefcount(RequireBitmap(task));

    public long BitmapMax(TaskStruct task) => Kernel.Ioport.BitmapMax(RequireBitmap(task));

    public long BitmapSequence(TaskStruct task) => (long)Kernel.Ioport.BitmapSequence(RequireBitmap(task));

    public long BitmapAllowedPorts(TaskStruct task) => RequireBitmap(task).Thread.IoBitmap!.AllowedPorts();

    public long TaskIopl(TaskStruct task) => Math.Max(task.Thread.IoplEmul, task.Regs.Iopl);

    /// <summary>The real user id (cred->uid).</summary>
    public long TaskUid(TaskStruct task) => task.Cred.Uid;

    /// <summary>The flags user mode sees with PUSHF; print with <see cref="ValueFormat.Hex"/>.</summary>
    public long TaskEflags(TaskStruct task) => (long)LinuxKernel.UserPushf(task);

    /// <summary><c>faults(T)</c>: the task's page faults, minor and major (task_struct min_flt + maj_flt).</summary>
    public long TaskFaults(TaskStruct task) => task.MinFlt + task.MajFlt;

    public long TaskMinorFaults(TaskStruct task) => task.MinFlt;

    public long TaskMajorFaults(TaskStruct task) => task.MajFlt;

    public KernelObject? Mm(TaskStruct task) => task.Mm;

    public long MmUsers(TaskStruct task) =>
        task.Mm?.MmUsers ?? throw new NotModelledException($"{task} has no mm");

    public long LiveMms() => Kernel.Heap.Live(MmStruct.KindName);

    public bool TaskTifIoBitmap(TaskStruct task) => task.TifIoBitmap;

    public long TssBytesCopied() => machine.Cpus.Sum(c => c.Tss.BytesCopied);

    public long TssBytesCleared() => machine.Cpus.Sum(c => c.Tss.BytesCleared);

    public long BitmapsAllocated() => Kernel.Heap.Allocated(IoBitmap.KindName);

    public long BitmapsFreed() => Kernel.Heap.Freed(IoBitmap.KindName);

    public long LiveBitmaps() => Kernel.Heap.Live(IoBitmap.KindName);

    private static TaskStruct RequireBitmap(TaskStruct task) =>
        task.Thread.IoBitmap is null ? throw new NotModelledException($"{task} has no I/O bitmap") : task;
}
