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
        var notes = new Notes(
            $"{explored}{redundant}; {Units.Count(exploration.States.Count, "final state")}, each with the executions that reach it:",
            exploration.States,
            exploration.Shard is { } shard ? $"{shard}; 'sometimes' holds if it holds in any shard, always and never if they hold in every shard" : null);
        List<string> details = [];
        if (exploration.Deadlocks > 0)
            details.Add($"{Units.Count(exploration.Deadlocks, "execution")} deadlocked: the expectations judge only the other {exploration.Executions}");
        var partial = exploration.Cut ?? exploration.Shard;
        if (partial is not null)
            details.Add($"inconclusive: {partial}: what held in every execution explored is not proved");
        var verdict = exploration.Deadlocks > 0 ? Verdict.Fail : partial is not null ? Verdict.Inconclusive : Verdict.None;
        return new TraceEntry(step, verdict, details.Count == 0 ? null : string.Join("; ", details), notes);
    }

    /// <summary>
    /// The step's notes: what the search ran, a line per final state (<c>  3× r0=0; r1=1</c>, the counts aligned),
    /// and a shard's caveat. A state's line is made when it is read: SB-16 has 65,536 of them, which the trace would
    /// otherwise hold a second time beside the states.
    /// </summary>
    private sealed class Notes(string header, IReadOnlyList<FinalState> states, string? caveat) : IReadOnlyList<string>
    {
        private readonly int _width = Digits(states.Count == 0 ? 0 : states.Max(s => s.Count));

        public int Count => 1 + states.Count + (caveat is null ? 0 : 1);

        public string this[int index] =>
            index == 0 ? header
            : index <= states.Count ? $"  {Padded(states[index - 1].Count, _width)}× {states[index - 1].State}"
            : index == states.Count + 1 && caveat is not null ? caveat
            : throw new ArgumentOutOfRangeException(nameof(index), index, $"a step with {Count} notes");

        public IEnumerator<string> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
                yield return this[i];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        private static int Digits(int count) => count.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;

        private static string Padded(int count, int width) => count.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(width);
    }
}
