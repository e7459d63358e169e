using ScenarioLang.Runtime.Kernel;

namespace ScenarioLang.Runtime;

/// <summary>
/// The shared kernel's steps that make and replace tasks, as kernel paths a CPU runs (<see cref="ThreadStep"/>): fork
/// and exec, which fill a new mm's kernel PGD entries (seed 003; the pgd mechanism's own steps, vmalloc and touch, are
/// in its folder). An explicit schedule and an explore block drive the same paths.
/// </summary>
public sealed partial class ScenarioRun
{
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
}
