using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Tests.Runtime;

/// <summary>
/// What an explore block adds to a scenario's result: the summary of its executions, verdicts over all of them with
/// a replayable counterexample, the trace before the block shown once, and a search that never passes silently.
/// </summary>
public sealed class ExplorerTests
{
    private static readonly Litmus StoreBuffering =
        new("SB", MemoryModel.Tso, ["x = 1", "r0 = y"], ["y = 1", "r1 = x"]) { Conditions = [("r0", 0), ("r1", 0)] };

    [Fact]
    public void The_trace_summarises_the_executions_and_shows_a_counterexample_as_a_schedule()
    {
        var trace = TraceFormatter.Format(StoreBuffering.Explore());

        Assert.Equal(
            """
            scenario "SB"
              litmus.kscn | 2 CPUs | memory tso
              [    ] 3:3     explore
                             4 executions explored, 0 redundant (stopped where every event slept); 4 final states, each with the executions that reach it:
                               1× r0=0; r1=0
                               1× r0=0; r1=1
                               1× r0=1; r1=0
                               1× r0=1; r1=1
              [FAIL] 30:3    expect   (holds in 1 of 4 executions)
                             execution 1 of 4 (r0=0; r1=0), as a schedule:
                               cpu0: x = 1 until return    // buffers: cpu0 [x=1]
                               cpu1: y = 1 until return    // buffers: cpu0 [x=1]; cpu1 [y=1]
                               cpu0: r0 = y until return   // buffers: cpu0 [x=1]; cpu1 [y=1]
                               cpu1: r1 = x until return   // buffers: cpu0 [x=1]; cpu1 [y=1]
                               cpu0 drain                  // buffers: cpu1 [y=1]
                               cpu0 continue               // buffers: cpu1 [y=1]
                               cpu1 drain                  // buffers: empty
                               cpu1 continue               // buffers: empty
                             a full fence (mfence, smp_mb()) on cpu0 between 'store x = 1' (line 10) and 'load y' (line 11) would make the load wait for x = 1 to reach memory
                             a full fence (mfence, smp_mb()) on cpu1 between 'store y = 1' (line 12) and 'load x' (line 13) would make the load wait for y = 1 to reach memory
              costs: none
              findings: none
              FAIL: 1 of 1 expectation failed
                litmus.kscn(30,3): failed: expect (holds in 1 of 4 executions)

            """,
            trace);
    }

    [Theory]
    [InlineData(Quantifier.Always, 1, "fails in 3 of 4 executions")]
    [InlineData(Quantifier.Never, 3, "holds in 1 of 4 executions")]
    public void A_failing_always_or_never_names_the_first_offending_execution(Quantifier quantifier, int satisfied, string failure)
    {
        var result = StoreBuffering.Expecting(quantifier, StoreBuffering.Conditions).Explore();

        var entry = result.Entries[^1];
        Assert.Equal(failure, entry.Failure);
        var verdict = Assert.Single(result.Exploration!.Expectations);
        Assert.Equal((quantifier, satisfied, false), (verdict.Quantifier, verdict.Satisfied, verdict.Passed));
        Assert.Equal($"execution {verdict.Counterexample!.Execution} of 4 ({verdict.Counterexample.Detail}), as a schedule:", entry.Notes[0]);
        Assert.Equal(verdict.Counterexample.Lines().Select(l => "  " + l), entry.Notes.Skip(1).Take(verdict.Counterexample.Schedule.Count));
    }

    [Fact]
    public void A_sometimes_that_no_execution_satisfies_fails_without_a_counterexample()
    {
        var result = new Litmus("MP", MemoryModel.Tso, ["x = 1", "y = 1"], ["r0 = y", "r1 = x"])
            .Expecting(Quantifier.Sometimes, ("r0", 1), ("r1", 0)).Explore();

        var entry = result.Entries[^1];
        Assert.Equal((Verdict.Fail, "holds in none of 3 executions"), (entry.Verdict, entry.Failure));
        Assert.Empty(entry.Notes);
        Assert.Null(result.Exploration!.Expectations[0].Counterexample);
    }

    [Fact]
    public void A_passing_expectation_says_how_many_executions_satisfy_it()
    {
        var result = StoreBuffering.Expecting(Quantifier.Sometimes, ("r0", 1)).Explore();

        Assert.Equal(["satisfied by 2 of 4 executions"], result.Entries[^1].Notes);
        Assert.True(result.Passed);
    }

