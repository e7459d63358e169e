namespace ScenarioLang.Runtime.Catalog;

/// <summary>
/// Everything the language knows about the kernel: the shared kernel's steps, properties and object kinds
/// (<see cref="SharedKernel"/>), and the mechanisms the folders under Mechanisms/ declare, in the order of their names.
/// </summary>
public static class KernelCatalog
{
    /// <summary>The folders' declarations, listed by the build (ScenarioLang.Runtime.csproj: GenerateMechanismList).</summary>
    public static IReadOnlyList<MechanismDeclaration> Mechanisms { get; } = Sorted(MechanismFolders.Declarations());

    /// <summary>Every property, the shared kernel's first, then each mechanism's.</summary>
    public static IReadOnlyList<PropertyDeclaration> Properties { get; } = Gather(SharedKernel.Properties, m => m.Properties);

    /// <summary>Every kind of object the checker tracks, which <c>expect leak KIND</c> can name.</summary>
    public static IReadOnlyList<ObjectKindDeclaration> ObjectKinds { get; } = Gather(SharedKernel.ObjectKinds, m => m.ObjectKinds);

    /// <summary>Every step, the shared kernel's first.</summary>
    public static IReadOnlyList<StepDeclaration> Steps { get; } = Gather(SharedKernel.Steps, m => m.Steps);

    /// <summary>
    /// The pause points of every step: the shared kernel's (with mmput()'s in each mechanism's step that drops an mm),
    /// then each mechanism's (<see cref="PointsOf"/>).
    /// </summary>
    public static IReadOnlyList<PausePoint> Points { get; } = Gather(SharedPoints(), PointsOf);

    /// <summary>The points <c>preempted at</c> can name: where each mechanism's code runs preemptible.</summary>
    public static IReadOnlyList<PausePoint> PreemptionPoints { get; } = Gather([], m => m.PreemptionPoints);

    public static MechanismDeclaration? Find(string name) => Mechanisms.FirstOrDefault(m => m.Name == name);

    public static PropertyDeclaration? FindProperty(string obj, string? field) =>
        Properties.FirstOrDefault(p => p.Object == obj && p.Field == field);

    /// <summary>The mechanism that declares a property, step name, object kind or pause point; null for the shared kernel's.</summary>
    public static MechanismDeclaration? OwnerOf(PropertyDeclaration property) => Mechanisms.FirstOrDefault(m => m.Properties.Contains(property));

    public static MechanismDeclaration? OwnerOf(StepDeclaration step) => Mechanisms.FirstOrDefault(m => m.Steps.Contains(step));

    public static StepDeclaration? FindStep(string name) => Steps.FirstOrDefault(s => s.Name == name);

    public static MechanismDeclaration? OwnerOfObjectKind(string kind) => Mechanisms.FirstOrDefault(m => m.ObjectKinds.Any(k => k.Name == kind));

    public static MechanismDeclaration? OwnerOfPoint(string step, string point) =>
        Mechanisms.FirstOrDefault(m => PointsOf(m).Any(p => p.Step == step && p.Name == point));

    /// <summary>
    /// A mechanism's points: those it declares, and, for the one with pgd_alloc()'s and pgd_free()'s points, theirs in
    /// every step another mechanism declares makes or drops an mm.
    /// </summary>
    public static IReadOnlyList<PausePoint> PointsOf(MechanismDeclaration mechanism)
    {
        if (mechanism.PgdAllocPoints is null && mechanism.PgdFreePoints is null)
            return mechanism.Points;
        var all = new List<PausePoint>(mechanism.Points);
        foreach (var other in Mechanisms)
        {
            foreach (var made in other.AllocatesMm)
                all.AddRange(mechanism.PgdAllocPoints?.Invoke(made) ?? []);
            foreach (var dropped in other.FreesMm)
                all.AddRange(mechanism.PgdFreePoints?.Invoke(dropped) ?? []);
        }
        return all;
    }

    private static List<PausePoint> SharedPoints()
    {
        var all = new List<PausePoint>(SharedKernel.Points);
        foreach (var mechanism in Mechanisms)
        {
            foreach (var dropped in mechanism.FreesMm)
                all.Add(SharedKernel.Mmput(dropped));
        }
        return all;
    }

    // Loops, not LINQ: every kscn process builds the catalog, and this keeps it to plain precompiled code.
    private static MechanismDeclaration[] Sorted(MechanismDeclaration[] mechanisms)
    {
        Array.Sort(mechanisms, (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return mechanisms;
    }

    private static List<T> Gather<T>(IReadOnlyList<T> shared, Func<MechanismDeclaration, IReadOnlyList<T>> of)
    {
        var all = new List<T>(shared);
        foreach (var mechanism in Mechanisms)
            all.AddRange(of(mechanism));
        return all;
    }
}
