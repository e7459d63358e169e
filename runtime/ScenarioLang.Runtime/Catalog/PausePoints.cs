namespace ScenarioLang.Runtime.Catalog;

/// <summary>
/// A named point where a scenario can pause a step (<c>cpu0 P: fork until link_task -> C</c>) and where a printed
/// schedule stops one. <see cref="Indexed"/> points are inside a loop and are written with the iteration,
/// <c>copy_pgd[402]</c>; a bare name stops at the next one.
/// </summary>
public sealed record PausePoint(string Step, string Name, string Description, bool Indexed = false);

/// <summary>
/// The pause points of every step kind, which the kernel paths yield under these names in every variant; the
/// compiler reads this table to check <c>until</c>. Every step also has <see cref="Return"/>: its body has run but it
/// has not returned, so its CPU's buffered stores stay buffered.
/// </summary>
public static class PausePoints
{
    public const string Return = "return";

    public static IReadOnlyList<PausePoint> All => KernelCatalog.Points;

    public static IEnumerable<PausePoint> Of(string step) => All.Where(p => p.Step == step);

    public static bool IsKnown(string step, string name) => name == Return || All.Any(p => p.Step == step && p.Name == name);
}
