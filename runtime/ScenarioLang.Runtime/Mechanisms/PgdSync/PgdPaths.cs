using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Scheduling;

namespace ScenarioLang.Runtime.Mechanisms.PgdSync;

/// <summary>The mechanism's steps as kernel paths of the kernel, as the shared kernel's own are (ForkPath, Mmap).</summary>
public static class PgdPaths
{
    extension(LinuxKernel kernel)
    {
        /// <summary>vmalloc(size) by a caller that then calls vmalloc_sync_all() (<see cref="VmallocSpace"/>); the result is the area's address.</summary>
        public KernelPath Vmalloc(Cpu cpu, long size) =>
            new(PgdPoints.Vmalloc, cpu, kernel.Memory, path => kernel.Mechanism<PgdModel>().Vmalloc.Vmalloc(path, size));

        /// <summary>
        /// A kernel access to the address with <paramref name="task"/>'s page tables loaded, or with init_mm's
        /// (swapper_pg_dir) in kernel context when it is null, in <paramref name="context"/> (the <c>touch_in</c> step;
        /// <c>touch</c> is process context); the lazy TLB of kernel threads, which keep the last user mm loaded, is not
        /// modelled. The result is 1 when the access completes (after a vmalloc fault or not), 0 when its #PF could not
        /// be handled.
        /// </summary>
        public KernelPath Touch(Cpu cpu, TaskStruct? task, ulong address, FaultContext context = FaultContext.None) =>
            new(context == FaultContext.None ? PgdPoints.Touch : PgdPoints.TouchIn, cpu, kernel.Memory,
                path => kernel.Mechanism<PgdModel>().Touch(path, task?.Mm, address, context));
    }
}
