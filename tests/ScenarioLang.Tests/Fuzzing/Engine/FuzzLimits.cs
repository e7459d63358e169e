using ScenarioLang.Compiler.Syntax;

namespace ScenarioLang.Tests.Fuzzing.Engine;

/// <summary>
/// How big and how deep the generated inputs get: bounds on what a case costs in CI, each past the language's own limit
/// it should meet (see docs/fuzzing.md, "Limits").
/// </summary>
internal static class FuzzLimits
{
    /// <summary>
    /// Largest input, in bytes: twice the biggest sample, so splices fit. Long lines and thousands of errors are
    /// HostileInputTests' (the error cap and the long-line window), not worth a mutant's cost here.
    /// </summary>
    public const int MaxInputBytes = 12 * 1024;

    /// <summary>Deepest nesting the mutator wraps around statements for check: past the language's limit, to meet KSC0005.</summary>
    public const int MaxNestingDepthForCheck = SyntaxTree.MaxNesting + 8;

    /// <summary>Deepest nesting for run: past the limit too, so that run meets KSC0005 and Roslyn the deepest C# allowed.</summary>
    public const int MaxNestingDepthForRun = SyntaxTree.MaxNesting + 2;

    /// <summary>
    /// Most iterations (the product of nested repeat counts) a case given to run may ask for: the step limit (KSC0236)
    /// bounds a run at seconds, but the CI's few run cases should each take well under one.
    /// </summary>
    public const long MaxRepeatWorkForRun = 100_000;

    /// <summary>Longest name given to run: past the 1,019 characters that once broke the C# compile (CS7013).</summary>
    public const int MaxNameLengthForRun = 2_000;

    /// <summary>
    /// Executions an explore case may run (<c>--max-executions</c>), by the parity of its seed: a mutant of a kernel
    /// sample can have millions; and the output of a search cut after a few executions, in the middle of its parts,
    /// must still be the same for any number of threads and for shards merged.
    /// </summary>
    public static string ExploreBudget(ulong seed) => seed % 2 == 0 ? "2000" : "7";

    /// <summary>Digits in the "huge number" boundary value: several times what fits in 64 bits.</summary>
    public const int HugeNumberDigits = 300;

    /// <summary>
    /// Not a timing assertion: a case still going after this long is stuck (a loop that never ends, or work out of all
    /// proportion to a 12 KB input), where a normal case takes milliseconds. Only then does it fail, naming the input.
    /// </summary>
    public static readonly TimeSpan StuckAfter = TimeSpan.FromSeconds(30);
}
