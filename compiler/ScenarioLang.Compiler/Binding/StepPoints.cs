using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Scheduling;

namespace ScenarioLang.Compiler.Binding;

/// <summary>The named points a step can stop at: where ioperm can be preempted (the runtime's table), where fork and clone can be made to fail.</summary>
internal static class StepPoints
{

    private static readonly (string Name, ForkFault Fault)[] ForkFaults = [("alloc_pid", ForkFault.AllocPid)];

    public static IReadOnlyList<string> ForkFailure { get; } = ForkFaults.Select(f => f.Name).ToArray();

    public static ForkFault ForkFaultNamed(string name) => ForkFaults.Single(f => f.Name == name).Fault;
}
