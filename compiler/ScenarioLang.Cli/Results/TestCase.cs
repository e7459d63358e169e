using ScenarioLang.Compiler.Hosting;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Cli.Results;

internal enum TestOutcome
{
    Passed,
    Failed,
    /// <summary>No violation seen, but an exploration was cut short: not proved (TRX's Inconclusive, JUnit's skipped).</summary>
    Inconclusive,
    /// <summary>The run ended in an internal error: a bug of kscn, not a verdict on the scenario.</summary>
    Error,
}

/// <summary>What a known-failure mark made of a test case.</summary>
internal enum KnownOutcome
{
    /// <summary>No mark applies to its variant.</summary>
    None,
    /// <summary>It failed as its mark says: passed.</summary>
    Confirmed,
    /// <summary>It held where its mark says it fails: failed ("fixed? remove the known-failure mark").</summary>
    Held,
}

/// <summary>One scenario run under one variant: kscn test's line for it and its test case in a result file.</summary>
/// <param name="Summary">"PASS: 6 expectations hold", "FAIL: 1 of 6 expectations failed", "INCONCLUSIVE: …", or the internal error.</param>
/// <param name="Details">The trace of a failed, inconclusive or known-failure run, the internal error of a run that ended in one; null for a pass.</param>
internal sealed record TestCase(
    string File, LinePosition Position, string Scenario, string Config, TestOutcome Outcome, string Summary, string? Details, DateTimeOffset Started, TimeSpan Duration)
{
    /// <summary>
    /// Whether a known-failure mark decided the outcome: a known failure confirmed (passed, its trace kept as output) or
    /// one that held (failed).
    /// </summary>
    public KnownOutcome Known { get; init; }

    /// <summary>The scenario and its variant, which together name the test.</summary>
    public string Name => $"{Scenario} [{Config}]";

    /// <summary>
    /// The file as the dotted class name CI tools group tests by (package, then class):
    /// samples/ioperm/edges.kscn is samples.ioperm.edges.
    /// </summary>
    public string ClassName => string.Join('.', Path.ChangeExtension(File, null).Split('/').Where(part => part is not ("" or "." or "..")));

    /// <summary>What a result file shows first: the summary, with the scenario's place unless the internal error names one.</summary>
    public string Message => Outcome == TestOutcome.Error ? Summary : $"{File}({Position.Line},{Position.Column}): {Summary}";

    /// <summary>kscn test's line on stdout.</summary>
    public string Line
    {
        get
        {
            var verdict = Outcome switch
            {
                TestOutcome.Passed when Known == KnownOutcome.Confirmed => "known",
                TestOutcome.Passed => "pass",
                TestOutcome.Failed when Known == KnownOutcome.Held => "XPASS",
                TestOutcome.Failed => "FAIL",
                TestOutcome.Inconclusive => "inconclusive",
                TestOutcome.Error => "error",
                _ => throw new ArgumentOutOfRangeException(nameof(Outcome), Outcome, "a test outcome kscn test cannot print"),
            };
            return $"{verdict,-5} {PrintableText.Escape(File)}:{Position.Line} {TraceFormatter.Quote(Scenario)} [{Config}] {Summary}\n";
        }
    }

    public static TestCase From(ScenarioRunResult run, DateTimeOffset started, TimeSpan duration)
    {
        var bound = run.Scenario.Bound;
        var (outcome, summary, details) = run.Result is { } result
            ? (OutcomeOf(result.Verdict), TraceFormatter.Summary(result), result.Verdict == Runtime.Verdict.Pass ? null : TraceFormatter.Format(result))
            : (TestOutcome.Error, run.InternalError!, run.InternalError);
        var known = run.Result?.Verdict switch
        {
            Runtime.Verdict.KnownFailure => KnownOutcome.Confirmed,
            Runtime.Verdict.UnexpectedPass => KnownOutcome.Held,
            _ => KnownOutcome.None,
        };
        return new TestCase(bound.Source.Path, bound.Position, bound.Name, run.Config.DescribeFor(bound.Mechanisms), outcome, summary, details, started, duration) { Known = known };
    }

    private static TestOutcome OutcomeOf(Runtime.Verdict verdict) => verdict switch
    {
        Runtime.Verdict.Pass or Runtime.Verdict.KnownFailure => TestOutcome.Passed,
        Runtime.Verdict.Fail or Runtime.Verdict.UnexpectedPass => TestOutcome.Failed,
        Runtime.Verdict.Inconclusive => TestOutcome.Inconclusive,
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "not a scenario's verdict"),
    };
}

/// <summary>Every test case of a kscn test run, in the order printed, when the run started and finished, and on which computer.</summary>
/// <param name="Computer">The machine's name, which TRX requires on every result (computerName), as dotnet test writes it.</param>
internal sealed record TestRunReport(IReadOnlyList<TestCase> Cases, DateTimeOffset Started, DateTimeOffset Finished, string Computer)
{
    public int Count(TestOutcome outcome) => Cases.Count(c => c.Outcome == outcome);

    public int Count(KnownOutcome known) => Cases.Count(c => c.Known == known);
}
