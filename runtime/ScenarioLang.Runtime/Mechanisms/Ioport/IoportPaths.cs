using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Scheduling;

namespace ScenarioLang.Runtime.Mechanisms.Ioport;

/// <summary>The mechanism's syscalls as kernel paths of the kernel, as the shared kernel's own are (ForkPath, Mmap).</summary>
public static class IoportPaths
{
    extension(LinuxKernel kernel)
    {
        public KernelPath Ioperm(Cpu cpu, TaskStruct current, ulong from, ulong num, bool turnOn) =>
            new(PreemptionPoints.Ioperm, cpu, kernel.Memory, path => kernel.Mechanism<IoportModel>().Ioperm(path, current, from, num, turnOn));

        public KernelPath Iopl(Cpu cpu, TaskStruct current, uint level) =>
            new(LockedPoints.Iopl, cpu, kernel.Memory, path => kernel.Mechanism<IoportModel>().Iopl(path, current, level));
    }
}
