using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Mechanisms.PgdSync;

// ScenarioRun's namespace: generated code calls these as run.VmallocStep(…) and imports nothing.
namespace ScenarioLang.Runtime;

/// <summary>
/// The steps of seed 003 the pgd mechanism adds, as generated code calls them: vmalloc, which can create a kernel PGD
/// entry and push it to every mm, and a kernel access that walks the page tables; and the areas vmalloc binds to names.
/// </summary>
public sealed partial class ScenarioRun
{
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
                _addresses.Add(area, (ulong)path.Result);
                return path.Result == 0 ? Outcome.Returns(0) : Outcome.Ok;
            },
            Defines: area);
    }

    /// <summary>
    /// A kernel access to the start of a vmalloc area through <paramref name="task"/>'s page tables, or init_mm's when it
    /// is null: <see cref="Outcome.Ok"/> (after a vmalloc fault or not), or <see cref="Outcome.PageFault"/> when the #PF
    /// could not be handled.
    /// </summary>
    public ThreadStep TouchStep(Step step, string action, string? result, int cpu, TaskStruct? task, string area, ExpectedOutcome? expected = null) =>
        TouchInStep(step, action, result, cpu, task, area, (int)FaultContext.None, expected);

    /// <summary>The same access in <paramref name="context"/> (<see cref="FaultContext"/>'s bits): <c>touch_in(V, NMI)</c>.</summary>
    public ThreadStep TouchInStep(Step step, string action, string? result, int cpu, TaskStruct? task, string area, int context, ExpectedOutcome? expected = null) =>
        new(step, cpu, action, result,
            c => Kernel.Touch(task is null ? c : RequireCurrent(c.Index, task), task, Area(area), (FaultContext)context),
            path => path.Result == 0 ? Outcome.PageFault : Outcome.Ok,
            expected);

    /// <summary>The start address of the vmalloc area a <see cref="VmallocStep"/> bound to <paramref name="name"/>.</summary>
    public ulong Area(string name)
    {
        RequireNotPending(name, "vmalloc area");
        return _addresses.TryGetValue(name, out var start) ? start : throw new ScenarioRuntimeException($"no vmalloc area named {name}");
    }
}