    [Fact]
    public void The_search_stops_at_its_bound_and_is_inconclusive_instead_of_passing()
    {
        var result = StoreBuffering.Expecting(Quantifier.Never, ("r0", 5)).Explore(new ExploreOptions(MaxExecutions: 3));

        var explore = result.Entries.Single(e => e.Step == Litmus.ExploreAt);
        Assert.Equal((Verdict.Inconclusive, "inconclusive: stopped after 3 executions (--max-executions 3): what held in every execution explored is not proved"), (explore.Verdict, explore.Failure));
        Assert.Equal((Verdict.Inconclusive, "inconclusive: satisfied by 3 of 3 executions, not proved: the search was cut short"), (result.Entries[^1].Verdict, result.Entries[^1].Failure));
        Assert.False(result.Exploration!.Exhaustive);
        Assert.Equal(Verdict.Inconclusive, result.Verdict);
        Assert.False(result.Passed);
    }

    [Fact]
    public void A_sometimes_seen_in_a_cut_search_passes_and_one_not_seen_is_inconclusive()
    {
        // The budget of 3 runs reaches three of the four final states, one with r1 = 1; r0 = 5 is never seen.
        var seen = StoreBuffering.Expecting(Quantifier.Sometimes, ("r1", 1)).Explore(new ExploreOptions(MaxExecutions: 3));
        var unseen = StoreBuffering.Expecting(Quantifier.Sometimes, ("r0", 5)).Explore(new ExploreOptions(MaxExecutions: 3));

        Assert.Equal(Verdict.Pass, seen.Entries[^1].Verdict);
        Assert.Equal((Verdict.Inconclusive, "inconclusive: not seen in 3 executions, not disproved: the search was cut short"), (unseen.Entries[^1].Verdict, unseen.Entries[^1].Failure));
        Assert.Equal(Verdict.Inconclusive, unseen.Verdict);
    }

    [Fact]
    public void A_violation_seen_in_a_cut_search_fails_it()
    {
        var result = StoreBuffering.Expecting(Quantifier.Always, ("r0", 1)).Explore(new ExploreOptions(MaxExecutions: 3));

        Assert.Equal(Verdict.Fail, result.Entries[^1].Verdict);
        Assert.NotNull(result.Exploration!.Expectations.Single().Counterexample);
        Assert.Equal(Verdict.Fail, result.Verdict);
    }

    [Fact]
    public void A_loop_without_subscripts_is_printed_in_lines_that_stop_at_the_right_iteration()
    {
        var scan = new Litmus("scan", MemoryModel.Tso, ["scan r0 r1 r2 = a b c"], ["b = 1"]);
        var result = scan.Expecting(Quantifier.Never, ("r0", 0), ("r1", 1), ("r2", 0)).Explore();
        var counterexample = result.Exploration!.Expectations[0].Counterexample!;

        Assert.Equal(
            [
                // The scan's start is an event of its own (it is a kernel path), taken first; it stops before the first load.
                "cpu0: scan r0 r1 r2 = a b c until scan", "cpu1: b = 1 until return", "cpu0 continue until scan",
                "cpu1 drain", "cpu1 continue", "cpu0 continue",
            ],
            counterexample.Schedule.Select(l => l.Text));
        Assert.Equal("got r0=0; r1=1; r2=0", scan.Expecting(Quantifier.Never, ("r0", 0), ("r1", 1), ("r2", 0)).Replay(counterexample.Schedule).Entries[^1].Failure);
    }

    [Fact]
    public void Executions_that_deadlock_are_states_of_their_own_and_fail_the_block()
    {
        var result = ScenarioExecutor.Execute(new Scripted(run =>
        {
            var schedule = new Schedule(run);
            run.Explore(Litmus.ExploreAt, schedule.SpinLock(0, "pgd_lock"), schedule.SpinLock(1, "pgd_lock"));
        }), KernelConfig.Default);

        Assert.Equal(
            ["deadlock: cpu0 spins in spin_lock(pgd_lock)", "deadlock: cpu1 spins in spin_lock(pgd_lock)"],
            result.Exploration!.States.Select(s => s.State));
        var explore = Assert.Single(result.Entries);
        Assert.Equal((Verdict.Fail, "2 executions deadlocked: the expectations judge only the other 0"), (explore.Verdict, explore.Failure));
    }

