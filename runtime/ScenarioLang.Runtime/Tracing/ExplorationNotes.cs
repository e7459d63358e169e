namespace ScenarioLang.Runtime.Tracing;

/// <summary>
/// The explore step's line of the trace: how many executions the search ran and the final states they reached,
/// herd-style, each with its count. It fails when the search was cut short or some execution deadlocked, because
/// the verdicts after it then do not cover every execution.
/// </summary>
internal static class ExplorationNotes
{
    public static TraceEntry Entry(Step step, ExplorationResult exploration, ExploreOptions options, int runs)
    {
        var explored = Units.Count(exploration.Executions + exploration.Deadlocks, "execution") + " explored";
        var pruned = options.Reduce ? $", {exploration.Pruned} pruned by sleep sets" : "";
        var width = exploration.States.Select(s => s.Count.ToString(System.Globalization.CultureInfo.InvariantCulture).Length).DefaultIfEmpty(1).Max();
        List<string> notes =
        [
            $"{explored}{pruned}; {Units.Count(exploration.States.Count, "final state")}:",
            .. exploration.States.Select(s => $"  {s.Count.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(width)}× {s.State}"),
        ];
        List<string> failures = [];
        if (!exploration.Exhaustive)
            failures.Add($"exploration stopped after {Units.Count(runs, "execution")}: verdicts are not exhaustive");
        if (exploration.Deadlocks > 0)
            failures.Add($"{Units.Count(exploration.Deadlocks, "execution")} deadlocked: the expectations judge only the other {exploration.Executions}");
        return new TraceEntry(step, failures.Count == 0 ? Verdict.None : Verdict.Fail, failures.Count == 0 ? null : string.Join("; ", failures), notes);
    }
}
