namespace ScenarioLang.Bench.Startup;

/// <param name="Out">Where the published programs, the changed sample, the cache and results.md go; a new temporary directory when null.</param>
/// <param name="Kscn">A directory holding kscn (and kscn.dll) to measure; when null the bench publishes the CLI as its tool package ships it.</param>
/// <param name="Runs">Measured processes of each kind; the table shows the median.</param>
/// <param name="ViaDotnet">Start every process as `dotnet X.dll` instead of through its apphost (as an installed tool starts).</param>
public sealed record StartupBenchOptions(string? Out, string? Kscn, int Runs, bool ViaDotnet);
