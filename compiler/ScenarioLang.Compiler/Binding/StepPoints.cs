using ScenarioLang.Runtime.Kernel;

namespace ScenarioLang.Compiler.Binding;

/// <summary>The named points where fork and clone can be made to fail (<c>fork failing at alloc_pid</c>).</summary>
internal static class StepPoints
{
    private static readonly (string Name, ForkFault Fault)[] ForkFaults = [("alloc_pid", ForkFault.AllocPid)];

    public static IReadOnlyList<string> ForkFailure { get; } = ForkFaults.Select(f => f.Name).ToArray();

    public static ForkFault ForkFaultNamed(string name) => ForkFaults.Single(f => f.Name == name).Fault;
}
