using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Catalog;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Scheduling;
using static ScenarioLang.Tests.Runtime.Kscn;

namespace ScenarioLang.Tests.Runtime;

/// <summary>
/// Explicit schedules of user instructions on shared memory: whole steps leave their stores visible, <c>until</c>
/// stops a step before a point or its return, <c>continue</c> and <c>drain</c> go on, and a CPU with a paused step
/// refuses anything else.
/// </summary>
public sealed class ExplicitScheduleTests
{
    private readonly Schedule _tso = new(MemoryModel.Tso);

    [Fact]
    public void A_whole_store_step_leaves_its_store_visible()
    {
        _tso.Run(_tso.Store(0, "x", 1));

        Assert.Equal(1, _tso.Word("x"));
        Assert.Equal(["x = 1 reaches memory"], _tso.Entries()[^1].Notes);
    }

    [Fact]
    public void A_store_until_return_stays_in_the_buffer_where_other_cpus_cannot_see_it()
    {
        _tso.Run(_tso.Store(0, "x", 1), PausePoints.Return);
        _tso.Run(_tso.Load(1, "x", "r1"));

        Assert.Equal(0, _tso.Register("r1"));
        Assert.Equal(["paused before return; cpu0's store buffer: x = 1"], _tso.Entries()[0].Notes);
        _tso.Continue(0);
        Assert.Equal(1, _tso.Word("x"));
    }

    [Fact]
    public void Until_the_store_point_stops_before_the_access()
    {
        _tso.Run(_tso.Store(0, "x", 1), InstructionPoints.Store);

        Assert.Equal(["paused before store x = 1; cpu0's store buffer: empty"], _tso.Entries()[0].Notes);
        Assert.Empty(_tso.Machine.Cpus[0].StoreBuffer.Stores);
        _tso.Continue(0, PausePoints.Return);
        Assert.Equal(["paused before return; cpu0's store buffer: x = 1"], _tso.Entries()[1].Notes);
        Assert.Equal(0, _tso.Word("x"));
    }

    [Fact]
    public void The_next_step_on_a_cpu_returns_the_step_paused_before_its_return_and_keeps_its_stores()
    {
        _tso.Run(_tso.Store(0, "x", 1), PausePoints.Return);
        _tso.Run(_tso.Load(0, "x", "r0"), PausePoints.Return);

        var returned = _tso.Entries()[1];
        Assert.StartsWith("return of ", returned.Step.Text);
        Assert.Equal(["returns as cpu0's next step begins; cpu0's store buffer: x = 1"], returned.Notes);
        Assert.Equal(0, _tso.Word("x"));
        _tso.Continue(0);
        Assert.Equal(1, _tso.Register("r0"));
        Assert.Equal(1, _tso.Word("x"));
    }

    [Fact]
    public void Drain_moves_the_oldest_stores_and_fails_when_the_buffer_holds_fewer()
    {
        _tso.Run(_tso.Store(0, "x", 1), PausePoints.Return);
        _tso.Run(_tso.Store(0, "y", 2), PausePoints.Return);

        _tso.Drain(0);
        Assert.Equal((1, 0), (_tso.Word("x"), _tso.Word("y")));
        Assert.Equal(["x = 1 reaches memory"], _tso.Entries()[^1].Notes);
        _tso.Drain(0, 5);
        var failed = _tso.Entries()[^1];
        Assert.Equal((Verdict.Fail, "cpu0's store buffer held 1 store, not 5"), (failed.Verdict, failed.Failure));
        Assert.Equal(2, _tso.Word("y"));
    }

    [Fact]
    public void A_fence_waits_for_the_store_buffer_to_drain()
    {
        _tso.Run(_tso.Store(0, "x", 1), PausePoints.Return);
        _tso.Run(_tso.Fence(0), PausePoints.Return);

        Assert.Equal(1, _tso.Word("x"));
    }

    [Fact]
    public void Xchg_drains_the_buffer_and_writes_the_old_value_to_its_register()
    {
        _tso.Raw.Declare("x", 5);
        _tso.Run(_tso.Store(0, "y", 1), PausePoints.Return);
        _tso.Run(_tso.Exchange(0, "x", 7, "r0"));

        Assert.Equal((5, 7, 1), (_tso.Register("r0"), _tso.Word("x"), _tso.Word("y")));
    }

    [Fact]
    public void Under_sc_a_store_reaches_memory_at_once()
    {
        var sc = new Schedule(MemoryModel.Sc);
        sc.Run(sc.Store(0, "x", 1), PausePoints.Return);

        Assert.Equal(1, sc.Word("x"));
    }

