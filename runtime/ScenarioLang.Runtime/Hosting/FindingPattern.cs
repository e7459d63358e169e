namespace ScenarioLang.Runtime;

/// <summary>The kinds of problem the kernel object checker reports, named as a scenario expects them (<c>expect leak ptshare_data</c>).</summary>
public enum FindingKind
{
    Leak,
    UseAfterFree,
    DoubleFree,
    RefcountMisuse,
    /// <summary>A WARN_ON() fired: the kernel's "WARNING: CPU: … at …" splat, which logs and goes on.</summary>
    Warn,
    /// <summary>A kernel oops: a BUG_ON() or a NULL pointer dereference in kernel mode kills the task.</summary>
    Oops,
}

/// <summary>A finding an expectation names: <c>leak ptshare_data</c>.</summary>
public sealed record FindingPattern(FindingKind Kind, string ObjectKind)
{
    public override string ToString() => $"{Name(Kind)} {ObjectKind}";

    /// <summary>How a scenario names the kind: leak, use-after-free, double-free, refcount-misuse.</summary>
    public static string Name(FindingKind kind) => kind switch
    {
        FindingKind.Leak => "leak",
        FindingKind.UseAfterFree => "use-after-free",
        FindingKind.DoubleFree => "double-free",
        FindingKind.RefcountMisuse => "refcount-misuse",
        FindingKind.Warn => "warn",
        FindingKind.Oops => "oops",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
