using ScenarioLang.Runtime.Catalog;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracing;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime;

/// <summary>
/// The API generated scenarios call: one method per kind of step, each taking the step's place in
/// the .kscn file. It runs the step on the machine, checks the expected outcome and records the trace.
/// A mechanism's steps are declared in its folder (a ScenarioRun.&lt;Name&gt;.cs part of this class), built on
/// <see cref="SyscallStep"/> and <see cref="InstructionStep"/>.
/// </summary>
/// <remarks>
/// Every step is a <see cref="ThreadStep"/> run by <see cref="Run"/>. A step can be preempted at a preemption point of
/// its path (<see cref="KernelCatalog.PreemptionPoints"/>): it is recorded as "preempted at …" and the task stays in the kernel,
/// current on its CPU, which (unlike a step paused <c>until</c> a point) can be switched to another task. When a later
/// <see cref="Switch"/> brings the task back, on that CPU or another, the path runs to its end there and the
/// task returns to user mode; the original step's expected outcome is judged in an entry of its own, at the
/// original step's line and column, whose text reads "A resumes on cpu1: &lt;original text&gt;".
/// </remarks>
public sealed partial class ScenarioRun
{
    private readonly Dictionary<string, TaskStruct> _tasks = new(StringComparer.Ordinal);
    private readonly List<TraceEntry> _entries = [];
    private readonly Observations _observations;
    private readonly Dictionary<TaskStruct, SuspendedPath> _suspended = [];
    /// <summary>The addresses steps bound to names (<c>vmalloc(4 MiB) -> V</c>), for the steps and expectations that use them.</summary>
    private readonly Dictionary<string, ulong> _addresses = new(StringComparer.Ordinal);
    // Complete()'s list of the live tasks, filled anew at each end of the run.
    [Bookkeeping]
    private readonly List<TaskStruct> _live = [];

    // The mechanisms the scenario uses and their cost counters, found once per run (Complete()).
    [Bookkeeping]
    private MechanismDeclaration[]? _usedMechanisms;
    [Bookkeeping]
    private CostCounter[]? _costCounters;

    public ScenarioRun(ScenarioDescription description, KernelConfig config)
    {
        Description = description;
        Config = config;
        Machine = new X86Machine(description.Cpus, config, description.Memory);
        _observations = new Observations(Machine);
        foreach (var task in description.Tasks)
        {
            foreach (var name in task.Names)
                _tasks.Add(name, Kernel.CreateTask(name, Cred.For(task.Privilege)));
        }
    }

    public ScenarioDescription Description { get; }

    public KernelConfig Config { get; }

    public X86Machine Machine { get; }

    private LinuxKernel Kernel => Machine.Kernel;

    public TaskStruct Task(string name)
    {
        RequireNotPending(name, "task");
        return _tasks.TryGetValue(name, out var task) ? task : throw new ScenarioRuntimeException($"no task named {name}");
    }

    /// <summary>Whether the task was preempted inside a syscall and has not been switched back to yet.</summary>
    public bool HasSuspendedPath(TaskStruct task) => _suspended.ContainsKey(task);

    /// <summary>The tasks left preempted inside a syscall, in the order they were created, with the point each stopped at.</summary>
    public IReadOnlyList<(TaskStruct Task, string Point)> SuspendedPaths =>
        Kernel.Tasks.Where(_suspended.ContainsKey).Select(t => (t, _suspended[t].Point)).ToArray();

    public void Switch(Step step, int cpu, TaskStruct? next)
    {
        RequireNotBlocked(step, cpu);
        var c = Machine.Cpus[cpu];
        RequireNoPausedStep(c);
        var target = next ?? c.Idle;
        if (target.State != TaskState.Runnable && !target.IsIdle)
            throw new ScenarioRuntimeException($"{target} cannot be switched to: it is {target.State.ToString().ToLowerInvariant()}");
        var suspended = _suspended.GetValueOrDefault(target);
        Kernel.ContextSwitch(c, target, nextReturnsToUser: suspended is null);
        Record(step, Verdict.None, null);
        if (suspended is null)
            return;
        _suspended.Remove(target);
        // The path goes on where it was preempted, with this_cpu now this CPU, and returns to user mode.
        var path = suspended.Step.Path;
        path.Cpu = c;
        path.RunToEnd();
        var original = suspended.Step.Step;
        Judge(original.Step with { Text = $"{target} resumes on {c}: {original.Step.Text}" }, original.Complete(path), original.Expected);
    }

    /// <summary>setresuid(); <see cref="LinuxKernel.UidUnchanged"/> ((uid_t)-1) leaves an id as it is.</summary>
    public ThreadStep SetresuidStep(Step step, string action, string? result, int cpu, TaskStruct task, uint ruid, uint euid, uint suid, ExpectedOutcome? expected = null) =>
        SyscallStep(step, action, result, cpu, task, expected, c => Kernel.Setresuid(c, task, ruid, euid, suid));

