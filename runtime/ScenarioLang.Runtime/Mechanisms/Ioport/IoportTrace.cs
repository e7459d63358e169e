using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Runtime.Mechanisms.Ioport;

/// <summary>What the trace says about a user-mode port instruction: which check decided it, and stale bits when the TSS allows more than the task's own bitmap.</summary>
public static class IoportTrace
{
    public static void ExplainPortCheck(LinuxKernel kernel, Cpu cpu, TaskStruct task, int port, int width)
    {
        var what = width == 1 ? $"port {Units.Port(port)}" : $"ports {Units.Port(port)}..{Units.Port(port + width - 1)}";
        if (task.Regs.Iopl == 3)
        {
            kernel.Log.Note($"EFLAGS.IOPL is 3: {what} allowed without the bitmap");
            return;
        }
        var tss = cpu.Tss;
        var baseName = IoportObservations.BaseName(tss.IoBitmapBase);
        if (tss.IoBitmapBase != IoBitmapBase.ValidMap)
        {
            kernel.Log.Note($"{cpu}'s io_bitmap_base is {baseName}: {what} {(tss.Permits(port, width) ? "allowed" : "denied")}");
            return;
        }
        var allowed = tss.Permits(port, width);
        var own = task.Thread.IoBitmap;
        var ownAllows = own is not null && Enumerable.Range(port, width).All(p => p < IoBitmap.Bits && own.Allows(p));
        var stale = allowed && !ownAllows ? $", but {task}'s own bitmap denies it: stale bits in the TSS" : "";
        kernel.Log.Note($"{cpu}'s TSS map {(allowed ? "allows" : "denies")} {what}{stale}");
    }
}
