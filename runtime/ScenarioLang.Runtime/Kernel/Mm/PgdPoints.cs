using ScenarioLang.Runtime.Scheduling;

namespace ScenarioLang.Runtime.Kernel.Mm;

/// <summary>The pause points of fork, exec and vmalloc in the kernel PGD code (seed 003), the same names in every pgd variant.</summary>
public static class PgdPoints
{
    public static IReadOnlyList<PausePoint> All { get; } = [];
}
