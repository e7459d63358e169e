using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Exploration;

/// <summary>
/// One execution of an explore block: each CPU's steps, in order, form its program. A syscall's first event starts it
/// (its path is made and runs to its first point: that code may touch shared state, so it is an event like the
/// others), each next one performs its pending point and runs on to the next, its last one returns; a user
/// instruction begins as soon as its CPU reaches it (<see cref="ThreadStep.Immediate"/>). The explorer picks which
/// enabled event comes next; every event runs with the machine's <see cref="StateTracker"/> recording, so its
/// footprint is whole once it has run.
/// </summary>
/// <remarks>
/// A CPU may also have a preempting task (<c>cpu0 B preempts A: …</c>, <see cref="ThreadStep.Preempting"/>), a process
/// of its own (<see cref="EventKind.Preempting"/>): its first event switches the CPU to that task wherever the
/// program's task can be preempted (in user mode before, between or after its steps, or stopped at a preemption point
/// of a step's path), its steps follow, and its last event switches back, the preempted task going on where it
/// stopped. The switches write <c>cpuN.current</c> and every event of the program's task reads it, so the two tasks'
/// events depend on each other through them; a switch, like the scheduler's locked runqueue, waits for an empty buffer.
/// </remarks>
internal sealed class ProgramExecution
{
    private readonly X86Machine _machine;
    private readonly Program[] _programs;
    private readonly Preemptor?[] _preemptors;
    private readonly List<ExecutedEvent> _events;
    private readonly List<Judgment> _judgments = [];

    private readonly Layout _layout;
    private readonly int? _bufferBound;
    private readonly Cpu[] _cpus;
    private readonly KnownEvents[] _known;
    // Enabled()'s list, filled anew in every state: a search that keeps a state's events copies them.
    private readonly TransitionList _enabled;
    private readonly CpuOffer[] _offers;
    // The CPUs that may still offer an event, in index order: one whose program and preempting task are over and whose
    // buffer is empty offers nothing for the rest of the execution, and most of a large block's states come late.
    private readonly int[] _live;
    private int _liveCount;
    // The execution before, when this one replays its trail: an event replayed in the same place is the same event.
    private readonly List<ExecutedEvent>? _replayable;

    /// <param name="previous">The last execution of the same block on the same machine: its events per CPU are kept, its length sizes this one's.</param>
    /// <param name="replays">The search that steers this execution steered <paramref name="previous"/>, whose trail it replays.</param>
    public ProgramExecution(X86Machine machine, IReadOnlyList<ThreadStep> steps, int? bufferBound = null, ProgramExecution? previous = null, bool replays = false)
    {
        _machine = machine;
        _bufferBound = bufferBound;
        Steps = steps;
        // Each CPU's program and its preempting task's, from the block's steps as the execution before split them.
        _layout = previous?._layout is { } known && ReferenceEquals(known.Steps, steps) ? known : Layout.Of(steps, machine.Cpus.Count);
        // The execution before on the same machine is over: its per-CPU books are emptied and serve this one, since
        // every execution of a block makes the same programs and a search runs thousands.
        if (previous is { } last && ReferenceEquals(last._machine, machine) && ReferenceEquals(last._layout, _layout))
        {
            (_cpus, _programs, _preemptors, _offers, _enabled, _live) = (last._cpus, last._programs, last._preemptors, last._offers, last._enabled, last._live);
            foreach (var program in _programs)
                program.Reset();
            Array.Clear(_offers);
        }
        else
        {
            _cpus = [.. machine.Cpus];
            _programs = [.. _layout.Programs.Select(p => new Program(p))];
            _preemptors = new Preemptor?[_cpus.Length];
            _offers = new CpuOffer[_cpus.Length];
            _enabled = new TransitionList(_cpus.Length * 2);
            _live = new int[_cpus.Length];
        }
        for (var i = 0; i < _live.Length; i++)
            _live[i] = i;
        _liveCount = _live.Length;
        for (var i = 0; i < _cpus.Length; i++)
        {
            if (_layout.Preempting[i] is [var first, ..] preempting)
                _preemptors[i] = new Preemptor(first.Step.Preempting!, _cpus[i].Current, new Program(preempting));
        }
        _known = previous?._known ?? [.. _cpus.Select(c => new KnownEvents(c, _preemptors[c.Index] is not null))];
        // Sized as the last execution of the block: most run about as many events.
        _events = new List<ExecutedEvent>(previous?._events.Count ?? 0);
        _replayable = replays ? previous?._events : null;
        foreach (var cpu in _cpus)
            Next(cpu, _programs[cpu.Index]);
    }

