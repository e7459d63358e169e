using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Tests.Runtime;

/// <summary>
/// What a counterexample shows besides its schedule: every store buffer after each line (under TSO), and where a
/// full fence would forbid the execution, checked against the litmus shapes whose fenced versions are known.
/// </summary>
public sealed class CounterexampleTests
{
    /// <summary>
    /// Two-CPU shapes with the subjects their states are made of: SB, R and n6 have outcomes that only TSO allows
    /// (store→load reordering), the others none.
    /// </summary>
    private static readonly Dictionary<string, (string[][] Programs, string[] Subjects)> Shapes = new()
    {
        ["SB"] = ([["x = 1", "r0 = y"], ["y = 1", "r1 = x"]], ["r0", "r1"]),
        ["SB+mfences"] = ([["x = 1", "mfence", "r0 = y"], ["y = 1", "mfence", "r1 = x"]], ["r0", "r1"]),
        ["R"] = ([["x = 1", "y = 1"], ["y = 2", "r0 = x"]], ["r0", "y"]),
        ["n6"] = ([["x = 1", "r0 = x", "r1 = y"], ["y = 2", "x = 2"]], ["r0", "r1", "x"]),
        ["MP"] = ([["x = 1", "y = 1"], ["r0 = y", "r1 = x"]], ["r0", "r1"]),
        ["LB"] = ([["r0 = x", "y = 1"], ["r1 = y", "x = 1"]], ["r0", "r1"]),
        ["2+2W"] = ([["x = 1", "y = 2"], ["y = 1", "x = 2"]], ["x", "y"]),
    };

    public static TheoryData<string> ShapeNames() => [.. Shapes.Keys];

    private static Litmus Shape(string shape, MemoryModel model) => Shape(shape, model, Shapes[shape].Programs);

    // The states are the values of the shape's subjects, whatever the expectation's values.
    private static Litmus Shape(string shape, MemoryModel model, string[][] programs) =>
        new(shape, model, programs) { Conditions = [.. Shapes[shape].Subjects.Select(s => (s, 0L))] };

    /// <summary>The final states of the shape, each as the conditions of an expectation that names every register and word.</summary>
    private static (string State, (string, long)[] Conditions)[] States(Litmus litmus) =>
        [.. litmus.Explore().Exploration!.States.Select(s => (s.State, s.State.Split("; ").Select(p => p.Split('=')).Select(p => (p[0], long.Parse(p[1]))).ToArray()))];

    private static Counterexample CounterexampleOf(Litmus litmus, (string, long)[] conditions) =>
        litmus.Expecting(Quantifier.Never, conditions).Explore().Exploration!.Expectations.Single().Counterexample!;

    private static Counterexample StoreBuffering() =>
        CounterexampleOf(Shape("SB", MemoryModel.Tso), [("r0", 0), ("r1", 0)]);

    [Fact]
    public void Each_line_shows_the_store_buffers_after_it()
    {
        Assert.Equal(
            [
                "cpu0: x = 1 until return    // buffers: cpu0 [x=1]",
                "cpu1: y = 1 until return    // buffers: cpu0 [x=1]; cpu1 [y=1]",
                "cpu0: r0 = y until return   // buffers: cpu0 [x=1]; cpu1 [y=1]",
                "cpu1: r1 = x until return   // buffers: cpu0 [x=1]; cpu1 [y=1]",
                "cpu0 drain                  // buffers: cpu1 [y=1]",
                "cpu0 continue               // buffers: cpu1 [y=1]",
                "cpu1 drain                  // buffers: empty",
                "cpu1 continue               // buffers: empty",
            ],
            StoreBuffering().Lines());
    }

    [Fact]
    public void The_schedule_text_stays_bare_for_replays()
    {
        var counterexample = StoreBuffering();

        Assert.All(counterexample.Schedule, l => Assert.DoesNotContain("//", l.Text));
        Assert.Equal("cpu0 [x=1]", counterexample.Schedule[0].Buffers);
        Assert.Equal("// buffers: empty", counterexample.Schedule[^1].Comment);
    }

    [Fact]
    public void Sequential_consistency_has_no_buffers_to_show()
    {
        foreach (var (_, conditions) in States(Shape("SB", MemoryModel.Sc)))
        {
            var counterexample = CounterexampleOf(Shape("SB", MemoryModel.Sc), conditions);

            Assert.All(counterexample.Schedule, l => Assert.Null(l.Buffers));
            Assert.Equal(counterexample.Schedule.Select(l => l.Text), counterexample.Lines());
            Assert.Empty(counterexample.FenceHints);
        }
    }

    [Fact]
    public void Store_buffering_needs_a_fence_on_each_cpu_between_its_store_and_its_load()
    {
        var hints = StoreBuffering().FenceHints;

        Assert.Equal(
            [
                (0, "cpu0: x = 1", "store x = 1", "cpu0: r0 = y", "load y", "x = 1"),
                (1, "cpu1: y = 1", "store y = 1", "cpu1: r1 = x", "load x", "y = 1"),
            ],
            hints.Select(h => (h.Cpu, h.Store.Step.Action, h.Store.Text, h.Load.Step.Action, h.Load.Text, h.Written)));
        Assert.Equal(
            "a full fence (mfence, smp_mb()) on cpu0 between 'store x = 1' (line 10) and 'load y' (line 11) would make the load wait for x = 1 to reach memory",
            hints[0].ToString());
    }

