using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Kernel.Ioport;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Runtime;

/// <summary>
/// The API generated scenarios call: one method per kind of step, each taking the step's place in
/// the .kscn file. It runs the step on the machine, checks the expected outcome and records the trace.
/// </summary>
/// <remarks>
/// A syscall can be preempted at a named point (<see cref="PreemptionPoints"/>): its step is recorded as
/// "preempted at …" and the task stays in the kernel, current on its CPU. When a later
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
        // The path goes on where it was preempted, with this_cpu now this CPU.
        suspended.Path.Cpu = c;
        var result = suspended.Path.RunToEnd();
        Kernel.ExitToUserMode(c, target);
        var original = suspended.Step;
        Judge(original with { Text = $"{target} resumes on {c}: {original.Text}" }, Outcome.Returns(result), suspended.Expected);
    }

    /// <summary>
    /// ioperm(); with <paramref name="preemptAt"/>, the path stops at that preemption point and stays in the kernel
    /// until the task is switched to again. A path that returns before the point fails the step.
    /// </summary>
    public void Ioperm(Step step, int cpu, TaskStruct task, ulong from, ulong num, bool turnOn, ExpectedOutcome? expected = null, string? preemptAt = null)
    {
        RequireNotBlocked(step, cpu);
        var c = RequireCurrent(cpu, task);
        var path = Kernel.Ioperm(c, task, from, num, turnOn);
        if (preemptAt is null)
        {
            Return(step, c, task, path.RunToEnd(), expected);
            return;
        }
        if (PreemptionPoints.Find(path.Name, preemptAt) is null)
            throw new ScenarioRuntimeException($"{path.Name} has no preemption point named '{preemptAt}'");
        if (path.RunUntil(preemptAt))
        {
            _suspended.Add(task, new SuspendedPath(path, preemptAt, step, expected));
            Record(step, Verdict.None, $"{task} stays in the kernel until it is switched in");
            return;
        }
        Kernel.ExitToUserMode(c, task);
        var call = $"ioperm({Units.Port((long)from)}, {Units.Port((long)num)}, {(turnOn ? "on" : "off")})";
        Record(step, Verdict.Fail, $"{call} returned {Outcome.Returns(path.Result)} before reaching '{preemptAt}'");
    }

    public void Iopl(Step step, int cpu, TaskStruct task, ulong level, ExpectedOutcome? expected = null) =>
        Syscall(step, cpu, task, expected, c => Kernel.Iopl(c, task, level).RunToEnd());

    /// <summary>setresuid(); <see cref="LinuxKernel.UidUnchanged"/> ((uid_t)-1) leaves an id as it is.</summary>
    public void Setresuid(Step step, int cpu, TaskStruct task, uint ruid, uint euid, uint suid, ExpectedOutcome? expected = null) =>
        Syscall(step, cpu, task, expected, _ => Kernel.Setresuid(task, ruid, euid, suid));

    public void Exec(Step step, int cpu, TaskStruct task, ExpectedOutcome? expected = null) =>
        RunSyscall(ExecStep(step, step.Text, null, cpu, task, expected));

    public TaskStruct Fork(Step step, int cpu, TaskStruct parent, string child) =>
        Fork(step, cpu, parent, child, ForkFault.None, expected: null)!;

    /// <summary>
    /// fork(), which can be made to fail; the new task, or null when the fork failed (its errno is the step's outcome) or
    /// waits for a lock (the task exists once it has returned).
    /// </summary>
    public TaskStruct? Fork(Step step, int cpu, TaskStruct parent, string child, ForkFault fault = ForkFault.None, ExpectedOutcome? expected = null) =>
        NewTask(step, cpu, parent, child, thread: false, fault, expected);

    public TaskStruct Clone(Step step, int cpu, TaskStruct parent, string child) =>
        Clone(step, cpu, parent, child, ForkFault.None, expected: null)!;

    /// <summary>A new thread of <paramref name="parent"/>'s process, or null, as <see cref="Fork(Step, int, TaskStruct, string, ForkFault, ExpectedOutcome?)"/>.</summary>
    public TaskStruct? Clone(Step step, int cpu, TaskStruct parent, string child, ForkFault fault = ForkFault.None, ExpectedOutcome? expected = null) =>
        NewTask(step, cpu, parent, child, thread: true, fault, expected);

    public void Exit(Step step, int cpu, TaskStruct task) =>
        RunSyscall(new ThreadStep(step, cpu, step.Text, null, c => Kernel.ExitPath(RequireCurrent(c.Index, task), task), _ => Outcome.Ok));

    /// <summary>A user-mode CLI: <see cref="Outcome.Ok"/>, or <see cref="Outcome.GeneralProtection"/> when SIGSEGV was delivered.</summary>
    public void Cli(Step step, int cpu, TaskStruct task, ExpectedOutcome? expected = null) =>
        Instruction(step, task, expected, Kernel.UserCli(RequireRunning(step, cpu, task), task));

    /// <summary>A user-mode STI, as <see cref="Cli"/>.</summary>
    public void Sti(Step step, int cpu, TaskStruct task, ExpectedOutcome? expected = null) =>
        Instruction(step, task, expected, Kernel.UserSti(RequireRunning(step, cpu, task), task));

    /// <summary>A user-mode PUSHF: the outcome is the flags value user mode sees.</summary>
    public void Pushf(Step step, int cpu, TaskStruct task, ExpectedOutcome? expected = null)
    {
        RequireRunning(step, cpu, task);
        Judge(step, Outcome.Eflags(LinuxKernel.UserPushf(task)), expected);
    }

    /// <summary>A user-mode IN or OUT of <paramref name="width"/> bytes at <paramref name="port"/>.</summary>
    public void PortAccess(Step step, int cpu, TaskStruct task, int width, int port, ExpectedOutcome? expected = null)
    {
        var c = RequireRunning(step, cpu, task);
        ExplainPortCheck(c, task, port, width);
        Instruction(step, task, expected, Kernel.UserPortAccess(c, task, port, width));
    }

    public void Expect<T>(Step step, Func<Observations, T> actual, Comparison comparison, T expected, ValueFormat format = ValueFormat.Plain)
        where T : notnull
    {
        T value;
        try
        {
            value = actual(_observations);
        }
        catch (NotModelledException e)
        {
            Record(step, Verdict.Fail, "cannot observe: " + e.Message);
            return;
        }
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
        T l, r;
        try
        {
            l = left(_observations);
            r = right(_observations);
        }
        catch (NotModelledException e)
        {
            Record(step, Verdict.Fail, "cannot observe: " + e.Message);
            return;
        }
        var holds = Holds(Comparer<T>.Default.Compare(l, r), comparison);
        Record(step, holds ? Verdict.Pass : Verdict.Fail, holds ? null : $"got {Format(l, format)} and {Format(r, format)}");
    }

    /// <summary><c>expect X is Y</c> / <c>is not</c> / <c>is none</c>: whether two references name the same kernel object.</summary>
    public void ExpectIdentity(Step step, Func<Observations, KernelObject?> left, Func<Observations, KernelObject?> right, bool same)
    {
        KernelObject? l, r;
        try
        {
            l = left(_observations);
            r = right(_observations);
        }
        catch (NotModelledException e)
        {
            Record(step, Verdict.Fail, "cannot observe: " + e.Message);
            return;
        }
        var holds = ReferenceEquals(l, r) == same;
        Record(step, holds ? Verdict.Pass : Verdict.Fail, holds ? null : $"got {l?.ToString() ?? "none"} and {r?.ToString() ?? "none"}");
    }

    /// <summary>Ends the run: the object checker looks for leaks among what the live tasks hold.</summary>
    public ScenarioResult Complete()
    {
        ReportDeadlocks();
        // A deadlocked schedule leaves tasks inside kernel paths, holding what they took: no leak to speak of yet.
        if (!Deadlocked)
            Kernel.CheckForLeaks(Kernel.Tasks.Where(t => t.State != TaskState.Dead).Concat(Machine.Cpus.Select(c => c.Idle)));
        var findings = JudgeFindingExpectations(Kernel.Heap.Findings);
        var o = _observations;
        var counters = new CostCounters(o.TssBytesCopied(), o.TssBytesCleared(), o.BitmapsAllocated(), o.BitmapsFreed(), o.LiveBitmaps());
        return new ScenarioResult(Description, Config, _entries.ToArray(), findings, Costs(counters), counters, _untracedPasses, UntracedFailures: _untracedFailures);
    }

    private void Syscall(Step step, int cpu, TaskStruct task, ExpectedOutcome? expected, Func<Cpu, long> body)
    {
        var c = RequireRunning(step, cpu, task);
        Return(step, c, task, body(c), expected);
    }

    // fork, clone, exec and exit take locks, so they run as paths that can wait for one; as the explicit schedule ran
    // them before they were paths, their stores reach memory before they return, without a note for each.
    private void RunSyscall(ThreadStep step) =>
        Run(step with
        {
            Complete = path =>
            {
                Machine.Memory.DrainAll(path.Cpu);
                return step.Complete(path);
            },
        });

    // Every syscall returns through the exit-to-user-mode work, where the merged kernel updates the TSS.
    private void Return(Step step, Cpu cpu, TaskStruct task, long result, ExpectedOutcome? expected)
    {
        Kernel.ExitToUserMode(cpu, task);
        Judge(step, Outcome.Returns(result), expected);
    }

    private TaskStruct? NewTask(Step step, int cpu, TaskStruct parent, string child, bool thread, ForkFault fault, ExpectedOutcome? expected)
    {
        RunSyscall(NewTaskStep(step, step.Text, null, cpu, parent, child, thread, fault, expected));
        return fault == ForkFault.None ? _tasks.GetValueOrDefault(child) : null;
    }

    /// <summary>Judges a user-mode instruction: a #GP that was not fixed up is delivered as SIGSEGV.</summary>
    private void Instruction(Step step, TaskStruct task, ExpectedOutcome? expected, bool completed)
    {
        if (!completed)
            Kernel.Log.Note($"#GP: SIGSEGV delivered to {task}");
        Judge(step, completed ? Outcome.Ok : Outcome.GeneralProtection, expected);
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

    /// <summary><see cref="RequireCurrent"/> for a statement of the schedule, which cannot run on a blocked CPU.</summary>
    private Cpu RequireRunning(Step step, int cpu, TaskStruct task)
    {
        RequireNotBlocked(step, cpu);
        return RequireCurrent(cpu, task);
    }

    private Cpu RequireCurrent(int cpu, TaskStruct task)
    {
        var c = Machine.Cpus[cpu];
        if (c.Current != task)
            throw new ScenarioRuntimeException($"{task} is not running on {c} ({c.Current} is)");
        RequireNoPausedStep(c);
        return _suspended.TryGetValue(task, out var suspended)
            ? throw new ScenarioRuntimeException($"{task} is preempted inside {suspended.Path.Name} at '{suspended.Point}'")
            : c;
    }

    // de_thread() waits for the other threads to die; one preempted inside a syscall would first finish it: not modelled.
    private void RequireNoPreemptedThread(TaskStruct task)
    {
        if (task.Threads.FirstOrDefault(t => t != task && HasSuspendedPath(t)) is { } preempted)
            throw new ScenarioRuntimeException($"{task} cannot exec while its thread {preempted} is preempted inside a syscall: not modelled");
    }

    private void ExplainPortCheck(Cpu cpu, TaskStruct task, int port, int width)
    {
        var what = width == 1 ? $"port {Units.Port(port)}" : $"ports {Units.Port(port)}..{Units.Port(port + width - 1)}";
        if (task.Regs.Iopl == 3)
        {
            Kernel.Log.Note($"EFLAGS.IOPL is 3: {what} allowed without the bitmap");
            return;
        }
        var tss = cpu.Tss;
        var baseName = VariantCatalog.BaseName(tss.IoBitmapBase);
        if (tss.IoBitmapBase != IoBitmapBase.ValidMap)
        {
            Kernel.Log.Note($"{cpu}'s io_bitmap_base is {baseName}: {what} {(tss.Permits(port, width) ? "allowed" : "denied")}");
            return;
        }
        var allowed = tss.Permits(port, width);
        var own = task.Thread.IoBitmap;
        var ownAllows = own is not null && Enumerable.Range(port, width).All(p => p < IoBitmap.Bits && own.Allows(p));
        var stale = allowed && !ownAllows ? $", but {task}'s own bitmap denies it: stale bits in the TSS" : "";
        Kernel.Log.Note($"{cpu}'s TSS map {(allowed ? "allows" : "denies")} {what}{stale}");
    }

    private static List<string> Costs(CostCounters c) =>
    [
        $"{Units.Bytes(c.TssBytesCopied)} copied into TSS bitmaps, {Units.Bytes(c.TssBytesCleared)} cleared",
        $"{Units.Count(c.BitmapsAllocated, "I/O bitmap")} allocated, {c.BitmapsFreed} freed, {c.LiveBitmaps} live",
    ];

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
        IoBitmapBase b => VariantCatalog.BaseName(b),
        bool b => b ? "true" : "false",
        _ => value?.ToString() ?? "",
    };
}

/// <summary>A syscall preempted at a named point, with the step that started it and what that step expects.</summary>
internal sealed record SuspendedPath(KernelPath Path, string Point, Step Step, ExpectedOutcome? Expected);

/// <summary>A step the machine cannot carry out; the binder should have rejected it, so it is an internal error.</summary>
public sealed class ScenarioRuntimeException(string message) : Exception(message);