    /// <summary>The block's steps, in the block's order.</summary>
    public IReadOnlyList<ThreadStep> Steps { get; }

    /// <summary>The events performed so far, for the schedule printer.</summary>
    public IReadOnlyList<ExecutedEvent> Events => _events;

    /// <summary>The outcome of every returned step that states one, against what it states.</summary>
    public IReadOnlyList<Judgment> Judgments => _judgments;

    /// <summary>Whether a store was kept out of a full buffer (<c>--buffer-bound</c>) in some state so far.</summary>
    public bool Bounded { get; private set; }

    /// <summary>Every program has returned from its last step, and every preempting task has switched back.</summary>
    public bool Done => _programs.All(p => p.Running is null) && _preemptors.All(p => p is null or { State: PreemptorState.Done });

    /// <summary>
    /// The enabled events: by CPU index, each CPU's step (access or return) or its preempting task's event, then each
    /// non-empty buffer's drain. The list is this execution's own and changes at the next call.
    /// </summary>
    public TransitionList Enabled()
    {
        var enabled = _enabled;
        enabled.Clear();
        var (live, kept) = (_live, 0);
        for (var k = 0; k < _liveCount; k++)
        {
            var i = live[k];
            ref var offer = ref _offers[i];
            if (!offer.Fresh)
                offer = Offer(_cpus[i]);
            if (offer.Task is { } task)
                enabled.Add(task);
            if (offer.Switch is { } switchIn)
                enabled.Add(switchIn);
            if (offer is { Task: null, Switch: null, Drain: null } && Finished(i))
                continue;
            live[kept++] = i;
        }
        _liveCount = kept;
        for (var k = 0; k < _liveCount; k++)
        {
            if (_offers[live[k]].Drain is { } drain)
                enabled.Add(drain);
        }
        return enabled;
    }

    /// <summary>The CPU's program and preempting task are over and its buffer is empty: it has no event left in this execution.</summary>
    private bool Finished(int cpu) =>
        _programs[cpu].Running is null && _preemptors[cpu] is null or { State: PreemptorState.Done } && _cpus[cpu].StoreBuffer.IsEmpty;

    /// <summary>What the CPU offers now; kept until the CPU's next event unless it waits on a lock word (see <see cref="CpuOffer"/>).</summary>
    private CpuOffer Offer(Cpu cpu)
    {
        var preemptor = _preemptors[cpu.Index];
        var known = _known[cpu.Index];
        // Tested before the store is read: most CPUs of most states have an empty buffer.
        var drain = cpu.StoreBuffer.IsEmpty ? null : known.Drain(cpu.StoreBuffer.Oldest);
        if (preemptor is { State: PreemptorState.Running })
        {
            if (preemptor.Program.Running is { } step)
                return StepOffer(cpu, known.Preempting, step, known.NoPointPreempting, []) with { Drain = drain };
            return new CpuOffer(cpu.StoreBuffer.IsEmpty ? known.Switch : null, null, drain, Fresh: true);
        }
        var offer = _programs[cpu.Index].Running is { } running
            ? StepOffer(cpu, known.Step, running, known.NoPointStep, known.ReadsCurrent) with { Drain = drain }
            : new CpuOffer(null, null, drain, Fresh: true);
        if (preemptor is { State: PreemptorState.Waiting } && cpu.StoreBuffer.IsEmpty && Preemptible(cpu, preemptor) is not null)
            offer = offer with { Switch = known.Switch };
        return offer;
    }

