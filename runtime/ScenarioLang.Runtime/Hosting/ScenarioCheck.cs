using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Runtime;

/// <summary>
/// What the xunit tests of <c>kscn compile --xunit</c> call: run a scenario, and unless it passed throw with its trace.
/// It lives here rather than as text in every generated test, and knows no test framework: any runner reports an
/// exception as a failure. A known failure confirmed passes; one that held throws (UNEXPECTED PASS). An inconclusive scenario (an exploration past the default budget) throws too, its trace
/// saying INCONCLUSIVE: a test is green only for what was proved.
/// </summary>
public static class ScenarioCheck
{
    /// <param name="output">Where a known failure's trace goes (the test's output): it passes, and its counterexample stays with it.</param>
    public static void Passes(IScenario scenario, KernelConfig config, Action<string>? output = null)
    {
        var result = ScenarioExecutor.Execute(scenario, config);
        if (!result.Passed)
            throw new ScenarioFailedException(result);
        if (result.Verdict == Verdict.KnownFailure)
            output?.Invoke(TraceFormatter.Format(result));
    }
}

/// <summary>
/// A scenario that failed an expectation or had an unexpected finding. The message is the whole trace, which ends
/// with <c>path(line,col)</c> of each failed expectation, so a test log leads to the .kscn line.
/// </summary>
public sealed class ScenarioFailedException(ScenarioResult result) : Exception(TraceFormatter.Format(result));
