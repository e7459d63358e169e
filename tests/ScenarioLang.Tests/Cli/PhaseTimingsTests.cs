using System.Text.RegularExpressions;
using ScenarioLang.Tests.Infrastructure;

namespace ScenarioLang.Tests.Cli;

/// <summary>
/// KSCN_TIMINGS=1 is how a slow run is taken apart (docs/benchmarks.md): the phases, then what the collector and the
/// JIT cost the process, which is where a cold search differs from a warm one. Standard output does not change.
/// </summary>
public sealed partial class PhaseTimingsTests
{
    [Fact]
    public void Timings_name_the_phases_the_collector_and_the_jit_on_stderr_only()
    {
        var cache = Directory.CreateTempSubdirectory("kscn-timings-");
        try
        {
            var environment = new Dictionary<string, string?> { ["KSCN_SERVER"] = "0", ["KSCN_CACHE_DIR"] = cache.FullName };
            string[] args = [Path.Combine(AppContext.BaseDirectory, "kscn.dll"), "explore", "--jobs", "1", "samples/litmus/sb.kscn"];

            var plain = ChildProcess.Run(Repository.Root, ChildProcess.DotnetHost, args, TimeSpan.FromMinutes(2), environment);
            var timed = ChildProcess.Run(Repository.Root, ChildProcess.DotnetHost, args, TimeSpan.FromMinutes(2),
                new Dictionary<string, string?>(environment) { ["KSCN_TIMINGS"] = "1" });

            Assert.Equal(0, timed.ExitCode);
            Assert.Equal(plain.Out, timed.Out);
            Assert.DoesNotContain("kscn timings", plain.Error);
            Assert.Matches(@"kscn timings: run +\d+\.\d ms\n", timed.Error);
            Assert.Matches(Collector(), timed.Error);
            // Every process compiles methods: the generated scenario's at least, which nothing precompiles.
            var jit = Jit().Match(timed.Error);
            Assert.True(jit.Success, timed.Error);
            Assert.True(int.Parse(jit.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, timed.Error);
        }
        finally
        {
            cache.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"kscn timings: of which the collector paused the threads \d+\.\d ms in \d+ collections \(\d+ of gen1, \d+ of gen2\), \d+ MiB allocated\n")]
    private static partial Regex Collector();

    [GeneratedRegex(@"kscn timings: and the JIT compiled (\d+) methods in \d+\.\d ms, on any thread\n")]
    private static partial Regex Jit();
}
