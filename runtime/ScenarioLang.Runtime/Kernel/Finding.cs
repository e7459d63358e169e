namespace ScenarioLang.Runtime.Kernel;

/// <summary>The kinds of problem the kernel object checker reports.</summary>
public enum FindingKind
{
    Leak,
    UseAfterFree,
    DoubleFree,
    RefcountMisuse,
}

/// <summary>A problem the object checker found, with the kernel function where it happened.</summary>
public sealed record Finding(FindingKind Kind, string Message);
