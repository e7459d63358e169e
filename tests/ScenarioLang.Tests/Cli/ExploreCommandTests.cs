using ScenarioLang.Tests.Infrastructure;
using static ScenarioLang.Tests.Infrastructure.Kscn;

namespace ScenarioLang.Tests.Cli;

/// <summary>kscn explore: statistics, options, and a saved counterexample that replays to the same violation.</summary>
public sealed class ExploreCommandTests
{
    private const string Sb = """
        scenario "SB" {
          memory tso
          cpus 2
          shared x
          shared y
          explore {
            cpu0 kernel: store x = 1
            cpu0 kernel: load y -> r0
            cpu1 kernel: store y = 1
            cpu1 kernel: load x -> r1
          }
          expect never r0 == 0 and r1 == 0
        }
        """;

    [Fact]
    public void A_saved_counterexample_replays_to_the_same_violation()
    {
        var dir = Directory.CreateTempSubdirectory("kscn-explore-");
        var file = Path.Combine(dir.FullName, "sb.kscn");
        var replay = Path.Combine(dir.FullName, "replay.kscn");
        File.WriteAllText(file, Sb);

        var explored = Invoke("explore", file, "--save", replay);
        Assert.Equal(1, explored.ExitCode);
        Assert.Contains("exploration (ioperm=merged): 4 executions to a final state", explored.Out);
        var replayed = Invoke("run", replay);
        Assert.Equal(1, replayed.ExitCode);
        Assert.Contains("expect never r0 == 0 and r1 == 0   (got r0=0; r1=0)", replayed.Out);
        Assert.DoesNotContain("explore", File.ReadAllText(replay).Split('\n').Where(l => !l.StartsWith("//", StringComparison.Ordinal)));
    }

    [Fact]
    public void Reduction_changes_the_counts_not_the_states()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("kscn-explore-").FullName, "sb.kscn");
        File.WriteAllText(file, Sb);
        var reduced = Invoke("explore", file);
        var full = Invoke("explore", file, "--no-reduction");
        string States(string output) => string.Join('\n', output.Split('\n').Where(l => l.Contains('×')).Select(l => l[(l.IndexOf('×') + 1)..]));
        Assert.Equal(States(reduced.Out), States(full.Out));
        Assert.NotEqual(reduced.Out, full.Out);
    }

    [Fact]
    public void Verifying_independence_prints_the_same_result_when_the_footprints_hold()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("kscn-explore-").FullName, "sb.kscn");
        File.WriteAllText(file, Sb);

        var plain = Invoke("explore", file);
        var verified = Invoke("explore", file, "--verify-independence");

        Assert.Equal((1, plain.Out), (verified.ExitCode, verified.Out));
        Assert.Contains("exploration (ioperm=merged): 4 executions to a final state", verified.Out);
    }

    [Theory]
    [InlineData("--jobs", "0", "kscn: --jobs must be at least 1, not 0\n")]
    [InlineData("--buffer-bound", "0", "kscn: --buffer-bound must be at least 1, not 0\n")]
    [InlineData("--preemption-bound", "-1", "kscn: --preemption-bound must be at least 0, not -1\n")]
    [InlineData("--timeout", "0", "kscn: --timeout must be a positive number of seconds, not 0\n")]
    [InlineData("--shard", "4/3", "kscn: --shard takes i/n with 1 <= i <= n, as in 2/4, not '4/3'\n")]
    [InlineData("--shard", "2", "kscn: --shard takes i/n with 1 <= i <= n, as in 2/4, not '2'\n")]
    public void An_impossible_search_option_is_refused_by_name(string option, string value, string message)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("kscn-explore-").FullName, "sb.kscn");
        File.WriteAllText(file, Sb);

        var output = Invoke("explore", file, option, value);

        Assert.Equal(2, output.ExitCode);
        Assert.Equal(message, output.Error);
        Assert.Equal("", output.Out);
    }

    [Fact]
    public void Redirected_output_gets_the_time_on_stderr_and_no_progress_line()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("kscn-explore-").FullName, "sb.kscn");
        File.WriteAllText(file, Sb);

        var output = Invoke("explore", file);

        Assert.Matches(@"^kscn: explored ""SB"" \(ioperm=merged\) in \d+\.\d{3} s: 10 executions, [\d,]+ per second\n$", output.Error);
        Assert.DoesNotContain('\r', output.Error);
    }

    [Fact]
    public void Points_lists_the_pause_points_of_every_step_kind()
    {
        var output = Invoke("explore", "--points");
        Assert.Equal(0, output.ExitCode);
        Assert.Contains("copy_pgd[N]", output.Out);
        Assert.Contains("return", output.Out);
    }
}

/// <summary>A schedule can pause a memory instruction at its own point, whose name is the instruction's keyword.</summary>
public sealed class InstructionPointTests
{
    [Fact]
    public void Until_takes_the_point_of_a_memory_instruction()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("kscn-points-").FullName, "p.kscn");
        File.WriteAllText(file, """
            scenario "paused before the load" {
              cpus 2
              shared x
              cpu0 kernel: load x until load -> r0
              cpu1 kernel: store x = 1
              cpu0 continue
              expect r0 == 1
            }
            """);
        var output = Invoke("run", file);
        Assert.Equal(0, output.ExitCode);
        Assert.Contains("paused before load x", output.Out);
    }
}