    [Theory]
    [InlineData(Quantifier.Always, Verdict.Pass, null)]
    [InlineData(Quantifier.Sometimes, Verdict.Pass, null)]
    [InlineData(Quantifier.Never, Verdict.Fail, "got r0=0; r1=0")]
    public void Without_an_explore_block_a_quantified_expectation_judges_the_one_execution(Quantifier quantifier, Verdict verdict, string? failure)
    {
        foreach (var (cpu, mine, other) in new[] { (0, "x", "y"), (1, "y", "x") })
            _tso.Run(_tso.Store(cpu, mine, 1), PausePoints.Return);
        _tso.Run(_tso.Load(0, "y", "r0"), PausePoints.Return);
        _tso.Run(_tso.Load(1, "x", "r1"), PausePoints.Return);
        _tso.Continue(0);
        _tso.Continue(1);

        _tso.Raw.Expect(new Step(40, 3, "expect"), quantifier, _tso.RegisterIs("r0", 0), _tso.RegisterIs("r1", 0));

        var entry = _tso.Entries()[^1];
        Assert.Equal((verdict, failure), (entry.Verdict, entry.Failure));
    }

    [Fact]
    public void A_register_no_load_wrote_cannot_be_observed()
    {
        _tso.Raw.Expect(new Step(40, 3, "expect"), Quantifier.Always, _tso.RegisterIs("r0", 0));

        Assert.Equal("cannot observe: no load has written r0", _tso.Entries()[^1].Failure);
    }

    [Fact]
    public void A_step_that_returns_before_its_until_point_fails()
    {
        _tso.Run(_tso.Store(0, "x", 1), InstructionPoints.Load);

        var entry = _tso.Entries()[^1];
        Assert.Equal((Verdict.Fail, "store returned ok before reaching 'load'"), (entry.Verdict, entry.Failure));
        Assert.Equal(1, _tso.Word("x"));
    }

    [Fact]
    public void A_cpu_with_a_paused_step_refuses_other_steps_and_switches()
    {
        var sim = new Schedule(MemoryModel.Tso, Root("A"));
        sim.Raw.Switch(new Step(1, 3, "cpu0 switch A"), 0, sim.Raw.Task("A"));
        sim.Run(sim.Store(0, "x", 1, sim.Raw.Task("A")), InstructionPoints.Store);

        var refused = new Action[]
        {
            () => sim.Run(sim.Load(0, "x", "r0")),
            () => sim.Run(sim.Load(0, "x", "r0"), PausePoints.Return),
            () => sim.Raw.Switch(new Step(9, 3, "cpu0 switch idle"), 0, null),
            () => sim.Raw.Run(sim.Raw.IoplStep(new Step(9, 3, "cpu0 A: iopl(3)"), "cpu0 A: iopl(3)", null, 0, sim.Raw.Task("A"), 3)),
        };
        foreach (var step in refused)
            Assert.Contains("has a step paused before store x = 1", Assert.Throws<ScenarioRuntimeException>(step).Message);
        sim.Run(sim.Load(1, "x", "r1"));
        sim.Continue(0);
        sim.Run(sim.Load(0, "x", "r0"));
    }

    [Fact]
    public void Continue_needs_a_paused_step()
    {
        Assert.Throws<ScenarioRuntimeException>(() => _tso.Continue(1));
    }

    [Fact]
    public void A_step_of_a_task_that_is_not_running_on_its_cpu_is_refused()
    {
        var sim = new Schedule(MemoryModel.Tso, Root("A"));

        Assert.Throws<ScenarioRuntimeException>(() => sim.Run(sim.Store(0, "x", 1, sim.Raw.Task("A"))));
    }

    [Fact]
    public void A_step_spinning_on_a_lock_a_paused_step_holds_blocks_and_takes_it_when_the_holder_unlocks()
    {
        _tso.Run(_tso.LockAndUnlock(1, "pgd_lock"), "unlock");
        _tso.Run(_tso.LockAndUnlock(0, "pgd_lock"));

        Assert.True(_tso.Raw.Deadlocked);
        _tso.Continue(1);

        Assert.False(_tso.Raw.Deadlocked);
        var entries = _tso.Entries();
        Assert.Equal(["cpu0 spins in spin_lock(pgd_lock), held by cpu1's spin_lock (line 1), paused at unlock"], entries[1].Notes);
        Assert.Equal(("cpu0 gets pgd_lock: cpu0 kernel: spin_lock(pgd_lock)", 2, Verdict.None), (entries[^1].Step.Text, entries[^1].Step.Line, entries[^1].Verdict));
        Assert.Equal(0, _tso.Word("pgd_lock"));
    }

    [Fact]
    public void A_blocked_step_still_spinning_when_the_schedule_ends_is_a_deadlock_at_its_line()
    {
        _tso.Raw.Declare("pgd_lock", 1);
        _tso.Run(_tso.SpinLock(0, "pgd_lock"));

        var entry = _tso.Entries()[^1];
        Assert.Equal((1, Verdict.Fail, "deadlock: cpu0's spin_lock (line 1) spins in spin_lock(pgd_lock) held by no step of the schedule"),
            (entry.Step.Line, entry.Verdict, entry.Failure));
    }

