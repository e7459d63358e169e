using ScenarioLang.Runtime.Kernel;

namespace ScenarioLang.Runtime.Machine;

/// <summary>One CPU: its TSS and the task it runs (its idle task when nothing else).</summary>
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

    public TaskStruct Idle { get; }

    public TaskStruct Current { get; set; }

    public override string ToString() => $"cpu{Index}";
}
