namespace ScenarioLang.Bench.Litmus;

/// <param name="Out">Where the published kscn, the server's runtime directory, the cache and results.md go; a new temporary directory when null.</param>
/// <param name="Kscn">A directory holding kscn, kscn.dll and kscn-client; when null the bench publishes both projects into one.</param>
/// <param name="Herd7">The herd7 binary; when null, the one bench/reference/herd7/build.sh builds (or has built) is used.</param>
/// <param name="Rounds">Measured rounds, each running every kind once, in turn; the table shows the medians.</param>
/// <param name="Rings">SB rings (CPU counts) to time whole-process against herd7 after the litmus folder; none when empty.</param>
/// <param name="RingRounds">Measured rounds of the rings (herd7 takes about 40 s on SB-ring-14).</param>
public sealed record LitmusBenchOptions(string? Out, string? Kscn, string? Herd7, int Rounds, IReadOnlyList<int> Rings, int RingRounds);
