using ScenarioLang.Runtime.Kernel;

namespace ScenarioLang.Runtime.Machine;

/// <summary>The simulated machine: its CPUs (each starting in its idle task) and the kernel running on them.</summary>
public sealed class X86Machine
{
    public X86Machine(int cpus, KernelConfig config, MemoryModel memory = MemoryModel.Tso)
    {
        Memory = new SharedMemory(memory);
        Kernel = new LinuxKernel(config, Memory);
        Cpus = Enumerable.Range(0, cpus).Select(i => new Cpu(i, LinuxKernel.CreateIdle(i))).ToArray();
        Kernel.Cpus = Cpus;
        foreach (var cpu in Cpus)
        {
            cpu.Idle.State = TaskState.Running;
            Kernel.Ioport.InitTss(cpu.Tss);
        }
    }

    public LinuxKernel Kernel { get; }

    public IReadOnlyList<Cpu> Cpus { get; }

    public SharedMemory Memory { get; }
}
