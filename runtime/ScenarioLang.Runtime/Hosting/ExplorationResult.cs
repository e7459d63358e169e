namespace ScenarioLang.Runtime;

/// <summary>How <see cref="ScenarioExecutor"/> explores an explore block.</summary>
/// <param name="Reduce">Skips interleavings that only reorder independent events (sleep sets, and an event independent
/// of all others taken alone: Godefroid 1996); the final states and verdicts are the same either way, only the count of
/// executions differs.</param>
/// <param name="MaxExecutions">Stops the search after this many executions; the explore step then fails, because its
/// verdicts are not exhaustive.</param>
public sealed record ExploreOptions(bool Reduce = true, int MaxExecutions = 1_000_000);

/// <summary>
/// What the exhaustive exploration of a scenario's explore block found: the executions it ran, the distinct final
/// states, and the verdict of every expectation judged per execution, each failing one with an execution that shows it.
/// </summary>
/// <param name="Executions">Executions that reached a final state (every program returned, every buffer drained); the
/// expectations are judged over these.</param>
/// <param name="Pruned">Executions cut short because every enabled event slept: another execution reaches their states.</param>
/// <param name="Deadlocks">Executions that stopped with a CPU spinning on a lock no one will release.</param>
/// <param name="Events">Events performed over all executions, the measure of the search's cost.</param>
/// <param name="Exhaustive">False when <see cref="ExploreOptions.MaxExecutions"/> stopped the search.</param>
/// <param name="States">The final states (and deadlocks), with how many executions reached each, in ordinal order.</param>
/// <param name="Expectations">The quantified expectations, the steps of the block with an expected outcome and the
/// plain expectations after it, in trace order.</param>
public sealed record ExplorationResult(
    int Executions,
    int Pruned,
    int Deadlocks,
    long Events,
    bool Exhaustive,
    IReadOnlyList<FinalState> States,
    IReadOnlyList<ExpectationVerdict> Expectations);

/// <summary>A final state, printed herd-style (<c>r0=0; r1=1</c>), and how many executions reached it.</summary>
public sealed record FinalState(string State, int Count);

/// <summary>
/// An expectation judged in every execution: <paramref name="Satisfied"/> counts the executions where its per-execution
/// form holds (the conditions hold for always and sometimes, do not hold for never; the outcome is the expected one for
/// a step).
/// </summary>
/// <param name="Counterexample">The first execution, in search order, that violates an always or never expectation.</param>
public sealed record ExpectationVerdict(Step Step, Quantifier Quantifier, int Satisfied, int Executions, bool Passed, Counterexample? Counterexample);

/// <summary>One execution as an explicit schedule that replays it (<c>kscn</c> can splice it into a .kscn file).</summary>
/// <param name="Execution">Its number among the executions that reached a final state, in search order, from 1.</param>
/// <param name="Detail">What it shows: its final state, or the outcome a step got.</param>
public sealed record Counterexample(int Execution, string Detail, IReadOnlyList<ScheduleLine> Schedule);

/// <summary>What a line of an explicit schedule does.</summary>
public enum ScheduleVerb
{
    /// <summary>Begins a step: <c>cpu0 T0: store x = 1 until return</c>.</summary>
    Run,
    /// <summary>Goes on with the step paused on the CPU: <c>cpu0 continue until load</c>.</summary>
    Continue,
    /// <summary>The oldest stores of the CPU's buffer reach memory: <c>cpu0 drain 2</c>.</summary>
    Drain,
}

/// <summary>
/// A line of an explicit schedule, as data for a replay (<c>ScenarioRun.Run</c>, <c>Continue</c>, <c>Drain</c>) and as
/// the .kscn text <see cref="Text"/>.
/// </summary>
/// <param name="Step">The step a <see cref="ScheduleVerb.Run"/> line begins.</param>
/// <param name="Until">Where the step stops: a point's label, <c>return</c>, or null to run it to its end.</param>
/// <param name="Count">How many stores a <see cref="ScheduleVerb.Drain"/> line moves.</param>
public sealed record ScheduleLine(ScheduleVerb Verb, int Cpu, ThreadStep? Step, string? Until, int Count = 1)
{
    public string Text
    {
        get
        {
            var until = Until is null ? "" : " until " + Until;
            return Verb switch
            {
                ScheduleVerb.Run => Step!.Action + until + (Step.Result is null ? "" : " " + Step.Result),
                ScheduleVerb.Continue => $"cpu{Cpu} continue{until}",
                _ => Count == 1 ? $"cpu{Cpu} drain" : $"cpu{Cpu} drain {Count}",
            };
        }
    }

    public override string ToString() => Text;
}
