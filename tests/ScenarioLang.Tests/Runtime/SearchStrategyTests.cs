using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Tests.Runtime;

/// <summary>
/// The exhaustive search on store-buffering rings (the shape herd7 and Spin are measured on), and the strategies for
/// searches too big to finish: each says what it covered, and none passes a "never" it did not prove.
/// </summary>
public sealed class SearchStrategyTests
{
    /// <summary>CPU i stores 1 to x_i, then loads x_(i+1 mod n) into r_i.</summary>
    private static Litmus Ring(int n, MemoryModel model) =>
        new($"SB ring {n}", model, [.. Enumerable.Range(0, n).Select(i => new[] { $"x{i} = 1", $"r{i} = x{(i + 1) % n}" })])
        {
            Conditions = [.. Enumerable.Range(0, n).Select(i => ($"r{i}", 0L))],
        };

    private static IReadOnlyList<string> States(ScenarioResult result) => [.. result.Exploration!.States.Select(s => s.State)];

    /// <summary>
    /// Every one of the 2^n outcomes is allowed under x86-TSO (each load can run while the store before it is buffered)
    /// and all but "every load reads 0" under SC (herd7: SB rings). The loads race only with the drains of the stores
    /// they read, so DPOR runs one execution per outcome.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void A_store_buffering_ring_reaches_every_outcome_under_tso_and_all_but_one_under_sc(int n)
    {
        var tso = Ring(n, MemoryModel.Tso).Explore();
        var sc = Ring(n, MemoryModel.Sc).Explore();

        Assert.Equal(1 << n, tso.Exploration!.States.Count);
        Assert.Equal(1 << n, tso.Exploration.Executions);
        Assert.Equal((1 << n) - 1, sc.Exploration!.States.Count);
        Assert.DoesNotContain(string.Join("; ", Enumerable.Range(0, n).Select(i => $"r{i}=0")), States(sc));
        Assert.Equal(States(Ring(n, MemoryModel.Tso).Explore(new ExploreOptions(Reduction: Reduction.SleepSets))), States(tso));
    }

