namespace ScenarioLang.Runtime;

/// <summary>Where a step or expectation stands in its .kscn file, and how it reads there.</summary>
public readonly record struct Step(int Line, int Column, string Text)
{
    // Where it stands is hash enough: the books of an explore block look steps up in every execution, and a string's
    // hash is computed anew each time.
    public override int GetHashCode() => HashCode.Combine(Line, Column);
}

/// <summary>
/// A task as a scenario declares it, or with <paramref name="Members"/> a group of tasks (<c>task W[1000] user</c>) named
/// W0 to W999, created in that order.
/// </summary>
public sealed record TaskDeclaration(string Name, Privilege Privilege, int? Members = null)
{
    /// <summary>The tasks it declares: itself, or the members of its group.</summary>
    public IEnumerable<string> Names => Members is { } count ? Enumerable.Range(0, count).Select(i => Member(Name, i)) : [Name];

    /// <summary>The name of a group's member: W0, W1, …</summary>
    public static string Member(string group, int index) => group + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// What the generated class says about its scenario, before it runs. <paramref name="Variants"/>: the kernel variants its
/// file chooses, by mechanism (several for a matrix); the run's <see cref="KernelConfig"/> says which one applies.
/// <paramref name="Mechanisms"/>: the mechanisms it uses (names, or steps, properties, object kinds or points they
/// declare), in the catalog's order: the ones its trace and matrix show.
/// </summary>
public sealed record ScenarioDescription(
    string Name,
    string File,
    int Cpus,
    MemoryModel Memory,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Variants,
    IReadOnlyList<TaskDeclaration> Tasks,
    IReadOnlyList<string> Mechanisms)
{
    /// <summary>How the trace shows the configuration a run of this scenario used (<see cref="KernelConfig.DescribeFor"/>).</summary>
    public string Describe(KernelConfig config) => config.DescribeFor(Mechanisms);

    /// <summary>Its known-failure marks: the whole scenario's, then its expectations', in the file's order.</summary>
    public IReadOnlyList<KnownFailure> KnownFailures { get; init; } = [];
}

/// <summary>A scenario compiled to C#: the generated classes implement it.</summary>
public interface IScenario
{
    ScenarioDescription Description { get; }

    void Run(ScenarioRun run);
}
