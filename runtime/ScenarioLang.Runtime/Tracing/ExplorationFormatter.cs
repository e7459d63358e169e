namespace ScenarioLang.Runtime.Tracing;

/// <summary>The statistics <c>kscn explore</c> adds after a trace: what the search ran and what it saved.</summary>
public static class ExplorationFormatter
{
    public static string Statistics(ScenarioResult result)
    {
        var e = result.Exploration!;
        return $"  exploration{result.ConfigSuffix}: {Units.Count(e.Executions, "execution")} to a final state, " +
               $"{e.Redundant} redundant, {Units.Count(e.Deadlocks, "deadlock")}, " +
               $"{Units.Count(e.Events, "event")} (accesses, drains, returns), {Units.Count(e.States.Count, "final state")}; {e.Cut ?? e.Shard ?? "exhaustive"}\n";
    }
}
