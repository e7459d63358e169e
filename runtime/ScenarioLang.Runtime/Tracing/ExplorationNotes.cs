namespace ScenarioLang.Runtime.Tracing;

/// <summary>
/// The explore step's line of the trace: how many executions the search ran and the final states they reached,
/// herd-style, each with the number of executions that reached it. It fails when the search does not cover every
/// execution (a budget, a bound, a random strategy) or some execution deadlocked, because the verdicts after it then
/// do not cover every execution. A shard's part of the search is noted, not failed: the other shards run the rest.
/// </summary>
internal static class ExplorationNotes
{
    public static TraceEntry Entry(Step step, ExplorationResult exploration, ExploreOptions options)
    {
        var explored = Units.Count(exploration.Executions + exploration.Deadlocks, "execution") + " explored";
        var redundant = options.Reduction != Reduction.None && options.PreemptionBound is null && options.Strategy == ExploreStrategy.Exhaustive
            ? $", {exploration.Redundant} redundant (stopped where every event slept)"
            : "";
        var width = exploration.States.Select(s => s.Count.ToString(System.Globalization.CultureInfo.InvariantCulture).Length).DefaultIfEmpty(1).Max();
        List<string> notes =
        [
            $"{explored}{redundant}; {Units.Count(exploration.States.Count, "final state")}, each with the executions that reach it:",
            .. exploration.States.Select(s => $"  {s.Count.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(width)}× {s.State}"),
        ];
        if (exploration.Shard is { } shard)
            notes.Add(shard + "; 'sometimes' holds if it holds in any shard");
        List<string> failures = [];
        if (exploration.Cut is { } cut)
            failures.Add($"{cut}: verdicts are not exhaustive");
        if (exploration.Deadlocks > 0)
            failures.Add($"{Units.Count(exploration.Deadlocks, "execution")} deadlocked: the expectations judge only the other {exploration.Executions}");
        return new TraceEntry(step, failures.Count == 0 ? Verdict.None : Verdict.Fail, failures.Count == 0 ? null : string.Join("; ", failures), notes);
    }
}
