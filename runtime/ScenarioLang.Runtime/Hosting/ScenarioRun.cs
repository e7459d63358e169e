using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Kernel.Ioport;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Runtime;

/// <summary>
/// The API generated scenarios call: one method per kind of step, each taking the step's place in
/// the .kscn file. It runs the step on the machine, checks the expected outcome and records the trace.
/// </summary>
public sealed class ScenarioRun
{
    private readonly Dictionary<string, TaskStruct> _tasks = new(StringComparer.Ordinal);
    private readonly List<TraceEntry> _entries = [];
    private readonly Observations _observations;

    public ScenarioRun(ScenarioDescription description, KernelConfig config)
    {
        Description = description;
        Config = config;
        Machine = new X86Machine(description.Cpus, config);
        _observations = new Observations(Machine);
        foreach (var task in description.Tasks)
            _tasks.Add(task.Name, Kernel.CreateTask(task.Name, Credentials.For(task.Privilege)));
    }

    public ScenarioDescription Description { get; }

    public KernelConfig Config { get; }

    public X86Machine Machine { get; }

    private LinuxKernel Kernel => Machine.Kernel;

    public TaskStruct Task(string name) =>
        _tasks.TryGetValue(name, out var task) ? task : throw new ScenarioRuntimeException($"no task named {name}");

    public void Switch(Step step, int cpu, TaskStruct? next)
    {
        var target = next ?? Machine.Cpus[cpu].Idle;
        if (target.State != TaskState.Runnable && !target.IsIdle)
            throw new ScenarioRuntimeException($"{target} cannot be switched to: it is {target.State.ToString().ToLowerInvariant()}");
        Kernel.ContextSwitch(Machine.Cpus[cpu], target);
        Record(step, Verdict.None, null);
    }

    public void Ioperm(Step step, int cpu, TaskStruct task, ulong from, ulong num, bool turnOn, Outcome? expected = null) =>
        Syscall(step, cpu, task, expected, c => Kernel.Ioperm(c, task, from, num, turnOn).RunToEnd());

    public void Iopl(Step step, int cpu, TaskStruct task, ulong level, Outcome? expected = null) =>
        Syscall(step, cpu, task, expected, c => Kernel.Iopl(c, task, level).RunToEnd());

    public void Exec(Step step, int cpu, TaskStruct task, Outcome? expected = null) =>
        Syscall(step, cpu, task, expected, _ =>
        {
            Kernel.Exec(task);
            return 0;
        });

    public TaskStruct Fork(Step step, int cpu, TaskStruct parent, string child)
    {
        TaskStruct? created = null;
        Syscall(step, cpu, parent, expected: null, _ =>
        {
            created = Kernel.Fork(parent, child);
            return created.Pid;
        });
        _tasks.Add(child, created!);
        return created!;
    }

    public void Exit(Step step, int cpu, TaskStruct task)
    {
        var c = RequireCurrent(cpu, task);
        Kernel.Exit(c, task);
        Record(step, Verdict.None, null);
    }

    /// <summary>A user-mode IN or OUT of <paramref name="width"/> bytes at <paramref name="port"/>.</summary>
    public void PortAccess(Step step, int cpu, TaskStruct task, int width, int port, Outcome? expected = null)
    {
        var c = RequireCurrent(cpu, task);
        ExplainPortCheck(c, task, port, width);
        var allowed = Kernel.UserPortAccess(c, task, port, width);
        if (!allowed)
            Kernel.Log.Note($"#GP: SIGSEGV delivered to {task}");
        Judge(step, allowed ? Outcome.Ok : Outcome.GeneralProtection, expected);
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
        var order = Comparer<T>.Default.Compare(value, expected);
        var holds = comparison switch
        {
            Comparison.Equal => order == 0,
            Comparison.NotEqual => order != 0,
            Comparison.Less => order < 0,
            Comparison.LessOrEqual => order <= 0,
            Comparison.Greater => order > 0,
            _ => order >= 0,
        };
        Record(step, holds ? Verdict.Pass : Verdict.Fail, holds ? null : "got " + Format(value, format));
    }

    /// <summary><c>expect X is Y</c> / <c>is not</c> / <c>is none</c>: whether two references name the same kernel object.</summary>
    public void ExpectIdentity(Step step, Func<Observations, KernelObject?> left, Func<Observations, KernelObject?> right, bool same)
    {
        var l = left(_observations);
        var r = right(_observations);
        var holds = ReferenceEquals(l, r) == same;
        Record(step, holds ? Verdict.Pass : Verdict.Fail, holds ? null : $"got {l?.ToString() ?? "none"} and {r?.ToString() ?? "none"}");
    }

    /// <summary>Ends the run: the object checker looks for leaks among what the live tasks hold.</summary>
    public ScenarioResult Complete()
    {
        var live = Kernel.Tasks.Where(t => t.State != TaskState.Dead).Concat(Machine.Cpus.Select(c => c.Idle));
        Kernel.Ioport.CheckForLeaks(live);
        return new ScenarioResult(Description, Config, _entries.ToArray(), Kernel.Heap.Findings.ToArray(), Costs());
    }

    private void Syscall(Step step, int cpu, TaskStruct task, Outcome? expected, Func<Cpu, long> body)
    {
        var c = RequireCurrent(cpu, task);
        var result = body(c);
        // Every syscall returns through the exit-to-user-mode work, where the merged kernel updates the TSS.
        Kernel.ExitToUserMode(c, task);
        Judge(step, Outcome.Returns(result), expected);
    }

    private void Judge(Step step, Outcome actual, Outcome? expected)
    {
        if (expected is null)
            Record(step, Verdict.None, actual.Kind == OutcomeKind.Returned ? $"returned {actual}" : null);
        else if (expected == actual)
            Record(step, Verdict.Pass, null);
        else
            Record(step, Verdict.Fail, $"got {actual}");
    }

    private void Record(Step step, Verdict verdict, string? detail) =>
        _entries.Add(new TraceEntry(step, verdict, detail, Kernel.Log.Take()));

    private Cpu RequireCurrent(int cpu, TaskStruct task)
    {
        var c = Machine.Cpus[cpu];
        return c.Current == task
            ? c
            : throw new ScenarioRuntimeException($"{task} is not running on {c} ({c.Current} is)");
    }

    private void ExplainPortCheck(Cpu cpu, TaskStruct task, int port, int width)
    {
        var what = width == 1 ? $"port {Units.Port(port)}" : $"ports {Units.Port(port)}..{Units.Port(port + width - 1)}";
        if (Kernel.Ioport.EflagsIopl(task) == 3)
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

    private List<string> Costs()
    {
        var o = _observations;
        return
        [
            $"{Units.Bytes(o.TssBytesCopied())} copied into TSS bitmaps, {Units.Bytes(o.TssBytesCleared())} cleared",
            $"{Units.Count(o.BitmapsAllocated(), "I/O bitmap")} allocated, {o.BitmapsFreed()} freed, {o.LiveBitmaps()} live",
        ];
    }

    private static string Format<T>(T value, ValueFormat format) => value switch
    {
        long bytes when format == ValueFormat.Bytes => $"{Units.Bytes(bytes)} ({bytes})",
        IoBitmapBase b => VariantCatalog.BaseName(b),
        bool b => b ? "true" : "false",
        _ => value?.ToString() ?? "",
    };
}

/// <summary>A step the machine cannot carry out; the binder should have rejected it, so it is an internal error.</summary>
public sealed class ScenarioRuntimeException(string message) : Exception(message);
