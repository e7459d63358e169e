namespace ScenarioLang.Bench.Batch;

/// <param name="Out">Where the generated corpora, the logs and results.md go; a new temporary directory when null.</param>
/// <param name="Kscn">The kscn.dll to measure; when null the bench builds the CLI in Release and measures that.</param>
/// <param name="Sizes">How many files each kscn test corpus has.</param>
/// <param name="Separate">How many files run as separate kscn run processes, for the reference.</param>
/// <param name="Timeout">The wall-clock limit of one kscn process.</param>
/// <param name="Repeat">Processes per figure; the table shows the one of median wall time.</param>
public sealed record BatchBenchOptions(string? Out, string? Kscn, IReadOnlyList<int> Sizes, int Separate, TimeSpan Timeout, int Repeat);
