using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Tests.Runtime;

/// <summary>
/// The x86-TSO litmus tests with their published verdicts (Owens, Sarkar, Sewell, "A Better x86 Memory Model: x86-TSO",
/// 2009; herd7's x86-TSO model): the exact final states the explorer finds under TSO and SC, the same with and
/// without sleep sets, deterministic, and each counterexample replayed as the explicit schedule it prints.
/// </summary>
public sealed class LitmusTests
{
    /// <summary>The shapes by name, each with its herd condition: the outcome TSO allows or forbids.</summary>
    private static readonly Dictionary<string, (string[][] Programs, (string, long)[] Condition)> Shapes = new()
    {
        ["SB"] = ([["x = 1", "r0 = y"], ["y = 1", "r1 = x"]], [("r0", 0), ("r1", 0)]),
        ["SB+mfences"] = ([["x = 1", "mfence", "r0 = y"], ["y = 1", "mfence", "r1 = x"]], [("r0", 0), ("r1", 0)]),
        ["SB+xchgs"] = ([["xchg r2, x = 1", "r0 = y"], ["xchg r3, y = 1", "r1 = x"]], [("r0", 0), ("r1", 0)]),
        ["MP"] = ([["x = 1", "y = 1"], ["r0 = y", "r1 = x"]], [("r0", 1), ("r1", 0)]),
        ["LB"] = ([["r0 = x", "y = 1"], ["r1 = y", "x = 1"]], [("r0", 1), ("r1", 1)]),
        ["IRIW"] = ([["x = 1"], ["y = 1"], ["r0 = x", "r1 = y"], ["r2 = y", "r3 = x"]], [("r0", 1), ("r1", 0), ("r2", 1), ("r3", 0)]),
        ["2+2W"] = ([["x = 1", "y = 2"], ["y = 1", "x = 2"]], [("x", 1), ("y", 1)]),
        ["n6"] = ([["x = 1", "r0 = x", "r1 = y"], ["y = 2", "x = 2"]], [("r0", 1), ("r1", 0), ("x", 1)]),
    };

    public static TheoryData<string, MemoryModel> EveryShape() => ShapesWhere(_ => true);

    /// <summary>The shapes small enough to explore without reduction: IRIW has millions of interleavings.</summary>
    public static TheoryData<string, MemoryModel> ShapesWithoutIriw() => ShapesWhere(shape => shape != "IRIW");

    private static TheoryData<string, MemoryModel> ShapesWhere(Func<string, bool> include)
    {
        var data = new TheoryData<string, MemoryModel>();
        foreach (var shape in Shapes.Keys.Where(include))
        {
            data.Add(shape, MemoryModel.Tso);
            data.Add(shape, MemoryModel.Sc);
        }
        return data;
    }

    private static Litmus Shape(string shape, MemoryModel model)
    {
        var (programs, condition) = Shapes[shape];
        return new Litmus(shape, model, programs) { Conditions = condition };
    }

    private static string[] States(ScenarioResult result) => [.. result.Exploration!.States.Select(s => s.State)];

    [Theory]
    [InlineData("SB", MemoryModel.Tso, true)]
    [InlineData("SB", MemoryModel.Sc, false)]
    [InlineData("SB+mfences", MemoryModel.Tso, false)]
    [InlineData("SB+xchgs", MemoryModel.Tso, false)]
    [InlineData("MP", MemoryModel.Tso, false)]
    [InlineData("LB", MemoryModel.Tso, false)]
    [InlineData("IRIW", MemoryModel.Tso, false)]
    [InlineData("2+2W", MemoryModel.Tso, false)]
    [InlineData("n6", MemoryModel.Tso, true)]
    [InlineData("n6", MemoryModel.Sc, false)]
    public void The_explorer_finds_the_published_verdict(string shape, MemoryModel model, bool allowed)
    {
        var litmus = Shape(shape, model);

        var sometimes = litmus.Expecting(Quantifier.Sometimes, litmus.Conditions).Explore();
        var never = litmus.Explore();

        Assert.Equal(allowed, sometimes.Passed);
        Assert.Equal(!allowed, never.Passed);
        Assert.True(never.Exploration!.Exhaustive);
        Assert.Equal(0, never.Exploration.Deadlocks);
    }

    [Fact]
    public void Store_buffering_reaches_exactly_four_states_under_tso_and_three_under_sc()
    {
        Assert.Equal(["r0=0; r1=0", "r0=0; r1=1", "r0=1; r1=0", "r0=1; r1=1"], States(Shape("SB", MemoryModel.Tso).Explore()));
        Assert.Equal(["r0=0; r1=1", "r0=1; r1=0", "r0=1; r1=1"], States(Shape("SB", MemoryModel.Sc).Explore()));
        Assert.Equal(["r0=0; r1=1", "r0=1; r1=0", "r0=1; r1=1"], States(Shape("SB+mfences", MemoryModel.Tso).Explore()));
    }

