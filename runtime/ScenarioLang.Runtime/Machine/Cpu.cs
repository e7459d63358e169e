using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Machine;

/// <summary>One CPU: its TSS, its store buffer and the task it runs (its idle task when nothing else).</summary>
public sealed class Cpu
{
    private readonly Tracked<TaskStruct> _current;

    public Cpu(int index, TaskStruct idle, StateTracker tracker)
    {
        Index = index;
        Tss = new Tss(index, tracker);
        StoreBuffer = new StoreBuffer(tracker);
        Idle = idle;
        _current = new(tracker, MemoryLocation.OfCpu(index, "current"), idle);
    }

    public int Index { get; }

    public Tss Tss { get; }

    /// <summary>Stores this CPU made that other CPUs cannot see yet (x86-TSO); always empty under SC.</summary>
    public StoreBuffer StoreBuffer { get; }

    public TaskStruct Idle { get; }

    /// <remarks>Other CPUs read it: de_thread() looks for the CPUs that run the threads it kills.</remarks>
    public TaskStruct Current
    {
        get => _current.Value;
        set => _current.Value = value;
    }

    public override string ToString() => $"cpu{Index}";
}
