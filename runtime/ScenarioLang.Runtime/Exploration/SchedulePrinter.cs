using ScenarioLang.Runtime.Scheduling;

namespace ScenarioLang.Runtime.Exploration;

/// <summary>
/// Writes an execution of an explore block as an explicit schedule that replays it under the semantics of
/// <c>ScenarioRun.Run</c>, <c>Continue</c> and <c>Drain</c>.
/// </summary>
/// <remarks>
/// Consecutive events of one step make a line, stopped <c>until</c> the label of the point pending after them. An
/// explicit return drains its CPU's buffer and the explorer's does not, so a step that returns with stores that drain
/// only after other events is printed <c>until return</c>, its drains at their places, and <c>cpuN continue</c> once
/// the buffer is empty, unless the CPU's next step comes first (which returns the paused one, its stores kept).
/// </remarks>
internal static class SchedulePrinter
{
    public static IReadOnlyList<ScheduleLine> Print(IReadOnlyList<ExecutedEvent> events)
    {
        var lines = new List<ScheduleLine>();
        // CPUs whose step has returned in the execution but is still paused before its return in the schedule.
        var awaitingContinue = new HashSet<int>();
        var i = 0;
        while (i < events.Count)
        {
            var first = events[i];
            var cpu = first.Event.Cpu;
            if (first.Event.Kind == EventKind.Drain)
            {
                var drains = DrainsAt(events, i, cpu);
                i += drains;
                lines.Add(new ScheduleLine(ScheduleVerb.Drain, cpu, null, null, drains));
                if (events[i - 1].Buffered == 0 && awaitingContinue.Remove(cpu))
                    lines.Add(new ScheduleLine(ScheduleVerb.Continue, cpu, null, null));
                continue;
            }
            var count = 1;
            while (i + count < events.Count && events[i + count].Event == first.Event && events[i + count].Ordinal == first.Ordinal)
                count++;
            var group = events.Skip(i).Take(count).ToArray();
            i += count;
            awaitingContinue.Remove(cpu);
            var last = group[^1];
            if (!last.IsReturn)
            {
                StepLines(lines, group, last.PendingAfter?.Label ?? PausePoints.Return);
                continue;
            }
            if (last.Buffered <= DrainsAt(events, i, cpu))
            {
                StepLines(lines, group, null);
                i += last.Buffered;
                continue;
            }
            awaitingContinue.Add(cpu);
            // A lone return of a step already paused before its return changes nothing in the schedule.
            if (group.Length > 1 || first.Begins)
                StepLines(lines, group, PausePoints.Return);
        }
        return lines;
    }

    private static int DrainsAt(IReadOnlyList<ExecutedEvent> events, int from, int cpu)
    {
        var drain = new ExploreEvent(EventKind.Drain, cpu);
        var count = 0;
        while (from + count < events.Count && events[from + count].Event == drain)
            count++;
        return count;
    }

    /// <summary>
    /// The lines for consecutive events of one step. Stopping at a label that a point performed within them also has
    /// (a loop without subscripts) would stop too early, so the events are split into lines that each stop at the
    /// next occurrence: a step's first line stops at the first matching point, a continue performs one access first.
    /// </summary>
    private static void StepLines(List<ScheduleLine> lines, ExecutedEvent[] group, string? until)
    {
        var begins = group[0].Begins;
        if (until is null or PausePoints.Return)
        {
            lines.Add(Line(group[0], begins, until));
            return;
        }
        var pending = group.Select(e => e.Performed!).Append(group[^1].PendingAfter!).ToArray();
        var at = 0;
        while (at < group.Length)
        {
            var from = begins ? at : at + 1;
            at = Array.FindIndex(pending, from, p => p.Label == until || p.Name == until);
            lines.Add(Line(group[0], begins, until));
            begins = false;
        }
    }

    private static ScheduleLine Line(ExecutedEvent e, bool begins, string? until) =>
        begins
            ? new ScheduleLine(ScheduleVerb.Run, e.Event.Cpu, e.Step, until)
            : new ScheduleLine(ScheduleVerb.Continue, e.Event.Cpu, null, until);
}
