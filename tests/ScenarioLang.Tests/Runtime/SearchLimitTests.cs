using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Exploration;

namespace ScenarioLang.Tests.Runtime;

/// <summary>
/// Any int the command line accepts for --max-executions and --pct-depth is safe: no overflow, and memory in
/// proportion to what the search runs, not to the number asked for (issue 17).
/// </summary>
public sealed class SearchLimitTests
{
    private static Litmus StoreBuffering() =>
        new Litmus("SB", MemoryModel.Tso, ["x = 1", "r0 = y"], ["y = 1", "r1 = x"]).Expecting(Quantifier.Never, ("r0", 0), ("r1", 0));

    /// <summary>
    /// The batch count of 2^31 - 1 executions overflowed in int (exit 3), and the search made all 2^25 batches before
    /// running the first. Stopped at its first violation, the search runs a batch or two.
    /// </summary>
    [Theory]
    [InlineData(ExploreStrategy.Random)]
    [InlineData(ExploreStrategy.Pct)]
    public void The_largest_execution_budget_is_a_budget_not_an_overflow(ExploreStrategy strategy)
    {
        var result = StoreBuffering().Explore(new ExploreOptions(Strategy: strategy, Seed: 1, MaxExecutions: int.MaxValue, StopAtFirst: true, Jobs: 2));

        Assert.Equal(Verdict.Fail, result.Verdict);
        Assert.StartsWith("stopped at the first violation (--stop-at-first), after ", result.Exploration!.Cut);
        Assert.InRange(result.Exploration.Executions, 1, 2 * Explorer.SampleBatch);
    }

    /// <summary>
    /// A depth of 2^31 - 1 drew that many change points per execution (8 GB). Past the length of the executions, more
    /// draws change nothing: the search is the one of a depth of one change point per step.
    /// </summary>
    [Fact]
    public void A_pct_depth_beyond_the_executions_length_explores_as_one_change_point_per_step()
    {
        var options = new ExploreOptions(Strategy: ExploreStrategy.Pct, Seed: 5, MaxExecutions: 200);

        var huge = StoreBuffering().Explore(options with { PctDepth = int.MaxValue }).Exploration!;
        var perStep = StoreBuffering().Explore(options with { PctDepth = 65 }).Exploration!;

        Assert.Equal(200, huge.Executions);
        Assert.Equal(perStep.States, huge.States);
        Assert.Equal(perStep.Expectations.Select(e => e.Satisfied), huge.Expectations.Select(e => e.Satisfied));
    }
}
