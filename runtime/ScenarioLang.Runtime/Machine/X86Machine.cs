using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Machine;

/// <summary>The simulated machine: its CPUs (each starting in its idle task) and the kernel running on them.</summary>
public sealed class X86Machine
{
    public X86Machine(int cpus, KernelConfig config, MemoryModel memory = MemoryModel.Tso)
    {
        Memory = new SharedMemory(memory, Tracker);
        Kernel = new LinuxKernel(config, Memory, Tracker);
        Cpus = Enumerable.Range(0, cpus).Select(i => new Cpu(i, Kernel.CreateIdle(i), Tracker)).ToArray();
        Kernel.Cpus = Cpus;
        foreach (var cpu in Cpus)
        {
            cpu.Idle.State = TaskState.Running;
            Kernel.InitCpu(cpu);
        }
    }

    public LinuxKernel Kernel { get; }

    /// <summary>Records what each explored event reads and writes of the kernel state outside <see cref="Memory"/>.</summary>
    public StateTracker Tracker { get; } = new();

    public IReadOnlyList<Cpu> Cpus { get; }

    public SharedMemory Memory { get; }
}
