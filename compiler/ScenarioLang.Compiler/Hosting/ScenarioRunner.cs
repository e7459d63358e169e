using System.Collections.Immutable;
using System.Diagnostics;
using ScenarioLang.Runtime;

namespace ScenarioLang.Compiler.Hosting;

/// <summary>
/// How one scenario run ended: with a result, or with an internal error mapped to its .kscn line, one line, and the
/// exception behind it (whose stack trace only KSCN_STACK=1 prints).
/// </summary>
public sealed record ScenarioRunResult(CompiledScenario Scenario, KernelConfig Config, ScenarioResult? Result, string? InternalError, Exception? Cause = null)
{
    public bool Passed => Result is { Passed: true };
}

/// <summary>How kscn words a bug of its own: one line, the first of the exception's message; the stack trace is for us.</summary>
public static class InternalErrors
{
    /// <summary>Set to 1, kscn prints the stack trace of an internal error after its line (for kscn's developers).</summary>
    public const string StackVariable = "KSCN_STACK";

    public static bool StackWanted => Environment.GetEnvironmentVariable(StackVariable) == "1";

    /// <summary>The exception's message, up to its first line break; its type when it has no message.</summary>
    public static string Describe(Exception e) =>
        e.Message.Split('\n', 2)[0].TrimEnd('\r') is { Length: > 0 } first ? first : e.GetType().FullName!;
}

/// <summary>Runs compiled scenarios against a kernel configuration: the file's variants, overridden by the command line.</summary>
public static class ScenarioRunner
{
    /// <summary>
    /// The kernel configurations to run a scenario against: one per combination of the variants its file chooses
    /// (several for a matrix such as <c>kernel ioperm = *</c>), where <paramref name="overrides"/> (a --variant set)
    /// replaces the file's choice of a mechanism. Mechanisms in order, each's variants in the order chosen.
    /// </summary>
    public static IReadOnlyList<KernelConfig> ConfigsFor(CompiledScenario scenario, IReadOnlyDictionary<string, string> overrides)
    {
        IEnumerable<ImmutableSortedDictionary<string, string>> combinations = [ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal)];
        foreach (var choice in scenario.Bound.Variants.Where(c => !overrides.ContainsKey(c.Mechanism)))
            combinations = combinations.SelectMany(c => choice.Variants.Select(v => c.Add(choice.Mechanism, v))).ToList();
        return combinations.Select(c => KernelConfig.FromNames(c.SetItems(overrides))).ToList();
    }

    /// <summary>Runs the scenario once, or once per interleaving of its explore block (<paramref name="options"/> bound the search).</summary>
    public static ScenarioRunResult Run(CompiledAssembly assembly, CompiledScenario scenario, KernelConfig config, ExploreOptions? options = null)
    {
        var instance = assembly.Instantiate(scenario);
        try
        {
            return new ScenarioRunResult(scenario, config, ScenarioExecutor.Execute(instance, config, options), null);
        }
        catch (Exception e)
        {
            // Any exception out of a run, from this thread or an explorer's worker, is a bug of ours: a scenario the
            // checker accepted runs to a verdict. It becomes the run's internal error, located at its .kscn line.
            return new ScenarioRunResult(scenario, config, null, $"{Locate(e, scenario)}: internal error: {InternalErrors.Describe(e)}", e);
        }
    }

    /// <summary>
    /// The .kscn line the generated code was running, read from the #line-mapped stack trace, at the file's path as
    /// given (the #line directives name the file only, <see cref="Emit.CSharpEmitter"/>).
    /// </summary>
    private static string Locate(Exception e, CompiledScenario scenario)
    {
        var frame = new StackTrace(e, fNeedFileInfo: true).GetFrames()
            .FirstOrDefault(f => f.GetFileName()?.EndsWith(".kscn", StringComparison.Ordinal) == true);
        return frame is null
            ? scenario.Bound.Source.Path
            : $"{scenario.Bound.Source.Path}({frame.GetFileLineNumber()})";
    }
}
