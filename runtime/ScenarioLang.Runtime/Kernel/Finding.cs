namespace ScenarioLang.Runtime.Kernel;

/// <summary>A problem the object checker found: its kind, the kind of object (<c>ptshare_data</c>), and the message with the kernel function where it happened.</summary>
public sealed record Finding(FindingKind Kind, string ObjectKind, string Message)
{
    /// <summary>An expectation names this finding (<c>expect leak ptshare_data</c>): it does not fail the scenario by itself.</summary>
    public bool Expected { get; init; }

    public bool Matches(FindingPattern pattern) => Kind == pattern.Kind && ObjectKind == pattern.ObjectKind;
}