    private CpuOffer StepOffer(Cpu cpu, KnownEvent e, RunningStep running, Transition noPoint, StateAccess[] reads)
    {
        if (running.Path?.Pending is not { } point)
            return new CpuOffer(noPoint, null, null, Fresh: true);
        // Whether a spin_lock() can take its word changes with any CPU's event: asked again in every state.
        var fresh = point.Kind != InterleavingKind.Lock;
        if (!_machine.Memory.CanPerform(cpu, point))
            return new CpuOffer(null, null, null, fresh);
        var transition = e.At(point, _machine.Memory.Model, reads);
        if (transition.Effect.Buffers && cpu.StoreBuffer.Count >= _bufferBound)
        {
            Bounded = true;
            return new CpuOffer(null, null, null, fresh);
        }
        return new CpuOffer(transition, null, null, fresh);
    }

    /// <summary>
    /// What a CPU offers in a state: its task's event (its program's or, switched in, its preempting task's), the
    /// preempting task's switch in, and its buffer's drain. Between two states only the CPU that moved changes what it
    /// offers (its path, its buffer, which task it runs are its own), so the offer is kept until its next event
    /// (<see cref="Fresh"/>), but a spin_lock() waiting for a word another CPU's event can free.
    /// </summary>
    private readonly record struct CpuOffer(Transition? Task, Transition? Switch, Transition? Drain, bool Fresh);

    /// <summary>Performs the event; returns it with its whole footprint, what the kernel code it ran read and wrote.</summary>
    /// <param name="replayed">The event is the search's trail replayed, in a state the execution before passed through.</param>
    public Transition Perform(Transition chosen, bool replayed = false)
    {
        var e = chosen.Event;
        var cpu = _machine.Cpus[e.Cpu];
        _offers[e.Cpu] = default;
        if (e.Kind == EventKind.Drain)
        {
            var drained = _machine.Memory.DrainOldest(cpu);
            _events.Add(Replayed(replayed, e) ?? new ExecutedEvent(e, null, -1, false, null, null, cpu.StoreBuffer.Count) { Drained = drained, Footprint = chosen.Effect });
            return chosen;
        }
        var preemptor = _preemptors[e.Cpu];
        // A replayed event ran before in the same state (the record shared below says so): its footprint is the one
        // the trail holds, so its code's accesses are not recorded again.
        var known = replayed && chosen.Effect.Complete;
        _machine.Tracker.Begin(e.Cpu, record: !known);
        if (e.Kind == EventKind.Preempting && preemptor!.Program.Running is null)
            return SwitchPreemptor(chosen, cpu, preemptor, known);
        var program = e.Kind == EventKind.Preempting ? preemptor!.Program : _programs[e.Cpu];
        if (e.Kind == EventKind.Step && preemptor is not null)
            _ = cpu.Current;
        var running = program.Running!;
        var waiting = e.Kind == EventKind.Step && preemptor is { State: PreemptorState.Waiting };
        var wasPreemptible = waiting && Preemptible(cpu, preemptor!) is not null;
        // Read before the step runs: a step that returns hands its program's running step to the next one.
        var (step, ordinal, begins, starts) = (running.Step, running.Ordinal, !running.Moved, running.Path is null);
        running.Moved = true;
        InterleavingPoint? before = null;
        InterleavingPoint? after = null;
        if (starts)
        {
            running.Start(cpu);
            after = PassDrained(running.Path!);
        }
        else if ((before = running.Path!.Pending) is null)
            Return(cpu, program, running);
        else
        {
            running.Path.Perform();
            after = PassDrained(running.Path);
        }
        var tracked = _machine.Tracker.End();
        if (!known && waiting && wasPreemptible != Preemptible(cpu, preemptor!) is not null)
            tracked = [.. tracked, new StateAccess(_known[e.Cpu].PreemptCount, wasPreemptible ? Access.Acquire : Access.Release)];
        var performed = known ? chosen : _known[e.Cpu].Performed(chosen, tracked);
        _events.Add(Replayed(replayed, e) ?? new ExecutedEvent(e, step, ordinal, begins, before, after, cpu.StoreBuffer.Count) { Footprint = performed.Effect, Starts = starts });
        return performed;
    }