    [Fact]
    public void A_statement_on_a_blocked_cpu_stops_the_schedule_and_the_blocked_step_is_a_deadlock()
    {
        _tso.Run(_tso.LockAndUnlock(1, "pgd_lock"), "unlock");
        _tso.Run(_tso.LockAndUnlock(0, "pgd_lock"));

        Assert.Throws<ScheduleStoppedException>(() => _tso.Run(_tso.Store(0, "x", 1)));

        var entries = _tso.Entries();
        Assert.Equal((3, Verdict.Fail, "cpu0 is blocked: cpu0's spin_lock (line 2) spins in spin_lock(pgd_lock) held by cpu1's spin_lock (line 1), paused at unlock"),
            (entries[^2].Step.Line, entries[^2].Verdict, entries[^2].Failure));
        Assert.Equal((2, "deadlock: cpu0's spin_lock (line 2) spins in spin_lock(pgd_lock) held by cpu1's spin_lock (line 1), paused at unlock"),
            (entries[^1].Step.Line, entries[^1].Failure));
    }

    [Fact]
    public void Continue_after_a_step_that_never_reached_its_point_fails_saying_so()
    {
        _tso.Run(_tso.Store(0, "x", 1), InstructionPoints.Load);
        _tso.Continue(0);

        var entry = _tso.Entries()[^1];
        Assert.Equal((Verdict.Fail, "cpu0 has no paused step: its store (line 1) ran to its end without reaching 'load'"), (entry.Verdict, entry.Failure));
    }
}

/// <summary>An explicit schedule on a fresh run: each step gets the next line, in kernel context unless a task is given.</summary>
internal sealed class Schedule
{
    private int _line;

    public Schedule(ScenarioRun run) => Raw = run;

    /// <summary>A fresh run on two CPUs.</summary>
    public Schedule(MemoryModel model, params TaskDeclaration[] tasks)
        : this(new ScenarioRun(new ScenarioDescription("t", "t.kscn", 2, model, new Dictionary<string, IReadOnlyList<string>>(), tasks, []), KernelConfig.Default))
    {
    }

    public ScenarioRun Raw { get; }

    public X86Machine Machine => Raw.Machine;

    public Step Next(string text) => new(++_line, 3, text);

    public ThreadStep Store(int cpu, string location, long value, TaskStruct? task = null) =>
        Raw.StoreStep(Next($"cpu{cpu}: store {location} = {value}"), $"cpu{cpu}: store {location} = {value}", null, cpu, task, location, value);

    public ThreadStep Load(int cpu, string location, string register) =>
        Raw.LoadStep(Next($"cpu{cpu}: load {register} = {location}"), $"cpu{cpu}: load {register} = {location}", null, cpu, null, location, register);

    public ThreadStep Fence(int cpu) => Raw.FenceStep(Next($"cpu{cpu}: mfence"), $"cpu{cpu}: mfence", null, cpu, null);

    public ThreadStep Exchange(int cpu, string location, long value, string register) =>
        Raw.ExchangeStep(Next($"cpu{cpu}: xchg {register}, {location} = {value}"), $"cpu{cpu}: xchg", null, cpu, null, location, value, register);

    /// <summary>A kernel path that takes a lock and keeps it, as a kernel step of the other mechanisms may.</summary>
    public ThreadStep SpinLock(int cpu, string lockWord)
    {
        var action = $"cpu{cpu} kernel: spin_lock({lockWord})";
        return new ThreadStep(Next(action), cpu, action, null,
            c => new KernelPath("spin_lock", c, Machine.Memory, _ => [InterleavingPoint.Lock("lock", new MemoryLocation(lockWord))]),
            _ => Outcome.Ok);
    }

    /// <summary>A kernel path that takes a lock and releases it, with the points "lock" and "unlock".</summary>
    public ThreadStep LockAndUnlock(int cpu, string lockWord)
    {
        var action = $"cpu{cpu} kernel: spin_lock({lockWord})";
        var word = new MemoryLocation(lockWord);
        return new ThreadStep(Next(action), cpu, action, null,
            c => new KernelPath("spin_lock", c, Machine.Memory, _ => [InterleavingPoint.Lock("lock", word), InterleavingPoint.Unlock("unlock", word)]),
            _ => Outcome.Ok);
    }

    public void Run(ThreadStep step, string? until = null) => Raw.Run(step, until);

    public void Continue(int cpu, string? until = null) => Raw.Continue(Next($"cpu{cpu} continue"), cpu, until);

    public void Drain(int cpu, int count = 1) => Raw.Drain(Next($"cpu{cpu} drain {count}"), cpu, count);

    public long Word(string location) => Raw.Observations.SharedWord(location);

    public long Register(string name) => Raw.Observations.Register(name);

    public Condition RegisterIs(string register, long value) =>
        new(register, o => o.Register(register).ToString(System.Globalization.CultureInfo.InvariantCulture), o => o.Register(register) == value);

    public IReadOnlyList<TraceEntry> Entries() => Raw.Complete().Entries;
}
