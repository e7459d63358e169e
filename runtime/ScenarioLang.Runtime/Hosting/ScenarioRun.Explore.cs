using ScenarioLang.Runtime.Exploration;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime;

/// <summary>
/// Explore blocks and quantified expectations. An explore block runs each CPU's steps as that CPU's program and
/// <see cref="ScenarioExecutor"/> runs the scenario once per interleaving of their accesses and buffer drains; the
/// expectations after the block are judged over every execution that reached a final state.
/// </summary>
/// <remarks>
/// A run is the first execution of its search's part; the next ones rewind it to where its block started
/// (<see cref="Rewind"/>: the tracked cells the block changed, the state outside them, the run's own books) and run
/// the block and the expectations after it again, instead of building a machine and running the scenario from its
/// start for each. Only quantified expectations can follow a block, so what follows it is known once it has run.
/// </remarks>
public sealed partial class ScenarioRun
{
    private ExecutionDriver? _explorer;
    private ExecutionRecord? _execution;
    [Bookkeeping]
    private BlockStart? _start;

    /// <summary>A run that is one execution of the exploration <paramref name="explorer"/> steers.</summary>
    internal ScenarioRun(ScenarioDescription description, KernelConfig config, ExecutionDriver explorer)
        : this(description, config) => _explorer = explorer;

    /// <summary>
    /// Whether the run can start another execution at its block (<see cref="Rewind"/>): its first execution ran the
    /// scenario to its end, and only quantified expectations followed the block (as the language requires; a test's
    /// scripted scenario may do otherwise), so what follows it is known. A block inside a repeat would be followed by
    /// the repeat's next iterations: such a run is never rewound.
    /// </summary>
    internal bool Rewindable => _start is { After.Replayable: true } && _repeats.Count == 0;

    /// <summary>
    /// Whether the run can run its block again without what follows it (<see cref="ExploreBlockAgain"/>, for a probe
    /// that stops in the block): it is <see cref="Rewindable"/>, or its first execution was abandoned in the block, so
    /// what follows is not known, but the machine rewinds to the block's start all the same.
    /// </summary>
    internal bool BlockRewindable => (_start is { After.Sealed: false } && _repeats.Count == 0) || Rewindable;

    /// <summary>This execution started from the block on a rewound machine, not from the scenario's start.</summary>
    [field: Bookkeeping]
    internal bool Rewound { get; private set; }

    /// <summary>The scenario's code has returned: what followed the block is all in <see cref="BlockStart.After"/>.</summary>
    internal void Ended()
    {
        // The block's own entry, then one per quantified expectation.
        if (_start is not null)
            _start.After.Seal(_entries.Count, replayable: _entries.Count == _start.Prefix.Length + 1 + _start.After.Calls.Count);
    }

    /// <summary>Puts the machine and the run back where the block started, for an execution <paramref name="explorer"/> steers.</summary>
    internal void Rewind(ExecutionDriver explorer)
    {
        if (!BlockRewindable)
            throw new InvalidOperationException("a run rewound before it reached its explore block");
        Machine.Tracker.Rewind();
        _start!.State.Restore(this);
        explorer.Follows(_explorer!);
        _explorer = explorer;
        _execution = null;
        Rewound = true;
    }

    /// <summary>Runs the block again, then the expectations after it, as the scenario's code did in the first execution.</summary>
    internal void ExploreAgain()
    {
        if (!Rewindable)
            throw new InvalidOperationException("a run whose first execution did not end rewound for a whole execution");
        if (!RunBlock(_start!))
            return;
        foreach (var expectation in _start!.After.Calls)
            expectation();
        if (_entries.Count != _start.After.Entries)
            throw new InvalidOperationException($"the statements after the explore block traced {_entries.Count} entries again, not {_start.After.Entries}");
    }

    /// <summary>Runs the block again and stops there: the execution of a probe, which is not judged.</summary>
    internal void ExploreBlockAgain() => _ = RunBlock(_start!);

    /// <summary>
    /// Runs the block's steps as per-CPU programs, in the interleaving the explorer chooses for this execution. A step
    /// returning here does not drain its buffer: drains are events of their own, in every order x86-TSO allows.
    /// </summary>
    public void Explore(Step step, params ThreadStep[] steps)
    {
        if (_explorer is null)
            throw new ScenarioRuntimeException("an explore block runs only under ScenarioExecutor, which runs the scenario once per interleaving");
        if (_execution is not null)
            throw new ScenarioRuntimeException("a scenario has at most one explore block");
        foreach (var cpu in steps.Select(s => s.Cpu).Distinct())
        {
            RequireNotBlocked(step, cpu);
            RequireNoPausedStep(Machine.Cpus[cpu]);
        }
        foreach (var task in steps.Select(s => s.Preempting).OfType<TaskStruct>().Distinct())
        {
            if (task.State != TaskState.Runnable || HasSuspendedPath(task))
                throw new ScenarioRuntimeException($"{task} cannot preempt: it is {(HasSuspendedPath(task) ? "preempted inside a syscall" : task.State.ToString().ToLowerInvariant())}");
        }
        _start = new BlockStart(step, steps, [.. _entries], RunState.Save(this));
        Machine.Tracker.Save();
        if (!RunBlock(_start))
            throw new AbandonedExecution();
    }

