using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Exploration;

namespace ScenarioLang.Runtime;

/// <summary>
/// Explore blocks and quantified expectations. An explore block runs each CPU's steps as that CPU's program and
/// <see cref="ScenarioExecutor"/> runs the scenario once per interleaving of their accesses and buffer drains; the
/// expectations after the block are judged over every execution that reached a final state.
/// </summary>
public sealed partial class ScenarioRun
{
    private readonly ExecutionDriver? _explorer;
    private ExecutionRecord? _execution;

    /// <summary>A run that is one execution of the exploration <paramref name="explorer"/> steers.</summary>
    internal ScenarioRun(ScenarioDescription description, KernelConfig config, ExecutionDriver explorer)
        : this(description, config) => _explorer = explorer;

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
        _execution = _explorer.Explore(step, steps, Machine, _entries.ToArray());
        Record(step, Verdict.None, null);
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
}
