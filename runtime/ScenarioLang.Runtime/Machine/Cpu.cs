using ScenarioLang.Runtime.Kernel;

namespace ScenarioLang.Runtime.Machine;

/// <summary>One CPU: its TSS, its store buffer and the task it runs (its idle task when nothing else).</summary>
public sealed class Cpu
{
    public Cpu(int index, TaskStruct idle)
    {
        Index = index;
        Tss = new Tss(index);
        Idle = idle;
        Current = idle;
    }

    public int Index { get; }

    public Tss Tss { get; }

    /// <summary>Stores this CPU made that other CPUs cannot see yet (x86-TSO); always empty under SC.</summary>
    public StoreBuffer StoreBuffer { get; } = new();

    public TaskStruct Idle { get; }

    public TaskStruct Current { get; set; }

    public override string ToString() => $"cpu{Index}";
}
