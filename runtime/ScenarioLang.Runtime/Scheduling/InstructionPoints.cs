namespace ScenarioLang.Runtime.Scheduling;

/// <summary>The pause points of the user instructions on shared memory (store, load, mfence, xchg).</summary>
public static class InstructionPoints
{
    public static IReadOnlyList<PausePoint> All { get; } = [];
}
