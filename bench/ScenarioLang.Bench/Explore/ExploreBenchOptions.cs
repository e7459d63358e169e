namespace ScenarioLang.Bench.Explore;

/// <param name="Out">Where the generated shapes, the logs and results.md go; a new temporary directory when null.</param>
/// <param name="Kscn">The kscn.dll to measure; when null the bench builds the CLI in Release and measures that.</param>
/// <param name="Filter">Only shapes whose name contains this (the floor is measured regardless).</param>
/// <param name="MaxRing">The largest SB ring explored with reduction.</param>
/// <param name="MaxRingUnreduced">The largest SB ring explored without reduction.</param>
/// <param name="MaxExecutions">The bound passed with --no-reduction, so unreduced searches end.</param>
/// <param name="Timeout">The wall-clock limit of one kscn process.</param>
/// <param name="Repeat">Runs per shape; the row shows the run with the median wall time.</param>
/// <param name="KscnArguments">Passed to every kscn explore after the bench's own, e.g. --jobs 1.</param>
public sealed record ExploreBenchOptions(
    string? Out,
    string? Kscn,
    string? Filter,
    int MaxRing,
    int MaxRingUnreduced,
    int MaxExecutions,
    TimeSpan Timeout,
    int Repeat,
    IReadOnlyList<string> KscnArguments);
