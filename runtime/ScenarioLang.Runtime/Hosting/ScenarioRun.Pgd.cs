using ScenarioLang.Runtime.Kernel;

namespace ScenarioLang.Runtime;

/// <summary>
/// The steps of seed 003 as kernel paths a CPU runs (<see cref="ThreadStep"/>): fork and exec, which fill a new mm's
/// kernel PGD entries, vmalloc, which can create one and push it to every mm, and a kernel access that walks the page
/// tables. An explicit schedule and an explore block drive the same paths.
/// </summary>
public sealed partial class ScenarioRun
{
    private readonly Dictionary<string, ulong> _areas = new(StringComparer.Ordinal);

    /// <summary>
    /// fork() or, as a <paramref name="thread"/>, clone(), which can be made to fail at <paramref name="failingAt"/> (a
    /// point of <see cref="Catalog.SharedKernel.ForkFaultPoints"/>); once it has run, the new task (if any) is bound to
    /// <paramref name="child"/> and the parent returns to user mode.
    /// </summary>
    public ThreadStep NewTaskStep(Step step, string action, string? result, int cpu, TaskStruct parent, bool thread, string child, string? failingAt, ExpectedOutcome? expected = null)
    {
        var fault = failingAt switch
        {
            null => ForkFault.None,
            "alloc_pid" => ForkFault.AllocPid,
            _ => throw new ArgumentOutOfRangeException(nameof(failingAt), failingAt, "not a point fork can be made to fail at"),
        };
        return new(step, cpu, action, result,
            c =>
            {
                var on = RequireCurrent(c.Index, parent);
                return thread ? Kernel.ClonePath(on, parent, child, fault) : Kernel.ForkPath(on, parent, child, fault);
            },
            path =>
            {
                var forked = Kernel.ForkResultOf(path);
                if (forked.Child is { } created)
                    _tasks.Add(child, created);
                Kernel.ExitToUserMode(path.Cpu, parent);
                return Outcome.Returns(forked.Result);
            },
            expected,
            Defines: fault == ForkFault.None ? child : null,
            DrainsQuietly: true);
    }

    /// <summary>execve() by <paramref name="task"/>, which then returns to user mode.</summary>
    public ThreadStep ExecStep(Step step, string action, string? result, int cpu, TaskStruct task, ExpectedOutcome? expected = null) =>
        new(step, cpu, action, result,
            c =>
            {
                RequireNoPreemptedThread(task);
                return Kernel.ExecPath(RequireCurrent(c.Index, task), task);
            },
            path =>
            {
                Kernel.ExitToUserMode(path.Cpu, task);
                return Outcome.Returns(path.Result);
            },
            expected,
            DrainsQuietly: true);

    /// <summary>
    /// vmalloc(<paramref name="size"/>) followed by vmalloc_sync_all(), in <paramref name="task"/>'s kernel context or,
    /// when it is null, in kernel context on the CPU; once it has run, the area is bound to <paramref name="area"/>.
    /// </summary>
    public ThreadStep VmallocStep(Step step, string action, string? result, int cpu, TaskStruct? task, long size, string area)
    {
        if (size <= 0)
            throw new ScenarioRuntimeException($"vmalloc of {size} bytes");
        return new(step, cpu, action, result,
            c => Kernel.Vmalloc(task is null ? c : RequireCurrent(c.Index, task), size),
            path =>
            {
                // A failed vmalloc() returned NULL: the name stands for address 0, which nothing maps.
                _areas.Add(area, (ulong)path.Result);
                return path.Result == 0 ? Outcome.Returns(0) : Outcome.Ok;
            },
            Defines: area);
    }

    /// <summary>
    /// A kernel access to the start of a vmalloc area through <paramref name="task"/>'s page tables, or init_mm's when it
    /// is null: <see cref="Outcome.Ok"/>, or <see cref="Outcome.PageFault"/> when the walk finds no entry.
    /// </summary>
    public ThreadStep TouchStep(Step step, string action, string? result, int cpu, TaskStruct? task, string area, ExpectedOutcome? expected = null) =>
        new(step, cpu, action, result,
            c => Kernel.Touch(task is null ? c : RequireCurrent(c.Index, task), task, Area(area)),
            path => path.Result == 0 ? Outcome.PageFault : Outcome.Ok,
            expected);

    /// <summary>The start address of the vmalloc area a <see cref="VmallocStep"/> bound to <paramref name="name"/>.</summary>
    public ulong Area(string name)
    {
        RequireNotPending(name, "vmalloc area");
        return _areas.TryGetValue(name, out var start) ? start : throw new ScenarioRuntimeException($"no vmalloc area named {name}");
    }
}