    /// <summary>
    /// Under SC goes past the path's drain points (<see cref="InterleavingPoint.DrainsOnly"/>): with no store buffer
    /// the instruction waits for nothing, so the path's events stay those it has without it. Under TSO each is an event
    /// of its own, enabled once the buffer is empty: going past it only when the buffer happens to be empty would make
    /// the event before it depend on the CPU's drains, which the reductions take as independent of its steps. Returns
    /// the point the path stops at next.
    /// </summary>
    private InterleavingPoint? PassDrained(KernelPath path)
    {
        while (_machine.Memory.Model == MemoryModel.Sc && path.Pending is { DrainsOnly: true })
            path.Perform();
        return path.Pending;
    }

    /// <summary>
    /// The record the execution before made of the same event in the same state, when this one replays it (the
    /// scenario is deterministic: <c>--verify-independence</c> checks it): the record is shared, not made again. The
    /// trail's last event, where the search turns another way, is another event there.
    /// </summary>
    private ExecutedEvent? Replayed(bool replayed, ExploreEvent e) =>
        replayed && _replayable is { } before && _events.Count < before.Count && before[_events.Count].Event == e ? before[_events.Count] : null;

    /// <summary>"deadlock: cpu1 spins in spin_lock(pgd_lock)": the CPUs whose pending access can never be performed.</summary>
    public string Deadlock() => "deadlock: " + string.Join(", ", Stuck().Select(s => $"{_machine.Cpus[s.Event.Cpu]} spins in {s.Point}"));

    /// <summary>In a deadlocked state, the events that spin in spin_lock() and the lock word each waits for.</summary>
    public IEnumerable<(ExploreEvent Event, MemoryLocation Word)> Spinning() =>
        Stuck().Where(s => s.Point.Kind == InterleavingKind.Lock).Select(s => (s.Event, s.Point.Location!.Value));

    // The CPUs' running tasks whose pending access cannot be performed now, as the event each would be.
    private IEnumerable<(ExploreEvent Event, InterleavingPoint Point)> Stuck() => _machine.Cpus
        .Select(c => _preemptors[c.Index] is { State: PreemptorState.Running } p
            ? (Event: _known[c.Index].Preempting.Event, Cpu: c, Running: p.Program.Running)
            : (Event: _known[c.Index].Step.Event, Cpu: c, Running: _programs[c.Index].Running))
        .Where(c => c.Running?.Path?.Pending is { } point && !_machine.Memory.CanPerform(c.Cpu, point))
        .Select(c => (c.Event, c.Running!.Path!.Pending!));

    /// <summary>
    /// Where the CPU's task can be preempted now, or null where it cannot: in user mode (its step not begun, or none
    /// left), or stopped at a preemption point of its step's path while it holds no lock (spin_lock() disables
    /// preemption: exec's task_lock() around arch_pgd_init_late()). It must still be the CPU's task.
    /// </summary>
    private string? Preemptible(Cpu cpu, Preemptor preemptor)
    {
        if (cpu.Current != preemptor.Preempted)
            return null;
        var running = _programs[cpu.Index].Running;
        if (running is null || running.Path is null || running.Step.Immediate && !running.Moved)
            return UserMode;
        return running.Path is { Pending: { Kind: InterleavingKind.Preemption } point, Held.Count: 0 } ? point.Label : null;
    }

    private const string UserMode = "";

    // kernel/sched/core.c: __schedule() -> context_switch(): the preempting task in, or the preempted one back.
    private Transition SwitchPreemptor(Transition chosen, Cpu cpu, Preemptor preemptor, bool known)
    {
        SwitchEvent switched;
        if (preemptor.State == PreemptorState.Waiting)
        {
            var at = Preemptible(cpu, preemptor)!;
            preemptor.ResumesInKernel = at != UserMode;
            _machine.Kernel.ContextSwitch(cpu, preemptor.Task);
            preemptor.State = PreemptorState.Running;
            Next(cpu, preemptor.Program);
            switched = new SwitchEvent(preemptor.Task.ToString(), preemptor.Preempted.ToString(), at == UserMode ? null : at);
        }
        else
        {
            // A task preempted inside a syscall goes on in the kernel; one preempted in user mode returns there.
            _machine.Kernel.ContextSwitch(cpu, preemptor.Preempted, nextReturnsToUser: !preemptor.ResumesInKernel);
            preemptor.State = PreemptorState.Done;
            switched = new SwitchEvent(preemptor.Preempted.ToString(), null, null);
        }
        var preemptCount = new StateAccess(_known[cpu.Index].PreemptCount, preemptor.State == PreemptorState.Running ? Access.Acquire : Access.Release);
        var tracked = _machine.Tracker.End();
        var performed = known ? chosen : chosen with { Effect = chosen.Effect.With([.. tracked, preemptCount]) };
        _events.Add(new ExecutedEvent(chosen.Event, null, -1, false, null, null, cpu.StoreBuffer.Count) { Footprint = performed.Effect, Switch = switched });
        return performed;
    }

