namespace ScenarioLang.Tests.Fuzzing.Engine;

/// <summary>
/// How big and how deep the generated inputs get. Some bounds stay below defects of issue 17 that are being fixed
/// elsewhere (see docs/fuzzing.md, "Limits to raise"); each says which, so it can be raised once its fix lands.
/// </summary>
internal static class FuzzLimits
{
    /// <summary>
    /// Largest input, in bytes: twice the biggest sample, so splices fit. Kept far below the 100 KB lines whose
    /// thousands of errors each reprint the whole line (issue 17: error cap and long-line window).
    /// </summary>
    public const int MaxInputBytes = 12 * 1024;

    /// <summary>
    /// Deepest nesting the mutator wraps around statements for check. Nested repeats are bound twice per level today
    /// (issue 17: 24 levels take a minute), so 2^10 binds of the body is the most a case may cost; raise past the
    /// documented nesting limit once that fix lands, to reach its diagnostic.
    /// </summary>
    public const int MaxNestingDepthForCheck = 10;

    /// <summary>Deepest nesting for run: Roslyn overflows its stack on the generated C# at 1,000-1,500 levels (issue 17).</summary>
    public const int MaxNestingDepthForRun = 4;

    /// <summary>
    /// Most iterations (the product of nested repeat counts) a case given to run may ask for: a failing repeat traces
    /// every iteration and grows memory without bound today (issue 17: total-work bound and failure trace cap).
    /// </summary>
    public const long MaxRepeatWorkForRun = 10_000;

    /// <summary>Longest name given to run: a task name of 1,019 characters breaks the C# compile (CS7013, issue 17).</summary>
    public const int MaxNameLengthForRun = 200;

    /// <summary>Digits in the "huge number" boundary value: several times what fits in 64 bits.</summary>
    public const int HugeNumberDigits = 300;

    /// <summary>
    /// Not a timing assertion: a case still going after this long is stuck (a loop that never ends, or work out of all
    /// proportion to a 12 KB input), where a normal case takes milliseconds. Only then does it fail, naming the input.
    /// </summary>
    public static readonly TimeSpan StuckAfter = TimeSpan.FromSeconds(30);
}
