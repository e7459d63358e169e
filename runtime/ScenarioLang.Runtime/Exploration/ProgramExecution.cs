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
internal sealed class ProgramExecution
{
    private readonly X86Machine _machine;
    private readonly Queue<(int Ordinal, ThreadStep Step)>[] _programs;
    private readonly RunningStep?[] _running;
    private readonly List<ExecutedEvent> _events = [];
    private readonly List<Judgment> _judgments = [];

    private readonly int? _bufferBound;

    public ProgramExecution(X86Machine machine, IReadOnlyList<ThreadStep> steps, int? bufferBound = null)
    {
        _machine = machine;
        _bufferBound = bufferBound;
        Steps = steps;
        _programs = [.. machine.Cpus.Select(c => new Queue<(int, ThreadStep)>(steps.Index().Where(s => s.Item.Cpu == c.Index)))];
        _running = new RunningStep?[machine.Cpus.Count];
        foreach (var cpu in machine.Cpus)
            Next(cpu);
    }

    /// <summary>The block's steps, in the block's order.</summary>
    public IReadOnlyList<ThreadStep> Steps { get; }

    /// <summary>The events performed so far, for the schedule printer.</summary>
    public IReadOnlyList<ExecutedEvent> Events => _events;

    /// <summary>The outcome of every returned step that states one, against what it states.</summary>
    public IReadOnlyList<Judgment> Judgments => _judgments;

    /// <summary>Whether a store was kept out of a full buffer (<c>--buffer-bound</c>) in some state so far.</summary>
    public bool Bounded { get; private set; }

    /// <summary>Every program has returned from its last step.</summary>
    public bool Done => _running.All(r => r is null);

    /// <summary>The enabled events: each CPU's step (access or return) by CPU index, then each non-empty buffer's drain.</summary>
    public IReadOnlyList<Transition> Enabled()
    {
        var enabled = new List<Transition>();
        foreach (var cpu in _machine.Cpus)
        {
            if (_running[cpu.Index] is not { } running)
                continue;
            if (running.Path?.Pending is not { } point)
                enabled.Add(new Transition(new ExploreEvent(EventKind.Step, cpu.Index), Footprint.None));
            else if (_machine.Memory.CanPerform(cpu, point))
            {
                var effect = Footprint.Of(point, _machine.Memory.Model);
                if (effect.Buffers && cpu.StoreBuffer.Stores.Count >= _bufferBound)
                    Bounded = true;
                else
                    enabled.Add(new Transition(new ExploreEvent(EventKind.Step, cpu.Index), effect));
            }
        }
        foreach (var cpu in _machine.Cpus)
        {
            if (cpu.StoreBuffer.Oldest is { } oldest)
                enabled.Add(new Transition(new ExploreEvent(EventKind.Drain, cpu.Index), Footprint.Drain(oldest)));
        }
        return enabled;
    }

    /// <summary>Performs the event; returns it with its whole footprint, what the kernel code it ran read and wrote.</summary>
    public Transition Perform(Transition chosen)
    {
        var e = chosen.Event;
        var cpu = _machine.Cpus[e.Cpu];
        if (e.Kind == EventKind.Drain)
        {
            var drained = _machine.Memory.DrainOldest(cpu);
            _events.Add(new ExecutedEvent(e, null, -1, false, null, null, cpu.StoreBuffer.Stores.Count) { Drained = drained, Footprint = chosen.Effect });
            return chosen;
        }
        var running = _running[e.Cpu]!;
        _machine.Tracker.Begin(e.Cpu);
        InterleavingPoint? before = null;
        var starts = running.Path is null;
        if (starts)
            running.Start(cpu);
        else if ((before = running.Path!.Pending) is null)
            Return(cpu, running);
        else
            running.Path.Perform();
        var performed = chosen with { Effect = chosen.Effect.With(_machine.Tracker.End()) };
        var after = starts || before is not null ? running.Path!.Pending : null;
        _events.Add(new ExecutedEvent(e, running.Step, running.Ordinal, !running.Moved, before, after, cpu.StoreBuffer.Stores.Count) { Footprint = performed.Effect, Starts = starts });
        running.Moved = true;
        return performed;
    }

    /// <summary>"deadlock: cpu1 spins in spin_lock(pgd_lock)": the CPUs whose pending access can never be performed.</summary>
    public string Deadlock() =>
        "deadlock: " + string.Join(", ", _machine.Cpus
            .Where(c => _running[c.Index]?.Path?.Pending is { } point && !_machine.Memory.CanPerform(c, point))
            .Select(c => $"{c} spins in {_running[c.Index]!.Path!.Pending}"));

    // The step returns (its outcome is judged; no drain: the explorer drains as events); the CPU's next step is
    // started by an event of its own.
    private void Return(Cpu cpu, RunningStep running)
    {
        var outcome = running.Step.Complete(running.Path!);
        if (running.Step.Expected is { } expected)
            _judgments.Add(new Judgment(running.Step.Step, Quantifier.Always, expected.Matches(outcome), $"got {outcome}"));
        Next(cpu);
    }

    private void Next(Cpu cpu)
    {
        var next = _programs[cpu.Index].TryDequeue(out var step) ? new RunningStep(step.Ordinal, step.Step) : null;
        _running[cpu.Index] = next;
        if (next is { Step.Immediate: true })
            next.Start(cpu);
    }

    private sealed class RunningStep(int ordinal, ThreadStep step)
    {
        public int Ordinal { get; } = ordinal;

        public ThreadStep Step { get; } = step;

        /// <summary>The step's path, made when the step starts (the task's state is read then, not before).</summary>
        public KernelPath? Path { get; private set; }

        public void Start(Cpu cpu)
        {
            Path = Step.Begin(cpu);
            Path.Start();
        }

        /// <summary>Whether an event of this step has happened: its next line in a schedule continues it.</summary>
        public bool Moved { get; set; }
    }
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

    public bool IsReturn => Event.Kind == EventKind.Step && Performed is null && !Starts;
}

/// <summary>
/// An expectation judged in one execution: whether its per-execution form is satisfied, what the execution showed
/// (null: its final state), and why it could not be observed.
/// </summary>
internal sealed record Judgment(Step Step, Quantifier Quantifier, bool Satisfied, string? Detail, string? Error = null);