    /// <summary>A switch of the CPU's task, as known before it runs: it writes which task the CPU runs, once the buffer is empty.</summary>
    private static Footprint Switch(MemoryLocation current) => new([new StateAccess(current, Access.Write)], true);

    // The step returns (its outcome is judged; no drain: the explorer drains as events); the CPU's next step is
    // started by an event of its own.
    private void Return(Cpu cpu, Program program, RunningStep running)
    {
        var outcome = running.Step.Complete(running.Path!);
        if (running.Step.Expected is { } expected)
            _judgments.Add(new Judgment(running.Step.Step, Quantifier.Always, expected.Matches(outcome), $"got {outcome}"));
        Next(cpu, program);
    }

    private static void Next(Cpu cpu, Program program)
    {
        if (program.Advance() is { Step.Immediate: true } next)
            next.Start(cpu);
    }

    /// <summary>
    /// A CPU's events as <see cref="Enabled"/> offers them, made once per execution (or per point) instead of at every
    /// state: between two states only one CPU moves, so the others offer the same transitions again.
    /// </summary>
    private sealed class KnownEvents
    {
        private Transition? _drain;
        // The whole forms of the two transitions without a point, made at their first run.
        private Transition? _noPointStepDone;
        private Transition? _noPointPreemptingDone;

        public KnownEvents(Cpu cpu, bool preempted)
        {
            var current = MemoryLocation.OfCpu(cpu.Index, "current");
            PreemptCount = MemoryLocation.OfCpu(cpu.Index, "preempt_count");
            // The preempted task reads which task its CPU runs, which the preempting task's switches write.
            ReadsCurrent = preempted ? [new StateAccess(current, Access.Read)] : [];
            Step = new KnownEvent(new ExploreEvent(EventKind.Step, cpu.Index));
            Preempting = new KnownEvent(new ExploreEvent(EventKind.Preempting, cpu.Index));
            NoPointStep = new Transition(Step.Event, ReadsCurrent.Length == 0 ? Footprint.None : new Footprint(ReadsCurrent, false));
            NoPointPreempting = new Transition(Preempting.Event, Footprint.None);
            Switch = new Transition(Preempting.Event, ProgramExecution.Switch(current));
            DrainEvent = new ExploreEvent(EventKind.Drain, cpu.Index);
        }

        public StateAccess[] ReadsCurrent { get; }

        /// <summary>
        /// Whether the preempting task can switch in, as a lock: the program's step that stops where its task cannot
        /// be preempted takes it, the step that stops where it can again frees it, and the switch in takes it too.
        /// A step that disables the switch is so one it races with, as a spin_lock() races with the one before
        /// (<see cref="HappensBefore"/>); without it the search reversed the race at the step that enabled the switch,
        /// where it cannot run, and left out the executions preempted earlier.
        /// </summary>
        public MemoryLocation PreemptCount { get; }

        public KnownEvent Step { get; }

        public KnownEvent Preempting { get; }

        /// <summary>The step event when its path has no pending point: it starts or returns.</summary>
        public Transition NoPointStep { get; }

        public Transition NoPointPreempting { get; }