    /// <summary>Runs the block once; false when the execution was abandoned or deadlocked there (the run stops).</summary>
    private bool RunBlock(BlockStart start)
    {
        if (_explorer!.Explore(start.Step, start.Steps, Machine, start.Prefix) is not { } execution)
            return false;
        _execution = execution;
        Record(start.Step, Verdict.None, null);
        return true;
    }

    /// <summary><c>cpu0 B preempts A: step</c>: the step, which <paramref name="task"/> runs when it preempts the CPU's task.</summary>
    public ThreadStep Preempting(ThreadStep step, TaskStruct task) => step with { Preempting = task };

    /// <summary>
    /// <c>expect always|never|sometimes c1 and c2</c>: the conditions hold when all of them do. After an explore block
    /// the verdict is over all executions; otherwise over this one: always and sometimes pass if the conditions hold,
    /// never if they do not (so a replayed counterexample fails the same way).
    /// </summary>
    public void Expect(Step step, Quantifier quantifier, params Condition[] conditions)
    {
        var observation = Observation.Of(conditions, _observations);
        if (_execution is not null)
        {
            _start!.After.Add(() => Expect(step, quantifier, conditions));
            _execution.Observe(step, quantifier, observation);
            Record(step, Verdict.None, null);
        }
        else if (observation.Error is not null)
            Record(step, Verdict.Fail, "cannot observe: " + observation.Error);
        else if (observation.Satisfies(quantifier))
            Record(step, Verdict.Pass, null);
        else
            Record(step, Verdict.Fail, "got " + Observation.Format(observation.Values));
    }

    /// <summary>Where the block starts: its steps, the trace before it, the run's books then, and what follows it.</summary>
    private sealed record BlockStart(Step Step, ThreadStep[] Steps, TraceEntry[] Prefix, RunState State)
    {
        public StatementsAfter After { get; } = new();
    }

    /// <summary>The expectations after the block, as its first execution called them, and the trace they left.</summary>
    private sealed class StatementsAfter
    {
        private readonly List<Action> _calls = [];

        public IReadOnlyList<Action> Calls => _calls;

        /// <summary>The run's trace entries once they had run: every execution must leave as many.</summary>
        public int Entries { get; private set; }

        public bool Sealed { get; private set; }

        /// <summary>Sealed, and nothing but <see cref="Calls"/> traced after the block: calling them again replays what followed it.</summary>
        public bool Replayable { get; private set; }

        public void Add(Action call)
        {
            if (!Sealed)
                _calls.Add(call);
        }

        public void Seal(int entries, bool replayable)
        {
            Entries = entries;
            Sealed = true;
            Replayable = replayable;
        }
    }

    /// <summary>
    /// The run's own books where the block started (the kernel's state is the tracker's): the tasks and names steps
    /// bound, registers, steps paused, blocked or preempted in the explicit schedule before the block, the trace's length.
    /// </summary>
    private sealed record RunState(
        KeyValuePair<string, TaskStruct>[] Tasks,
        int Entries,
        KeyValuePair<TaskStruct, SuspendedPath>[] Suspended,
        KeyValuePair<int, BlockedStep>[] Blocked,
        bool Stopped,
        KeyValuePair<int, ExplicitStep>[] Paused,
        KeyValuePair<int, string>[] Unreached,
        int FindingExpectations,
        int UntracedPasses,
        int UntracedFailures,
        KeyValuePair<string, ulong>[] Addresses,
        KeyValuePair<string, long>[] Registers)
    {
        public static RunState Save(ScenarioRun run) => new(
            [.. run._tasks], run._entries.Count, [.. run._suspended], [.. run._blocked], run._stopped, [.. run._paused],
            [.. run._unreached], run._findingExpectations.Count, run._untracedPasses, run._untracedFailures,
            [.. run._addresses], [.. run.Registers]);

        public void Restore(ScenarioRun run)
        {
            Refill(run._tasks, Tasks);
            run._entries.RemoveRange(Entries, run._entries.Count - Entries);
            Refill(run._suspended, Suspended);
            Refill(run._blocked, Blocked);
            run._stopped = Stopped;
            Refill(run._paused, Paused);
            Refill(run._unreached, Unreached);
            run._findingExpectations.RemoveRange(FindingExpectations, run._findingExpectations.Count - FindingExpectations);
            run._untracedPasses = UntracedPasses;
            run._untracedFailures = UntracedFailures;
            Refill(run._addresses, Addresses);
            Refill(run.Registers, Registers);
        }

        private static void Refill<TKey, TValue>(IDictionary<TKey, TValue> books, KeyValuePair<TKey, TValue>[] saved)
        {
            books.Clear();
            foreach (var (key, value) in saved)
                books.Add(key, value);
        }
    }
}
