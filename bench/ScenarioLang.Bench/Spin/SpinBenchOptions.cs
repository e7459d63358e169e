namespace ScenarioLang.Bench.Spin;

/// <param name="Models">The directory of .pml models, bench/reference/spin by default.</param>
/// <param name="Out">Where Spin's generated verifiers, the logs and spin-results.md go; a temporary directory when null.</param>
/// <param name="Filter">Only models whose name contains this.</param>
/// <param name="MaxRing">The largest SB ring to verify.</param>
/// <param name="Timeout">The wall-clock limit of one verifier run.</param>
/// <param name="MemoryLimitMiB">pan's -DMEMLIM: the search stops there rather than swap.</param>
public sealed record SpinBenchOptions(string? Models, string? Out, string? Filter, int MaxRing, TimeSpan Timeout, int MemoryLimitMiB);
