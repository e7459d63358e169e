namespace ScenarioLang.Compiler.Binding;

/// <summary>The named points a step can stop at: where ioperm can be preempted, where fork and clone can be made to fail.</summary>
internal static class StepPoints
{
    public static IReadOnlyList<string> IopermPreemption { get; } = ["alloc", "cow", "installed"];

    public static IReadOnlyList<string> ForkFailure { get; } = ["alloc_pid"];
}