        /// <summary>
        /// <paramref name="offered"/> with the accesses its code made, its whole footprint. Most events' code touches
        /// no tracked state, and each CPU offers the same few transitions again and again: their whole forms are made once.
        /// </summary>
        public Transition Performed(Transition offered, StateAccess[] tracked)
        {
            if (tracked.Length > 0)
                return offered with { Effect = offered.Effect.With(tracked) };
            // A replayed event is offered as it ran before.
            if (offered.Effect.Complete)
                return offered;
            if (ReferenceEquals(offered, NoPointStep))
                return _noPointStepDone ??= Whole(offered);
            if (ReferenceEquals(offered, NoPointPreempting))
                return _noPointPreemptingDone ??= Whole(offered);
            return Step.Performed(offered) ?? Preempting.Performed(offered) ?? Whole(offered);
        }

        /// <summary>A switch of the CPU's task, as known before it runs.</summary>
        public Transition Switch { get; }

        private ExploreEvent DrainEvent { get; }

        /// <summary>The drain of <paramref name="oldest"/>: its footprint depends only on the word and whether it releases a lock.</summary>
        public Transition Drain(BufferedStore oldest)
        {
            if (_drain is not { } drain || drain.Effect.Accesses[0].Location != oldest.Location || drain.Effect.Accesses[0].Access != (oldest.Release ? Access.Release : Access.Write))
                _drain = drain = new Transition(DrainEvent, Footprint.Drain(oldest));
            return drain;
        }
    }

    /// <summary>A completed copy of a transition whose code touched no tracked state.</summary>
    private static Transition Whole(Transition offered) => offered with { Effect = offered.Effect.With([]) };

    /// <summary>
    /// A CPU's step or preempting event, with the transition of the access it was last offered at. A point is made
    /// anew by every execution's path, but its footprint is only its kind and word: the transition is kept while they
    /// stay the same, across executions too.
    /// </summary>
    private sealed class KnownEvent(ExploreEvent e)
    {
        private (InterleavingKind Kind, MemoryLocation? Location) _access;
        private Transition? _transition;
        private Transition? _whole;

        public ExploreEvent Event { get; } = e;

        /// <summary>The event stopped at <paramref name="point"/>: the access there, and <paramref name="reads"/>.</summary>
        public Transition At(InterleavingPoint point, MemoryModel model, StateAccess[] reads)
        {
            if (_transition is null || point.Kind != _access.Kind || point.Location != _access.Location)
            {
                var effect = Footprint.Of(point, model);
                _transition = new Transition(Event, reads.Length == 0 ? effect : effect with { Accesses = [.. effect.Accesses, .. reads] });
                _access = (point.Kind, point.Location);
                _whole = null;
            }
            return _transition;
        }

        /// <summary>The whole form of the transition last offered, when that is <paramref name="offered"/>; otherwise null.</summary>
        public Transition? Performed(Transition offered) =>
            ReferenceEquals(offered, _transition) ? _whole ??= Whole(offered) : null;
    }

    /// <summary>A task's steps on a CPU, in order, and the one it runs now.</summary>
    private sealed class Program((int Ordinal, ThreadStep Step)[] steps)
    {
        private int _next;
        // The one running step, made again for each step: a program runs one at a time.
        private readonly RunningStep _running = new();

        /// <summary>The step the task runs now; null before the first and after the last.</summary>
        public RunningStep? Running { get; private set; }

        /// <summary>Moves to the next step, not begun; returns it, or null when none is left.</summary>
        public RunningStep? Advance()
        {
            if (_next == steps.Length)
                return Running = null;
            var (ordinal, step) = steps[_next++];
            return Running = _running.Become(ordinal, step);
        }

        /// <summary>Back before the first step, for the next execution of the block.</summary>
        public void Reset()
        {
            _next = 0;
            Running = null;
        }
    }

    /// <summary>
    /// The block's steps split into each CPU's program and its preempting task's (null: none), with each step's place
    /// in the block: the same in every execution of the block, so made once.
    /// </summary>
    private sealed record Layout(IReadOnlyList<ThreadStep> Steps, (int Ordinal, ThreadStep Step)[][] Programs, (int Ordinal, ThreadStep Step)[]?[] Preempting)
    {
        public static Layout Of(IReadOnlyList<ThreadStep> steps, int cpus)
        {
            var programs = new List<(int, ThreadStep)>[cpus];
            var preempting = new List<(int, ThreadStep)>?[cpus];
            for (var ordinal = 0; ordinal < steps.Count; ordinal++)
            {
                var step = steps[ordinal];
                var program = step.Preempting is null ? programs[step.Cpu] ??= [] : preempting[step.Cpu] ??= [];
                program.Add((ordinal, step));
            }
            return new Layout(steps, [.. programs.Select(p => p?.ToArray() ?? [])], [.. preempting.Select(p => p?.ToArray())]);
        }
    }

