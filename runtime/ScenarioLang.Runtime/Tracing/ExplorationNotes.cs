namespace ScenarioLang.Runtime.Tracing;

/// <summary>
/// The explore step's line of the trace: how many executions the search ran and the final states they reached,
/// herd-style, each with the number of executions that reached it. It fails when some execution deadlocked. When the
/// search does not cover every execution (a budget, a timeout, a bound, a random strategy, --stop-at-first, one shard)
/// it is inconclusive: its implicit claims (no deadlock, no finding) hold only in the executions it ran.
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
            notes.Add($"{shard}; 'sometimes' holds if it holds in any shard, always and never if they hold in every shard");
        List<string> details = [];
        if (exploration.Deadlocks > 0)
            details.Add($"{Units.Count(exploration.Deadlocks, "execution")} deadlocked: the expectations judge only the other {exploration.Executions}");
        var partial = exploration.Cut ?? exploration.Shard;
        if (partial is not null)
            details.Add($"inconclusive: {partial}: what held in every execution explored is not proved");
        var verdict = exploration.Deadlocks > 0 ? Verdict.Fail : partial is not null ? Verdict.Inconclusive : Verdict.None;
        return new TraceEntry(step, verdict, details.Count == 0 ? null : string.Join("; ", details), notes);
    }
}
