using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Scheduling;

namespace ScenarioLang.Runtime.Exploration;

/// <summary>
/// One execution of an explore block: each CPU's steps, in order, form its program. A step begins (its path runs to
/// its first point) as soon as the CPU's previous step returned; the explorer picks which enabled event comes next.
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
            BeginNext(cpu);
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
            if (running.Path.Pending is not { } point)
                enabled.Add(new Transition(new ExploreEvent(EventKind.Step, cpu.Index), MemoryEffect.None));
            else if (_machine.Memory.CanPerform(cpu, point))
            {
                var effect = MemoryEffect.Of(point, _machine.Memory.Model);
                if (effect.Buffers && cpu.StoreBuffer.Stores.Count >= _bufferBound)
                    Bounded = true;
                else
                    enabled.Add(new Transition(new ExploreEvent(EventKind.Step, cpu.Index), effect));
            }
        }
        foreach (var cpu in _machine.Cpus)
        {
            if (cpu.StoreBuffer.Oldest is { } oldest)
                enabled.Add(new Transition(new ExploreEvent(EventKind.Drain, cpu.Index), MemoryEffect.Drain(oldest)));
        }
        return enabled;
    }

    public void Perform(ExploreEvent e)
    {
        var cpu = _machine.Cpus[e.Cpu];
        if (e.Kind == EventKind.Drain)
        {
            var drained = _machine.Memory.DrainOldest(cpu);
            _events.Add(new ExecutedEvent(e, null, -1, false, null, null, cpu.StoreBuffer.Stores.Count) { Drained = drained });
            return;
        }
        var running = _running[e.Cpu]!;
        var before = running.Path.Pending;
        if (before is null)
            Return(cpu, running);
        else
            running.Path.Perform();
        var after = before is null ? null : running.Path.Pending;
        _events.Add(new ExecutedEvent(e, running.Step, running.Ordinal, !running.Moved, before, after, cpu.StoreBuffer.Stores.Count));
        running.Moved = true;
    }

    /// <summary>"deadlock: cpu1 spins in spin_lock(pgd_lock)": the CPUs whose pending access can never be performed.</summary>
    public string Deadlock() =>
        "deadlock: " + string.Join(", ", _machine.Cpus
            .Where(c => _running[c.Index]?.Path.Pending is { } point && !_machine.Memory.CanPerform(c, point))
            .Select(c => $"{c} spins in {_running[c.Index]!.Path.Pending}"));

    // The step returns (its outcome is judged; no drain: the explorer drains as events) and the CPU's next step begins.
    private void Return(Cpu cpu, RunningStep running)
    {
        var outcome = running.Step.Complete(running.Path);
        if (running.Step.Expected is { } expected)
            _judgments.Add(new Judgment(running.Step.Step, Quantifier.Always, outcome == expected, $"got {outcome}"));
        _running[cpu.Index] = null;
        BeginNext(cpu);
    }

    private void BeginNext(Cpu cpu)
    {
        if (!_programs[cpu.Index].TryDequeue(out var next))
            return;
        var path = next.Step.Begin(cpu);
        path.Start();
        _running[cpu.Index] = new RunningStep(next.Ordinal, next.Step, path);
    }

    private sealed class RunningStep(int ordinal, ThreadStep step, KernelPath path)
    {
        public int Ordinal { get; } = ordinal;

        public ThreadStep Step { get; } = step;

        public KernelPath Path { get; } = path;

        /// <summary>Whether an event of this step has happened: its next line in a schedule continues it.</summary>
        public bool Moved { get; set; }
    }
}

/// <summary>
/// An event as it happened, for the schedule printer: the step it moved (<paramref name="Ordinal"/> is its place in
/// the block) and whether it was that step's first event, the point it performed (null: the step returned), the
/// point pending after it (null: the body is done), and how many stores the CPU's buffer holds afterwards.
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

    public bool IsReturn => Event.Kind == EventKind.Step && Performed is null;
}

/// <summary>
/// An expectation judged in one execution: whether its per-execution form is satisfied, what the execution showed
/// (null: its final state), and why it could not be observed.
/// </summary>
internal sealed record Judgment(Step Step, Quantifier Quantifier, bool Satisfied, string? Detail, string? Error = null);
