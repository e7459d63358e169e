using ScenarioLang.Cli.Commands;
using ScenarioLang.Runtime;

namespace ScenarioLang.Tests.Cli;

/// <summary>The live line of a long search: the scenario, executions so far, and an estimate where one can be made.</summary>
public sealed class ExploreProgressTests
{
    private static readonly ExploreOptions Exhaustive = new();

    [Fact]
    public void Before_any_part_is_done_the_line_bounds_the_time_by_the_budget_and_names_the_scenario()
    {
        var line = ExploreProgress.Text("late wmb", "pgd=v1", new ExplorationProgress(20_000, 0, 45, TimeSpan.FromSeconds(10)), Exhaustive);

        // 980,000 executions of the budget left at 2,000 a second.
        Assert.Equal("  \"late wmb\" [pgd=v1]: 20,000 executions, 0/45 parts, ≤8 min 10 s left", line);
    }

    [Fact]
    public void Once_parts_are_done_the_estimate_is_as_many_executions_per_part_as_so_far()
    {
        var line = ExploreProgress.Text("x", "pgd=v1", new ExplorationProgress(9_000, 9, 45, TimeSpan.FromSeconds(30)), Exhaustive);

        // 45,000 expected in all, 36,000 left at 300 a second.
        Assert.EndsWith(": 9,000 executions, 9/45 parts, ~2 min 0 s left", line);
    }

    [Fact]
    public void A_sampled_search_runs_its_budget_and_a_timeout_caps_the_estimate()
    {
        var sampled = Exhaustive with { Strategy = ExploreStrategy.Random, MaxExecutions = 10_000 };
        var progress = new ExplorationProgress(1_000, 0, 1, TimeSpan.FromSeconds(10));

        Assert.EndsWith(", ~1 min 30 s left", ExploreProgress.Text("x", "pgd=v1", progress, sampled));
        Assert.EndsWith(", ≤20 s left", ExploreProgress.Text("x", "pgd=v1", progress, sampled with { Timeout = TimeSpan.FromSeconds(30) }));
    }

    [Fact]
    public void No_execution_yet_gives_no_estimate_and_a_long_name_is_cut_to_the_terminal()
    {
        var line = ExploreProgress.Text(new string('n', 200), "pgd=v1", new ExplorationProgress(0, 0, 45, TimeSpan.FromSeconds(1)), Exhaustive);

        Assert.StartsWith("  \"nnn", line);
        Assert.EndsWith("n…: 0 executions, 0/45 parts", line);
        Assert.Equal(79, line.Length);
    }

    [Theory]
    [InlineData(40, "40 s")]
    [InlineData(125, "2 min 5 s")]
    [InlineData(11_400, "3 h 10 min")]
    public void Durations_read_in_two_units_at_most(int seconds, string text) =>
        Assert.Equal(text, ExploreProgress.Duration(TimeSpan.FromSeconds(seconds)));
}
