using ScenarioLang.Bench.Measuring;

namespace ScenarioLang.Bench.Explore;

/// <summary>One row of the table: a shape explored with or without reduction, or skipped.</summary>
/// <param name="Process">Null when the run was skipped.</param>
/// <param name="Summary">Null when kscn printed no explore line (skipped, timed out, or an error).</param>
public sealed record ExploreRow(BenchShape Shape, bool Reduce, ProcessResult? Process, ExploreSummary? Summary, string? SkipReason)
{
    /// <summary>kscn exits 1 when an expectation fails, which some seed samples exist to show; 2 and 3 are errors.</summary>
    public bool Failed => Process is { TimedOut: false, ExitCode: not (0 or 1) } || (Process is { TimedOut: false } && Summary is null);

    public string Search(TimeSpan timeout) => this switch
    {
        { SkipReason: { } reason } => $"skipped: {reason}",
        { Process.TimedOut: true } => $"cut: timeout {timeout.TotalSeconds:F0} s",
        { Failed: true } => $"error (exit {Process!.ExitCode})",
        { Summary.Cut: true } => "cut: --max-executions",
        _ => "exhaustive",
    };
}