    [Fact]
    public void The_trace_prints_the_buffers_and_the_fences_under_the_failed_expectation()
    {
        var trace = TraceFormatter.Format(Shape("SB", MemoryModel.Tso).Expecting(Quantifier.Never, ("r0", 0), ("r1", 0)).Explore());

        Assert.Contains("      cpu0: x = 1 until return    // buffers: cpu0 [x=1]\n", trace);
        Assert.Contains("      cpu1 continue               // buffers: empty\n", trace);
        Assert.Contains("    a full fence (mfence, smp_mb()) on cpu1 between 'store y = 1' (line 12) and 'load x' (line 13) would make the load wait for y = 1 to reach memory\n", trace);
    }

    [Fact]
    public void With_the_fences_store_buffering_has_no_counterexample_and_no_hint()
    {
        var fenced = Shape("SB+mfences", MemoryModel.Tso);

        Assert.True(fenced.Expecting(Quantifier.Never, ("r0", 0), ("r1", 0)).Explore().Passed);
        foreach (var (_, conditions) in States(fenced))
            Assert.Empty(CounterexampleOf(fenced, conditions).FenceHints);
    }

    [Fact]
    public void Message_passing_is_forbidden_under_tso_and_its_other_outcomes_need_no_fence()
    {
        var mp = Shape("MP", MemoryModel.Tso);

        Assert.True(mp.Expecting(Quantifier.Never, ("r0", 1), ("r1", 0)).Explore().Passed);
        foreach (var (_, conditions) in States(mp))
            Assert.Empty(CounterexampleOf(mp, conditions).FenceHints);
    }

    /// <summary>
    /// The hints are exact on two CPUs: an outcome SC forbids gets hints, and with an mfence after each hinted store
    /// TSO forbids it too; an outcome SC allows gets none (no fence could forbid it).
    /// </summary>
    [Theory]
    [MemberData(nameof(ShapeNames))]
    public void A_hint_appears_exactly_where_fences_forbid_the_outcome(string shape)
    {
        var tso = Shape(shape, MemoryModel.Tso);
        var sc = States(Shape(shape, MemoryModel.Sc)).Select(s => s.State).ToHashSet();
        var states = States(tso);
        Assert.Equal(shape is "SB" or "R" or "n6", states.Any(s => !sc.Contains(s.State)));
        foreach (var (state, conditions) in states)
        {
            var hints = CounterexampleOf(tso, conditions).FenceHints;
            if (sc.Contains(state))
            {
                Assert.Empty(hints);
                continue;
            }
            Assert.NotEmpty(hints);
            var fenced = Shape(shape, MemoryModel.Tso, Fenced(Shapes[shape].Programs, hints));
            Assert.False(fenced.Expecting(Quantifier.Sometimes, conditions).Explore().Passed, $"{shape} still reaches {state} with fences after {string.Join(", ", hints.Select(h => h.Store.Step.Action))}");
        }
    }

    // The programs with an mfence after each hinted store (the litmus steps are one instruction each: "cpu0: x = 1").
    private static string[][] Fenced(string[][] programs, IReadOnlyList<FenceHint> hints) =>
        [.. programs.Select((program, cpu) => program.SelectMany(i => hints.Any(h => h.Store.Step.Action == $"cpu{cpu}: {i}") ? new[] { i, "mfence" } : [i]).ToArray())];

    [Fact]
    public void In_n6_the_other_cpu_overwrites_the_buffered_store_first()
    {
        var hints = CounterexampleOf(Shape("n6", MemoryModel.Tso), [("r0", 1), ("r1", 0), ("x", 1)]).FenceHints;

        var hint = Assert.Single(hints);
        Assert.Equal(("cpu0: x = 1", "cpu0: r1 = y"), (hint.Store.Step.Action, hint.Load.Step.Action));
    }

    /// <summary>
    /// A store buffered before the block (a step paused before its return on a CPU the block does not use) is in its
    /// buffer from the first line on, and leaves with that CPU's drain.
    /// </summary>
    [Fact]
    public void A_store_buffered_before_the_block_shows_until_it_drains()
    {
        var counterexample = new PausedBeforeTheBlock().Explore().Exploration!.Expectations.Single().Counterexample!;

        Assert.Equal("cpu1 [z=1]", counterexample.Schedule[0].Buffers);
        Assert.Equal("empty", counterexample.Schedule[^1].Buffers);
    }

    private sealed class PausedBeforeTheBlock : IScenario
    {
        public ScenarioDescription Description { get; } = new("paused", "paused.kscn", 2, MemoryModel.Tso, new Dictionary<string, IReadOnlyList<string>>(), [], []);

        public ScenarioResult Explore() => ScenarioExecutor.Execute(this, KernelConfig.Default);

        public void Run(ScenarioRun run)
        {
            run.Run(run.StoreStep(new Step(5, 3, "cpu1 kernel: store z = 1"), "cpu1 kernel: store z = 1", null, 1, null, "z", 1), "return");
            run.Explore(new Step(6, 3, "explore"), run.LoadStep(new Step(7, 5, "cpu0 kernel: load z -> r0"), "cpu0 kernel: load z", "-> r0", 0, null, "z", "r0"));
            run.Expect(new Step(9, 3, "expect never r0 == 0"), Quantifier.Never,
                new Condition("r0", o => o.Register("r0").ToString(System.Globalization.CultureInfo.InvariantCulture), o => o.Register("r0") == 0));
        }
    }
}