    /// <summary>
    /// Threads probe the split a wave of units at once and start the parts likely largest first (a ring's split makes
    /// parts of 2^(n-1) down to one execution): the parts, and so every count, are those of one thread, and a budget
    /// still cuts the search at the same execution though the parts it drops ran first.
    /// </summary>
    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(37)]
    public void More_threads_split_and_cut_the_search_as_one(int budget)
    {
        var one = Ring(6, MemoryModel.Tso).Explore(new ExploreOptions(Jobs: 1, MaxExecutions: budget));
        // Every thread from the start: a search this small would otherwise stay on one.
        var four = Ring(6, MemoryModel.Tso).Explore(new ExploreOptions(Jobs: 4, MaxExecutions: budget, HelpersAfter: TimeSpan.Zero));

        Assert.Equal(TraceFormatter.Format(one), TraceFormatter.Format(four));
        if (budget == int.MaxValue)
            Assert.Equal(64, four.Exploration!.Executions);
        else
            Assert.Equal($"stopped after {budget} executions (--max-executions {budget})", four.Exploration!.Cut);
    }

    /// <summary>
    /// A search whose split leaves more parts than it aims at starts its other threads as soon as the parts are known,
    /// not after the 20 ms a short search waits (SB-8's split leaves over 32): the default options, no zero delay.
    /// </summary>
    [Fact]
    public void A_search_split_into_many_parts_gives_its_threads_the_result_of_one()
    {
        var one = Ring(8, MemoryModel.Tso).Explore(new ExploreOptions(Jobs: 1));
        var two = Ring(8, MemoryModel.Tso).Explore(new ExploreOptions(Jobs: 2));

        Assert.Equal(TraceFormatter.Format(one), TraceFormatter.Format(two));
        Assert.Equal(256, two.Exploration!.Executions);
    }

    [Fact]
    public void Dpor_runs_far_fewer_executions_than_sleep_sets_alone()
    {
        var dpor = Ring(4, MemoryModel.Tso).Explore().Exploration!;
        var sleepSets = Ring(4, MemoryModel.Tso).Explore(new ExploreOptions(Reduction: Reduction.SleepSets)).Exploration!;

        Assert.Equal(sleepSets.Executions, dpor.Executions);
        Assert.True(dpor.Redundant * 4 < sleepSets.Redundant, $"{dpor.Redundant} redundant with DPOR, {sleepSets.Redundant} with sleep sets");
    }

    [Theory]
    [InlineData(ExploreStrategy.Random)]
    [InlineData(ExploreStrategy.Pct)]
    public void A_random_strategy_prints_its_seed_repeats_itself_and_never_passes_as_exhaustive(ExploreStrategy strategy)
    {
        var ring = Ring(3, MemoryModel.Tso).Expecting(Quantifier.Never, ("r0", 0), ("r1", 0), ("r2", 0));
        var options = new ExploreOptions(Strategy: strategy, Seed: 7, MaxExecutions: 300);

        var first = ring.Explore(options);
        var again = ring.Explore(options with { Jobs = 2 });
        var otherSeed = ring.Explore(options with { Seed = 8 });

        Assert.Equal(TraceFormatter.Format(first), TraceFormatter.Format(again));
        Assert.NotEqual(TraceFormatter.Format(first), TraceFormatter.Format(otherSeed));
        var explore = first.Entries.Single(e => e.Step == Litmus.ExploreAt);
        Assert.Equal(Verdict.Inconclusive, explore.Verdict);
        Assert.Equal("inconclusive: random walks with seed 7: 300 executions sampled: what held in every execution explored is not proved".Replace("random walks", strategy == ExploreStrategy.Pct ? "PCT schedules of depth 3" : "random walks", StringComparison.Ordinal), explore.Failure);
        Assert.Equal(300, first.Exploration!.Executions);
        // The all-zero outcome needs every load to pass a buffered store: both strategies find it in 300 tries, a
        // violation seen, which fails the scenario whatever the sampling left out.
        Assert.Equal(Verdict.Fail, first.Entries[^1].Verdict);
        Assert.Equal(Verdict.Fail, first.Verdict);
    }

    [Fact]
    public void A_preemption_bound_that_leaves_executions_out_says_so()
    {
        var sb = Ring(2, MemoryModel.Sc);

        var bounded = sb.Explore(new ExploreOptions(PreemptionBound: 0));
        var enough = sb.Explore(new ExploreOptions(PreemptionBound: 10));

        Assert.Equal("inconclusive: executions with more than 0 preemptions left out (--preemption-bound 0): what held in every execution explored is not proved",
            bounded.Entries.Single(e => e.Step == Litmus.ExploreAt).Failure);
        Assert.Equal(Verdict.Inconclusive, bounded.Verdict);
        Assert.True(bounded.Exploration!.Executions < enough.Exploration!.Executions);
        Assert.True(enough.Exploration.Exhaustive);
        Assert.Equal(States(sb.Explore()), States(enough));
    }

    [Fact]
    public void A_buffer_bound_of_one_keeps_the_outcomes_of_one_buffered_store_per_cpu()
    {
        // cpu1's fence orders its loads after z reaches memory, so r0 = 0 puts cpu0's load before both of them: all
        // zero needs x and y buffered at once.
        var shape = new Litmus("SB2", MemoryModel.Tso, ["x = 1", "y = 1", "r0 = z"], ["z = 1", "mfence", "r1 = x", "r2 = y"])
        {
            Conditions = [("r0", 0), ("r1", 0), ("r2", 0)],
        };

        var bounded = shape.Explore(new ExploreOptions(BufferBound: 1));
        var free = shape.Explore();

        Assert.Contains("(--buffer-bound 1)", bounded.Entries.Single(e => e.Step == Litmus.ExploreAt).Failure);
        Assert.Contains("r0=0; r1=0; r2=0", States(free));
        Assert.DoesNotContain("r0=0; r1=0; r2=0", States(bounded));
        Assert.Equal(States(shape.Explore(new ExploreOptions(BufferBound: 2))), States(free));
    }

    [Fact]
    public void A_timeout_cuts_the_search_and_says_so()
    {
        var result = Ring(8, MemoryModel.Tso).Explore(new ExploreOptions(Timeout: TimeSpan.FromTicks(1)));

        Assert.False(result.Exploration!.Exhaustive);
        Assert.StartsWith("inconclusive: stopped by the timeout", result.Entries.Single(e => e.Step == Litmus.ExploreAt).Failure);
    }
}
