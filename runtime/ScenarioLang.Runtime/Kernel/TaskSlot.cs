using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Kernel;

/// <summary>
/// A place in every task for a mechanism's per-task state (its part of thread_struct and its TIF flags), declared by
/// the mechanism and listed in its <see cref="IKernelHooks.TaskSlots"/>: the task makes the state when it is made, so
/// its tracked locations exist, named after the task, whichever code reads them first.
/// </summary>
public abstract class TaskSlot(string name)
{
    internal abstract object Create(StateTracker tracker, string task);

    public override string ToString() => name;
}

/// <summary>A <see cref="TaskSlot"/> holding a <typeparamref name="T"/>, which <see cref="TaskStruct.Get{T}"/> returns.</summary>
public sealed class TaskSlot<T>(string name, Func<StateTracker, string, T> create) : TaskSlot(name)
    where T : class
{
    internal override object Create(StateTracker tracker, string task) => create(tracker, task);
}
