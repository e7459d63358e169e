namespace ScenarioLang.Runtime.Kernel;

/// <summary>The kinds of problem the kernel object checker reports, named as a scenario expects them (<c>expect leak ptshare_data</c>).</summary>
public enum FindingKind
{
    Leak,
    UseAfterFree,
    DoubleFree,
    RefcountMisuse,
}

/// <summary>A problem the object checker found: its kind, the kind of object (<c>ptshare_data</c>), and the message with the kernel function where it happened.</summary>
public sealed record Finding(FindingKind Kind, string ObjectKind, string Message)
{
    /// <summary>An expectation names this finding (<c>expect leak ptshare_data</c>): it does not fail the scenario by itself.</summary>
    public bool Expected { get; init; }

    /// <summary>How a scenario names the kind: leak, use-after-free, double-free, refcount-misuse.</summary>
    public static string Name(FindingKind kind) => kind switch
    {
        FindingKind.Leak => "leak",
        FindingKind.UseAfterFree => "use-after-free",
        FindingKind.DoubleFree => "double-free",
        _ => "refcount-misuse",
    };

    public bool Matches(FindingPattern pattern) => Kind == pattern.Kind && ObjectKind == pattern.ObjectKind;
}

/// <summary>A finding an expectation names: <c>leak ptshare_data</c>.</summary>
public sealed record FindingPattern(FindingKind Kind, string ObjectKind)
{
    public override string ToString() => $"{Finding.Name(Kind)} {ObjectKind}";
}