    /// <summary>exit(): do_exit() ends on the CPU's idle task; the step's outcome is <see cref="Outcome.Ok"/>.</summary>
    public ThreadStep ExitStep(Step step, string action, string? result, int cpu, TaskStruct task) =>
        new(step, cpu, action, result, c => Kernel.ExitPath(RequireCurrent(c.Index, task), task), _ => Outcome.Ok, DrainsQuietly: true);

    public void Expect<T>(Step step, Func<Observations, T> actual, Comparison comparison, T expected, ValueFormat format = ValueFormat.Plain)
        where T : notnull
    {
        if (!Observe(step, actual, out var value))
            return;
        var holds = Holds(Comparer<T>.Default.Compare(value, expected), comparison);
        Record(step, holds ? Verdict.Pass : Verdict.Fail, holds ? null : "got " + Format(value, format));
    }

    /// <summary>
    /// <c>expect tss(cpu0).prev_sequence == bitmap(A).sequence</c>: two subjects of one type compared; a failure shows
    /// both values, "got 3 and 4".
    /// </summary>
    public void ExpectSubjects<T>(Step step, Func<Observations, T> left, Comparison comparison, Func<Observations, T> right, ValueFormat format = ValueFormat.Plain)
        where T : notnull
    {
        if (!Observe(step, left, out var l) || !Observe(step, right, out var r))
            return;
        var holds = Holds(Comparer<T>.Default.Compare(l, r), comparison);
        Record(step, holds ? Verdict.Pass : Verdict.Fail, holds ? null : $"got {Format(l, format)} and {Format(r, format)}");
    }

    /// <summary><c>expect X is Y</c> / <c>is not</c> / <c>is none</c>: whether two references name the same kernel object.</summary>
    public void ExpectIdentity(Step step, Func<Observations, KernelObject?> left, Func<Observations, KernelObject?> right, bool same)
    {
        if (!Observe(step, left, out var l) || !Observe(step, right, out var r))
            return;
        var holds = ReferenceEquals(l, r) == same;
        Record(step, holds ? Verdict.Pass : Verdict.Fail, holds ? null : $"got {l?.ToString() ?? "none"} and {r?.ToString() ?? "none"}");
    }

    /// <summary>Reads what an expectation compares; a value the selected kernel does not have fails it (false).</summary>
    private bool Observe<T>(Step step, Func<Observations, T> read, out T value)
    {
        try
        {
            value = read(_observations);
            return true;
        }
        catch (NotModelledException e)
        {
            Record(step, Verdict.Fail, "cannot observe: " + e.Message);
            value = default!;
            return false;
        }
    }

    /// <summary>Ends the run: the object checker looks for leaks among what the live tasks hold.</summary>
    public ScenarioResult Complete()
    {
        ReportDeadlocks();
        // A deadlocked schedule leaves tasks inside kernel paths, holding what they took: no leak to speak of yet.
        if (!Deadlocked)
            Kernel.CheckForLeaks(LiveTasks());
        var findings = JudgeFindingExpectations(Kernel.Heap.Findings);
        var used = _usedMechanisms ??= UsedMechanisms();
        var declared = _costCounters ??= [.. used.SelectMany(m => m.Costs.Counters)];
        var (names, values) = (new string[declared.Length], new long[declared.Length]);
        for (var i = 0; i < declared.Length; i++)
            (names[i], values[i]) = (declared[i].Name, declared[i].Read(_observations));
        var counters = new CostValues(names, values);
        var costs = used.SelectMany(m => m.Costs.Lines(counters)).ToList();
        return new ScenarioResult(Description, Config, _entries.ToArray(), findings, costs, counters, _untracedPasses, UntracedFailures: _untracedFailures);
    }

    /// <summary>The tasks not dead, then each CPU's idle task, in one list the run keeps: every execution of an explore block ends here.</summary>
    private List<TaskStruct> LiveTasks()
    {
        _live.Clear();
        foreach (var task in Kernel.Tasks)
        {
            if (task.State != TaskState.Dead)
                _live.Add(task);
        }
        foreach (var cpu in Machine.Cpus)
            _live.Add(cpu.Idle);
        return _live;
    }

    // Only the mechanisms the scenario uses count costs: a litmus test has no TSS to copy.
    private MechanismDeclaration[] UsedMechanisms() =>
        [.. Description.Mechanisms.Select(m => KernelCatalog.Find(m) ?? throw new ScenarioRuntimeException($"no mechanism named {m}"))];

    /// <summary>
    /// A syscall by <paramref name="task"/>, which returns through the exit-to-user-mode work (where the merged kernel
    /// updates the TSS) with the path's result.
    /// </summary>
    private ThreadStep SyscallStep(Step step, string action, string? result, int cpu, TaskStruct task, ExpectedOutcome? expected, Func<Cpu, KernelPath> begin) =>
        new(step, cpu, action, result,
            c => begin(RequireCurrent(c.Index, task)),
            path =>
            {
                Kernel.ExitToUserMode(path.Cpu, task);
                return Outcome.Returns(path.Result);
            },
            expected);

