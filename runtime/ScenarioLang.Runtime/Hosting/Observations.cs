using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Machine;

namespace ScenarioLang.Runtime;

/// <summary>
/// The machine state an <c>expect</c> can read. Each method is one property of the shared kernel (<c>task(A).uid</c>,
/// <c>mm(A).users</c>…); a mechanism's properties are static methods in its folder taking these observations first. A
/// property the selected kernel does not have throws <see cref="NotModelledException"/>, which fails the expectation.
/// </summary>
public sealed partial class Observations(X86Machine machine)
{
    /// <summary>The machine observed, for the observations a mechanism declares in its folder.</summary>
    internal X86Machine Machine => machine;

    internal LinuxKernel Kernel => machine.Kernel;

    /// <summary>The real user id (cred->uid).</summary>
    public long TaskUid(TaskStruct task) => task.Cred.Uid;

    /// <summary><c>faults(T)</c>: the task's page faults, minor and major (task_struct min_flt + maj_flt).</summary>
    public long TaskFaults(TaskStruct task) => task.MinFlt + task.MajFlt;

    public long TaskMinorFaults(TaskStruct task) => task.MinFlt;

    public long TaskMajorFaults(TaskStruct task) => task.MajFlt;

    public KernelObject? Mm(TaskStruct task) => task.Mm;

    public long MmUsers(TaskStruct task) =>
        task.Mm?.MmUsers ?? throw new NotModelledException($"{task} has no mm");

    public long LiveMms() => Kernel.Heap.Live(MmStruct.KindName);
}

/// <summary>A field the selected kernel version does not have, or an object the scenario has not made.</summary>
public sealed class NotModelledException(string message) : Exception(message);
