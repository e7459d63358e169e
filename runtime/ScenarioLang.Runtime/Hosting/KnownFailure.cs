namespace ScenarioLang.Runtime;

/// <summary>A variant of a kernel mechanism, written <c>ptshare=rfc-v2</c>.</summary>
public readonly record struct KernelVariant(string Mechanism, string Name)
{
    public override string ToString() => $"{Mechanism}={Name}";
}

/// <summary>
/// <c>known failure under ptshare=rfc-v2, locked</c> at <paramref name="Line"/>:<paramref name="Column"/>: under any
/// of <paramref name="Under"/> the expectation at <paramref name="TargetLine"/>:<paramref name="TargetColumn"/> (an
/// expect, or a step's <c>-> result</c>) fails, or with no target the whole scenario does. A documented bug kept as a
/// regression test: its failure passes, and its passing fails ("fixed? remove the known-failure mark").
/// </summary>
public sealed record KnownFailure(int Line, int Column, IReadOnlyList<KernelVariant> Under, int? TargetLine = null, int? TargetColumn = null)
{
    /// <summary>Whether the mark is the whole scenario's.</summary>
    public bool Whole => TargetLine is null;

    /// <summary>Whether the mark holds for a run under <paramref name="config"/>.</summary>
    public bool AppliesTo(KernelConfig config) => Under.Any(v => config.VariantOf(v.Mechanism) == v.Name);

    /// <summary>Whether <paramref name="step"/> is (a trace entry of) the expectation the mark is about.</summary>
    public bool Marks(Step step) => step.Line == TargetLine && step.Column == TargetColumn;

    /// <summary>The mark as the language writes it: a bare variant after one of the same mechanism.</summary>
    public string Text => "known failure under " + string.Join(", ", Under.Select((v, i) => i > 0 && Under[i - 1].Mechanism == v.Mechanism ? v.Name : v.ToString()));

    /// <summary>The variant of <paramref name="config"/> the mark names: what a verdict says it failed, or held, under.</summary>
    public KernelVariant Matching(KernelConfig config) => Under.First(v => config.VariantOf(v.Mechanism) == v.Name);
}