    /// <summary>
    /// A user-mode instruction that may trap: a path whose body runs the instruction and any #GP handling; a #GP that
    /// was not fixed up is delivered as SIGSEGV. An I/O instruction (<paramref name="io"/>) first waits for the CPU's
    /// store buffer to drain, at a point named after it; a #GP's handling ends at the point <c>iret</c>, which waits too.
    /// </summary>
    private ThreadStep InstructionStep(Step step, string action, string? result, int cpu, TaskStruct task, ExpectedOutcome? expected, string name, bool io, Func<Cpu, UserTrap> execute) =>
        new(step, cpu, action, result,
            c => new KernelPath(name, RequireCurrent(c.Index, task), Machine.Memory, path => Trapping(path, io, execute)),
            path =>
            {
                if (path.Result == 0)
                    Kernel.Log.Note($"#GP: SIGSEGV delivered to {task}");
                return path.Result == 0 ? Outcome.GeneralProtection : Outcome.Ok;
            },
            expected);

    // Intel SDM vol. 3 §9.2.2: "Reads or writes cannot be reordered with I/O instructions, locked instructions, or
    // serializing instructions". The #GP's way back to user mode is IRET (arch/x86/entry/entry_64.S), serializing.
    private static IEnumerable<InterleavingPoint> Trapping(KernelPath path, bool io, Func<Cpu, UserTrap> execute)
    {
        if (io)
            yield return InterleavingPoint.Drain(path.Name, path.Name);
        var trap = execute(path.Cpu);
        path.Result = trap == UserTrap.Signalled ? 0 : 1;
        if (trap != UserTrap.None)
            yield return InterleavingPoint.Drain(KernelPoints.Iret, "iret");
    }

    // A path whose code touches only this CPU's and its task's state: it runs at the start, no point before the return.
    private static IEnumerable<InterleavingPoint> Body(KernelPath path, Func<long> body)
    {
        path.Result = body();
        yield break;
    }

    private void Judge(Step step, Outcome actual, ExpectedOutcome? expected)
    {
        if (expected is null)
            Record(step, Verdict.None, actual.Kind == OutcomeKind.Returned ? $"returned {actual}" : null);
        else if (expected.Matches(actual))
            Record(step, Verdict.Pass, null);
        else
            Record(step, Verdict.Fail, $"got {actual}");
    }

    private void Record(Step step, Verdict verdict, string? detail)
    {
        var notes = Kernel.Log.Take();
        // After a repeat's first iteration only its first failures are traced, named by their iteration.
        if (Untraced(verdict, ref step))
            return;
        _entries.Add(new TraceEntry(step, verdict, detail, notes));
    }

    private Cpu RequireCurrent(int cpu, TaskStruct task)
    {
        var c = Machine.Cpus[cpu];
        if (c.Current != task)
            throw new ScenarioRuntimeException($"{task} is not running on {c} ({c.Current} is)");
        RequireNoPausedStep(c);
        return _suspended.TryGetValue(task, out var suspended)
            ? throw new ScenarioRuntimeException($"{task} is preempted inside {suspended.Step.Path.Name} at '{suspended.Point}'")
            : c;
    }

    // de_thread() waits for the other threads to die; one preempted inside a syscall would first finish it: not modelled.
    private void RequireNoPreemptedThread(TaskStruct task)
    {
        if (task.Threads.FirstOrDefault(t => t != task && HasSuspendedPath(t)) is { } preempted)
            throw new ScenarioRuntimeException($"{task} cannot exec while its thread {preempted} is preempted inside a syscall: not modelled");
    }

    private static bool Holds(int order, Comparison comparison) => comparison switch
    {
        Comparison.Equal => order == 0,
        Comparison.NotEqual => order != 0,
        Comparison.Less => order < 0,
        Comparison.LessOrEqual => order <= 0,
        Comparison.Greater => order > 0,
        Comparison.GreaterOrEqual => order >= 0,
        _ => throw new System.Diagnostics.UnreachableException($"comparison {comparison}"),
    };

    private static string Format<T>(T value, ValueFormat format) => value switch
    {
        long bytes when format == ValueFormat.Bytes => $"{Units.Bytes(bytes)} ({bytes})",
        long flags when format == ValueFormat.Hex => Units.Hex(flags),
        bool b => b ? "true" : "false",
        _ => value?.ToString() ?? "",
    };
}

/// <summary>A step preempted at a named point, its task switched out inside the kernel, with its path.</summary>
internal sealed record SuspendedPath(ExplicitStep Step, string Point);

/// <summary>A step the machine cannot carry out; the binder should have rejected it, so it is an internal error.</summary>
public sealed class ScenarioRuntimeException(string message) : Exception(message);