    private enum PreemptorState
    {
        /// <summary>Off the CPU, waiting to preempt its task.</summary>
        Waiting,
        /// <summary>Switched in: running its steps, then the switch back.</summary>
        Running,
        /// <summary>Switched back: the preempted task runs again.</summary>
        Done,
    }

    /// <summary>A CPU's preempting task, the task it preempts, its steps, and where it is in them.</summary>
    private sealed class Preemptor(TaskStruct task, TaskStruct preempted, Program program)
    {
        public TaskStruct Task { get; } = task;

        public TaskStruct Preempted { get; } = preempted;

        public Program Program { get; } = program;

        public PreemptorState State { get; set; }

        /// <summary>The preempted task stopped inside a syscall, which it finishes when it is switched back.</summary>
        public bool ResumesInKernel { get; set; }
    }

    private sealed class RunningStep
    {
        public int Ordinal { get; private set; }

        public ThreadStep Step { get; private set; } = null!;

        /// <summary>The step's path, made when the step starts (the task's state is read then, not before).</summary>
        public KernelPath? Path { get; private set; }

        /// <summary>Whether an event of this step has happened: its next line in a schedule continues it.</summary>
        public bool Moved { get; set; }

        /// <summary>This is now the step at <paramref name="ordinal"/>, not begun.</summary>
        public RunningStep Become(int ordinal, ThreadStep step)
        {
            (Ordinal, Step, Path, Moved) = (ordinal, step, null, false);
            return this;
        }

        public void Start(Cpu cpu)
        {
            Path = Step.Begin(cpu);
            Path.Start();
        }
    }
}

/// <summary>
/// A switch of a CPU's task by its preempting task's process: to <paramref name="Next"/>, preempting
/// <paramref name="Preempted"/> (null for the switch back) at the preemption point <paramref name="At"/> of its step's
/// path (null: in user mode).
/// </summary>
internal sealed record SwitchEvent(string Next, string? Preempted, string? At)
{
    public override string ToString() => Preempted is null ? $"the switch back to {Next}" : $"the switch to {Next}, preempting {Preempted}{(At is null ? " in user mode" : " at " + At)}";
}

/// <summary>
/// An event as it happened, for the schedule printer: the step it moved (<paramref name="Ordinal"/> is its place in
/// the block) and whether it was that step's first event, the point it performed (null: the step started or returned),
/// the point pending after it (null: the body is done), and how many stores the CPU's buffer holds afterwards.
/// </summary>
internal sealed record ExecutedEvent(
    ExploreEvent Event,
    ThreadStep? Step,
    int Ordinal,
    bool Begins,
    InterleavingPoint? Performed,
    InterleavingPoint? PendingAfter,
    int Buffered)
{
    /// <summary>The store a drain moved to memory (null for steps), so a printed schedule can show each buffer's contents.</summary>
    public BufferedStore? Drained { get; init; }

    /// <summary>What the event read and wrote of the state other CPUs reach.</summary>
    public required Footprint Footprint { get; init; }

    /// <summary>The event started its step: made its path and ran it to its first point, performing none.</summary>
    public bool Starts { get; init; }

    /// <summary>The switch a preempting task's first or last event made (null for any other event).</summary>
    public SwitchEvent? Switch { get; init; }

    public bool IsReturn => Event.Kind != EventKind.Drain && Switch is null && Performed is null && !Starts;
}

/// <summary>
/// An expectation judged in one execution: whether its per-execution form is satisfied, what the execution showed
/// (null: its final state), and why it could not be observed.
/// </summary>
internal sealed record Judgment(Step Step, Quantifier Quantifier, bool Satisfied, string? Detail, string? Error = null);