    [Fact]
    public void The_forbidden_shapes_reach_every_other_state()
    {
        Assert.Equal(["r0=0; r1=0", "r0=0; r1=1", "r0=1; r1=1"], States(Shape("MP", MemoryModel.Tso).Explore()));
        Assert.Equal(["r0=0; r1=0", "r0=0; r1=1", "r0=1; r1=0"], States(Shape("LB", MemoryModel.Tso).Explore()));
        Assert.Equal(["x=1; y=2", "x=2; y=1", "x=2; y=2"], States(Shape("2+2W", MemoryModel.Tso).Explore()));
        var iriw = States(Shape("IRIW", MemoryModel.Tso).Explore());
        Assert.Equal(15, iriw.Length);
        Assert.DoesNotContain("r0=1; r1=0; r2=1; r3=0", iriw);
    }

    [Theory]
    [MemberData(nameof(ShapesWithoutIriw))]
    public void Sleep_sets_prune_executions_but_no_state_or_verdict(string shape, MemoryModel model)
    {
        var litmus = Shape(shape, model);

        var reduced = litmus.Explore();
        var full = litmus.Explore(new ExploreOptions(Reduction: Reduction.None));

        Assert.Equal(States(full), States(reduced));
        Assert.Equal(full.Passed, reduced.Passed);
        Assert.Equal(0, full.Exploration!.Redundant);
        Assert.True(reduced.Exploration!.Executions <= full.Exploration.Executions);
    }

    [Fact]
    public void Sleep_sets_cut_the_store_buffering_search()
    {
        var litmus = Shape("SB", MemoryModel.Tso);

        var reduced = litmus.Explore().Exploration!;
        var full = litmus.Explore(new ExploreOptions(Reduction: Reduction.None)).Exploration!;

        Assert.True(reduced.Executions + reduced.Redundant < full.Executions, $"{reduced.Executions}+{reduced.Redundant} vs {full.Executions}");
    }

    [Theory]
    [MemberData(nameof(EveryShape))]
    public void Exploring_twice_gives_the_same_counts_and_trace(string shape, MemoryModel model)
    {
        var litmus = Shape(shape, model);

        var first = litmus.Explore();
        var second = litmus.Explore();

        Assert.Equal(TraceFormatter.Format(first), TraceFormatter.Format(second));
        var (a, b) = (first.Exploration!, second.Exploration!);
        Assert.Equal((a.Executions, a.Redundant, a.Events), (b.Executions, b.Redundant, b.Events));
    }

    /// <summary>
    /// Every final state of every shape, as the counterexample of <c>never</c> that state: the printed schedule, run
    /// through Run, Continue and Drain, reaches the same state, so the replayed expectation fails the same way.
    /// </summary>
    [Theory]
    [MemberData(nameof(EveryShape))]
    public void Every_counterexample_replays_to_its_final_state(string shape, MemoryModel model) =>
        AssertCounterexamplesReplay(Shape(shape, model), new ExploreOptions());

    /// <summary>
    /// Without reduction returns are not taken at once, so the schedules also stop steps whose body is done before
    /// their return and continue them later.
    /// </summary>
    [Theory]
    [InlineData("SB")]
    [InlineData("MP")]
    [InlineData("SB+xchgs")]
    public void Counterexamples_of_the_unreduced_search_replay_too(string shape) =>
        AssertCounterexamplesReplay(Shape(shape, MemoryModel.Tso), new ExploreOptions(Reduction: Reduction.None));

    private static void AssertCounterexamplesReplay(Litmus litmus, ExploreOptions options)
    {
        foreach (var state in States(litmus.Explore(options)))
        {
            var conditions = state.Split("; ").Select(p => p.Split('=')).Select(p => (p[0], long.Parse(p[1]))).ToArray();
            var never = litmus.Expecting(Quantifier.Never, conditions);
            var counterexample = never.Explore(options).Exploration!.Expectations.Single().Counterexample!;

            var replay = never.Replay(counterexample.Schedule);

            Assert.Equal(state, counterexample.Detail);
            var verdict = replay.Entries[^1];
            Assert.Equal((Verdict.Fail, "got " + state), (verdict.Verdict, verdict.Failure));
            Assert.DoesNotContain(replay.Entries, e => e.Verdict == Verdict.Fail && e != verdict);
        }
    }
}