    [Fact]
    public void The_steps_before_the_block_are_traced_once_and_plain_expectations_after_it_are_judged_in_every_execution()
    {
        var result = ScenarioExecutor.Execute(new Scripted(run =>
        {
            var schedule = new Schedule(run);
            run.Run(schedule.Store(0, "z", 3));
            run.Explore(Litmus.ExploreAt, schedule.Store(0, "x", 1), schedule.Load(1, "x", "r1"));
            run.Expect(new Step(40, 3, "expect x == 1"), o => o.SharedWord("x"), Comparison.Equal, 1L);
            run.Expect(new Step(41, 3, "expect r1 == 1"), o => o.Register("r1"), Comparison.Equal, 1L);
        }), KernelConfig.Default);

        Assert.Equal(["cpu0: store z = 3", "explore", "expect x == 1", "expect r1 == 1"], result.Entries.Select(e => e.Step.Text));
        Assert.Equal([new FinalState("x=1; z=3", 2)], result.Exploration!.States);
        Assert.Equal(["z = 3 reaches memory"], result.Entries[0].Notes);
        Assert.Equal((Verdict.Pass, "satisfied by 2 of 2 executions"), (result.Entries[2].Verdict, result.Entries[2].Notes[0]));
        Assert.Equal((Verdict.Fail, "fails in 1 of 2 executions"), (result.Entries[3].Verdict, result.Entries[3].Failure));
        Assert.Equal("execution 1 of 2 (got 0), as a schedule:", result.Entries[3].Notes[0]);
    }

    [Fact]
    public void A_step_of_the_block_with_an_expected_outcome_is_judged_in_every_execution()
    {
        var result = ScenarioExecutor.Execute(new Scripted(run =>
        {
            var schedule = new Schedule(run);
            var load = schedule.Load(1, "x", "r1");
            var loadsOne = load with
            {
                Complete = path => Outcome.Returns(load.Complete(path) == Outcome.Ok ? path.Result : -1),
                Expected = Outcome.Returns(1),
            };
            run.Explore(Litmus.ExploreAt, schedule.Store(0, "x", 1), loadsOne);
        }), KernelConfig.Default);

        var judged = result.Entries[^1];
        Assert.Equal(("cpu1: load r1 = x", Verdict.Fail, "fails in 1 of 2 executions"), (judged.Step.Text, judged.Verdict, judged.Failure));
        Assert.Equal("execution 1 of 2 (got 0), as a schedule:", judged.Notes[0]);
        Assert.Equal(Quantifier.Always, result.Exploration!.Expectations.Single().Quantifier);
    }

    [Fact]
    public void An_explore_block_needs_the_executor_and_comes_once()
    {
        var description = new ScenarioDescription("t", "t.kscn", 2, MemoryModel.Tso, new Dictionary<string, IReadOnlyList<string>>(), [], []);
        var alone = new ScenarioRun(description, KernelConfig.Default);
        Assert.Throws<ScenarioRuntimeException>(() => alone.Explore(Litmus.ExploreAt));

        var twice = new Scripted(run =>
        {
            run.Explore(Litmus.ExploreAt);
            run.Explore(Litmus.ExploreAt);
        });
        Assert.Throws<ScenarioRuntimeException>(() => ScenarioExecutor.Execute(twice, KernelConfig.Default));
    }

    [Fact]
    public void A_cpu_with_a_paused_step_cannot_run_a_program()
    {
        var paused = new Scripted(run =>
        {
            var schedule = new Schedule(run);
            run.Run(schedule.Store(0, "x", 1), "store");
            run.Explore(Litmus.ExploreAt, schedule.Load(0, "x", "r0"));
        });

        Assert.Throws<ScenarioRuntimeException>(() => ScenarioExecutor.Execute(paused, KernelConfig.Default));
    }

    /// <summary>A scenario on two TSO CPUs whose body is the given code, as generated code would call the run.</summary>
    private sealed class Scripted(Action<ScenarioRun> body) : IScenario
    {
        public ScenarioDescription Description { get; } =
            new("scripted", "t.kscn", 2, MemoryModel.Tso, new Dictionary<string, IReadOnlyList<string>>(), [], []);

        public void Run(ScenarioRun run) => body(run);
    }
}
