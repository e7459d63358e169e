using ScenarioLang.Runtime.Kernel;

namespace ScenarioLang.Runtime.Catalog;

/// <summary>One version of a mechanism a scenario can run against, and the code it models (the posting or release).</summary>
public sealed record VariantDeclaration(string Name, string Models);

/// <summary>A kind of kernel object the object checker tracks, as an expectation names it (<c>expect leak io_bitmap</c>).</summary>
public sealed record ObjectKindDeclaration(string Name, string Meaning);

/// <summary>A number a run counts (bytes copied into TSS bitmaps), read from the machine when the run ends.</summary>
public sealed record CostCounter(string Name, Func<Observations, long> Read);

/// <summary>A column of a variant matrix, made of the run's counters.</summary>
public sealed record CostColumn(string Header, Func<CostValues, string> Cell);

/// <summary>
/// What a mechanism costs and how a trace and a matrix show it: its counters, the lines a trace ends with, the columns
/// of a matrix. A mechanism without costs has none of each.
/// </summary>
public sealed record CostDeclaration(IReadOnlyList<CostCounter> Counters, Func<CostValues, IReadOnlyList<string>> Lines, IReadOnlyList<CostColumn> Columns)
{
    public static CostDeclaration None { get; } = new([], _ => [], []);
}

/// <summary>The counters of a run by name, in the order the mechanisms declare them.</summary>
/// <remarks>Two arrays rather than a list of pairs, for the reason <see cref="FlagNames"/> gives.</remarks>
public sealed class CostValues(string[] names, long[] values)
{
    public IReadOnlyList<KeyValuePair<string, long>> All => [.. names.Select((name, i) => new KeyValuePair<string, long>(name, values[i]))];

    public long this[string name] =>
        Array.IndexOf(names, name) is var index and >= 0 ? values[index] : throw new KeyNotFoundException($"no cost counter '{name}'");
}

/// <summary>
/// A step of a mechanism that makes or drops an mm besides a task's own (page-table sharing's host mm, seed 004), and so
/// runs pgd_alloc() or pgd_free(); <paramref name="Whose"/> names that mm in the points' descriptions ("the host mm's").
/// </summary>
public sealed record MmLifetime(string Step, string Whose);

/// <summary>
/// A kernel mechanism whose version a scenario chooses (<c>kernel ioperm = merged</c>), declared once in its folder
/// under Mechanisms/: its variants, the steps, properties, object kinds and pause points it adds to the language, and
/// its costs. The compiler, the command line, the trace and the docs take these from <see cref="KernelCatalog"/>.
/// </summary>
public sealed record MechanismDeclaration(
    string Name,
    string Summary,
    IReadOnlyList<VariantDeclaration> Variants,
    string Default,
    IReadOnlyList<StepDeclaration> Steps,
    IReadOnlyList<PropertyDeclaration> Properties,
    IReadOnlyList<ObjectKindDeclaration> ObjectKinds,
    IReadOnlyList<PausePoint> Points,
    CostDeclaration Costs)
{
    /// <summary>The points among <see cref="Points"/> where the kernel code lets the scheduler preempt the task (<c>preempted at</c>).</summary>
    public IReadOnlyList<PausePoint> PreemptionPoints { get; init; } = [];

    /// <summary>Its steps that allocate an mm of their own (mm_init() -> pgd_alloc()).</summary>
    public IReadOnlyList<MmLifetime> AllocatesMm { get; init; } = [];

    /// <summary>Its steps that may drop the last reference to such an mm (__mmdrop() -> pgd_free()).</summary>
    public IReadOnlyList<MmLifetime> FreesMm { get; init; } = [];

    /// <summary>
    /// For the mechanism that provides <see cref="IPgdOps"/>: the points of pgd_alloc() and of pgd_free() inside another
    /// mechanism's step (<see cref="AllocatesMm"/>, <see cref="FreesMm"/>). They are this mechanism's points: its variant
    /// decides whether they exist.
    /// </summary>
    public Func<MmLifetime, IReadOnlyList<PausePoint>>? PgdAllocPoints { get; init; }

    /// <inheritdoc cref="PgdAllocPoints"/>
    public Func<MmLifetime, IReadOnlyList<PausePoint>>? PgdFreePoints { get; init; }

    /// <summary>
    /// Its kernel code in the variant the kernel's configuration selects, as the shared kernel calls it
    /// (<see cref="IKernelHooks"/>, and <see cref="IPgdOps"/> or page-table sharing where it provides them).
    /// </summary>
    public required Func<LinuxKernel, IKernelHooks> Hooks { get; init; }

    public VariantDeclaration? FindVariant(string name) => Variants.FirstOrDefault(v => v.Name == name);
}
