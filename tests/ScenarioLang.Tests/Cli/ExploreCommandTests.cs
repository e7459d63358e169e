using ScenarioLang.Cli;
using ScenarioLang.Tests.Infrastructure;
using static ScenarioLang.Tests.Infrastructure.Kscn;

namespace ScenarioLang.Tests.Cli;

/// <summary>kscn explore: statistics, options, and a saved counterexample that replays to the same violation.</summary>
public sealed class ExploreCommandTests
{
    internal const string Sb = """
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
        Assert.Contains("exploration: 4 executions to a final state", explored.Out);
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
        Assert.Contains("exploration: 4 executions to a final state", verified.Out);
    }

    [Theory]
    [InlineData("--jobs", "0", "kscn: --jobs must be at least 1, not 0\n")]
    [InlineData("--buffer-bound", "0", "kscn: --buffer-bound must be at least 1, not 0\n")]
    [InlineData("--preemption-bound", "-1", "kscn: --preemption-bound must be at least 0, not -1\n")]
    [InlineData("--timeout", "0", "kscn: --timeout takes a number of seconds above 0 and at most 1000000000, not 0\n")]
    [InlineData("--timeout", "NaN", "kscn: --timeout takes a number of seconds above 0 and at most 1000000000, not NaN\n")]
    [InlineData("--timeout", "Infinity", "kscn: --timeout takes a number of seconds above 0 and at most 1000000000, not Infinity\n")]
    [InlineData("--timeout", "1e300", "kscn: --timeout takes a number of seconds above 0 and at most 1000000000, not 1E+300\n")]
    [InlineData("--pct-depth", "2147483647", "kscn: --pct-depth must be from 1 to 1000, not 2147483647\n")]
    [InlineData("--pct-depth", "0", "kscn: --pct-depth must be from 1 to 1000, not 0\n")]
    [InlineData("--save", "/proc/no/such/dir/replay.kscn", "kscn: --save: cannot write '/proc/no/such/dir/replay.kscn': Could not find a part of the path '/proc/no/such/dir/replay.kscn'.\n")]
    [InlineData("--save", "/", "kscn: --save: cannot write '/': it is a directory\n")]
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

        Assert.Matches(@"^kscn: explored ""SB"" in \d+\.\d{3} s: 4 executions, [\d,]+ per second\n$", output.Error);
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

/// <summary>
/// Exit codes of a search: 1 when a violation was seen, 4 when it was cut short without one (not proved), 0 only when
/// it covered every execution; and --stop-at-first, which stops at the same first violation for any number of jobs.
/// </summary>
public sealed class ExploreVerdictTests
{
    private const string LateMb = "samples/pgd/late-mb.kscn";
    private const string LateWmb = "samples/pgd/late-wmb.kscn";

    private static KscnOutput Explore(params string[] arguments) =>
        Invoke(["explore", .. arguments.Select(a => a.EndsWith(".kscn", StringComparison.Ordinal) ? Repository.Full(a) : a)]);

    [Fact]
    public void A_budget_that_cuts_a_search_without_a_violation_is_inconclusive_exit_4()
    {
        var cut = Explore(LateMb, "--max-executions", "3");
        var whole = Explore(LateMb);

        Assert.Equal((4, 0), (cut.ExitCode, whole.ExitCode));
        Assert.Contains("[ ?? ] 19:3    expect never pgd(C)[V] is none   (inconclusive: satisfied by 3 of 3 executions, not proved: the search was cut short)\n", cut.Out);
        Assert.Contains("  INCONCLUSIVE: 4 of 4 expectations not proved, no violation seen\n", cut.Out);
        Assert.Contains("(19,3): expect never pgd(C)[V] is none (inconclusive: ", cut.Out);
        Assert.DoesNotContain("[FAIL]", cut.Out);
        Assert.DoesNotContain("inconclusive", whole.Out);
    }

    [Theory]
    [InlineData("--strategy", "random")]
    [InlineData("--strategy", "pct")]
    public void Sampling_is_inconclusive_and_says_why(string option, string value)
    {
        var output = Explore(LateMb, option, value, "--max-executions", "5");

        Assert.Equal(4, output.ExitCode);
        Assert.Contains("(inconclusive: ", output.Out);
    }

    [Fact]
    public void A_violation_beats_inconclusive_across_files_and_scenarios()
    {
        // late-wmb loses the entry within 2 executions; late-mb is cut there with nothing seen.
        var both = Explore(LateMb, Repository.Unmarked(LateWmb), "--max-executions", "2");

        Assert.Equal(1, both.ExitCode);
        Assert.Contains("INCONCLUSIVE: ", both.Out);
        Assert.Contains("FAIL: ", both.Out);
    }

    [Theory]
    [InlineData(ExitCode.Success, ExitCode.Inconclusive, ExitCode.Inconclusive)]
    [InlineData(ExitCode.Inconclusive, ExitCode.Failed, ExitCode.Failed)]
    [InlineData(ExitCode.Failed, ExitCode.InputErrors, ExitCode.InputErrors)]
    [InlineData(ExitCode.InternalError, ExitCode.InputErrors, ExitCode.InternalError)]
    [InlineData(ExitCode.Success, ExitCode.Success, ExitCode.Success)]
    public void Exit_codes_combine_3_over_2_over_1_over_4_over_0(ExitCode a, ExitCode b, ExitCode worst)
    {
        Assert.Equal(worst, ExitCodes.Worst(a, b));
        Assert.Equal(worst, ExitCodes.Worst(b, a));
    }

    [Fact]
    public void Stop_at_first_stops_at_the_same_violation_for_any_number_of_jobs()
    {
        var lateWmb = Repository.Unmarked(LateWmb);
        var one = Explore(lateWmb, "--stop-at-first", "--jobs", "1");
        var three = Explore(lateWmb, "--stop-at-first", "--jobs", "3");
        var whole = Explore(lateWmb, "--jobs", "1");

        Assert.Equal(one.Out, three.Out);
        Assert.Equal(1, one.ExitCode);
        Assert.Contains("stopped at the first violation (--stop-at-first), after 2 executions", one.Out);
        // The counterexample is the first in search order, the one the whole search prints.
        Assert.Contains("execution 2 of 2 (swapper_pg_dir[V]=pud#cpu1.1; pgd(C)[V]=none; pgd(P)[V]=pud#cpu1.1), as a schedule:", one.Out);
        Assert.Contains("execution 2 of 7 (swapper_pg_dir[V]=pud#cpu1.1; pgd(C)[V]=none; pgd(P)[V]=pud#cpu1.1), as a schedule:", whole.Out);
    }

    [Fact]
    public void Stop_at_first_cancels_later_parts_the_same_way_on_many_threads()
    {
        var race = Repository.Unmarked("samples/ptshare/creation-race.kscn");
        var one = Explore(race, "--variant", "ptshare=rfc-v2", "--stop-at-first", "--jobs", "1");
        var four = Explore(race, "--variant", "ptshare=rfc-v2", "--stop-at-first", "--jobs", "4");

        Assert.Equal(one.Out, four.Out);
        Assert.Equal(1, four.ExitCode);
        Assert.Contains("stopped at the first violation (--stop-at-first)", four.Out);
    }

    [Fact]
    public void Without_a_violation_stop_at_first_runs_the_search_to_its_end()
    {
        var stopping = Explore(LateMb, "--stop-at-first");
        var plain = Explore(LateMb);

        Assert.Equal((0, plain.Out), (stopping.ExitCode, stopping.Out));
    }
}
