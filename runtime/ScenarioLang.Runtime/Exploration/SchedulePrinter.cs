using ScenarioLang.Runtime.Catalog;

namespace ScenarioLang.Runtime.Exploration;

/// <summary>
/// Writes an execution of an explore block as an explicit schedule that replays it under the semantics of
/// <c>ScenarioRun.Run</c>, <c>Continue</c> and <c>Drain</c>, each line with the store buffers it leaves behind and
/// the store→load reorderings among its loads that a fence would forbid.
/// </summary>
/// <remarks>
/// A preempting task's switch in is <c>cpuN switch B</c>, after its task's line stopped <c>preempted at</c> the point
/// (when it was preempted inside a step); its steps follow, and the switch back is <c>cpuN switch A</c>, which runs a
/// step preempted at a point to its end, as the explicit schedule does.
/// <para>
/// Consecutive events of one step make a line, stopped <c>until</c> the label of the point pending after them. An
/// explicit return drains its CPU's buffer and the explorer's does not, so a step that returns with stores that drain
/// only after other events is printed <c>until return</c>, its drains at their places, and <c>cpuN continue</c> once
/// the buffer is empty, unless the CPU's next step comes first (which returns the paused one, its stores kept).
/// </para>
/// </remarks>
internal static class SchedulePrinter
{
    public static IReadOnlyList<ScheduleLine> Print(IReadOnlyList<ExecutedEvent> events)
    {
        var lines = new Lines();
        // CPUs whose step has returned in the execution but is still paused before its return in the schedule.
        var awaitingContinue = new HashSet<int>();
        // Steps preempted at a point whose task has been switched back to: the switch runs them to their end.
        var resumed = new HashSet<(ExploreEvent, int)>();
        // Steps preempted at a point, by CPU, until their task is switched back to.
        var preempted = new Dictionary<int, int>();
        var i = 0;
        while (i < events.Count)
        {
            var first = events[i];
            var cpu = first.Event.Cpu;
            if (first.Switch is { } switched)
            {
                i++;
                if (switched.At is not null)
                {
                    lines.Preempt(cpu);
                    preempted[cpu] = LastOrdinal(events, i - 1, cpu);
                }
                if (switched.Preempted is null && preempted.Remove(cpu, out var ordinal))
                    resumed.Add((new ExploreEvent(EventKind.Step, cpu), ordinal));
                lines.Add(new ScheduleLine(ScheduleVerb.Switch, cpu, null, null) { Task = switched.Next }, i);
                continue;
            }
            if (resumed.Contains((first.Event, first.Ordinal)))
            {
                i++;
                continue;
            }
            if (first.Event.Kind == EventKind.Drain)
            {
                var drains = DrainsAt(events, i, cpu);
                i += drains;
                lines.Add(new ScheduleLine(ScheduleVerb.Drain, cpu, null, null, drains), i);
                if (events[i - 1].Buffered == 0 && awaitingContinue.Remove(cpu))
                    lines.Add(new ScheduleLine(ScheduleVerb.Continue, cpu, null, null), i);
                continue;
            }
            var count = 1;
            while (i + count < events.Count && events[i + count].Event == first.Event && events[i + count].Ordinal == first.Ordinal)
                count++;
            var group = events.Skip(i).Take(count).ToArray();
            var start = i;
            i += count;
            awaitingContinue.Remove(cpu);
            var last = group[^1];
            if (!last.IsReturn)
            {
                StepLines(lines, group, start, last.PendingAfter?.Label ?? PausePoints.Return);
                continue;
            }
            if (last.Buffered <= DrainsAt(events, i, cpu))
            {
                // Run to its end, the step returns and drains its buffer, as the execution does right after it.
                i += last.Buffered;
                lines.Add(Line(group[0], group[0].Begins, null), i);
                continue;
            }
            awaitingContinue.Add(cpu);
            // A lone return of a step already paused before its return changes nothing in the schedule.
            if (group.Length > 1 || first.Begins)
                StepLines(lines, group, start, PausePoints.Return);
        }
        return lines.Annotate(events);
    }

    /// <summary>The step of the CPU's program that the event before <paramref name="before"/> last moved.</summary>
    private static int LastOrdinal(IReadOnlyList<ExecutedEvent> events, int before, int cpu) =>
        events.Take(before).Last(e => e.Event == new ExploreEvent(EventKind.Step, cpu)).Ordinal;

    private static int DrainsAt(IReadOnlyList<ExecutedEvent> events, int from, int cpu)
    {
        var drain = new ExploreEvent(EventKind.Drain, cpu);
        var count = 0;
        while (from + count < events.Count && events[from + count].Event == drain)
            count++;
        return count;
    }

    /// <summary>
    /// The lines for consecutive events of one step, from event <paramref name="start"/>. Stopping at a label that a
    /// point performed within them also has (a loop without subscripts) would stop too early, so the events are split
    /// into lines that each stop at the next occurrence: a step's first line stops at the first matching point, a
    /// continue performs one access first.
    /// </summary>
    private static void StepLines(Lines lines, ExecutedEvent[] group, int start, string until)
    {
        var begins = group[0].Begins;
        if (until == PausePoints.Return)
        {
            lines.Add(Line(group[0], begins, until), start + group.Length);
            return;
        }
        // A syscall's first event starts it and performs no point: the points pending in turn are those after it.
        var started = group[0].Starts ? 1 : 0;
        var performing = group.Skip(started).ToArray();
        var pending = performing.Select(e => e.Performed!).Append(group[^1].PendingAfter!).ToArray();
        var at = 0;
        do
        {
            var from = begins ? at : at + 1;
            at = Array.FindIndex(pending, from, p => p.Label == until || p.Name == until);
            // The line performs the group's events before the pending point it stops at.
            lines.Add(Line(group[0], begins, until), start + started + at);
            begins = false;
        }
        while (at < performing.Length);
    }

    private static ScheduleLine Line(ExecutedEvent e, bool begins, string? until) =>
        begins
            ? new ScheduleLine(ScheduleVerb.Run, e.Event.Cpu, e.Step, until)
            : new ScheduleLine(ScheduleVerb.Continue, e.Event.Cpu, null, until);

    /// <summary>The schedule's lines, each with how many of the execution's events have happened once it has run.</summary>
    private sealed class Lines
    {
        private readonly List<(ScheduleLine Line, int End)> _lines = [];

        public void Add(ScheduleLine line, int end) => _lines.Add((line, end));

        /// <summary>The CPU's last line stopped its step at a preemption point: its task is switched out there.</summary>
        public void Preempt(int cpu)
        {
            var at = _lines.FindLastIndex(l => l.Line.Cpu == cpu && l.Line.Verb is ScheduleVerb.Run or ScheduleVerb.Continue);
            _lines[at] = (_lines[at].Line with { Preempted = true }, _lines[at].End);
        }

        /// <summary>Each line with the buffers after it (none under SC) and the fence hints of the loads it performs.</summary>
        public IReadOnlyList<ScheduleLine> Annotate(IReadOnlyList<ExecutedEvent> events)
        {
            var timeline = BufferTimeline.Of(events);
            var hints = MissingFences.Find(events, timeline);
            var from = 0;
            var annotated = new List<ScheduleLine>(_lines.Count);
            foreach (var (line, end) in _lines)
            {
                annotated.Add(line with
                {
                    Buffers = timeline.Buffering ? timeline.Describe(end) : null,
                    FenceHints = [.. hints.Where(h => h.Load >= from && h.Load < end).Select(h => h.Hint)],
                });
                from = end;
            }
            return annotated;
        }
    }
}

/// <summary>
/// An execution's events, printed as a schedule when first asked for and then kept: the execution that first fails
/// one expectation often first fails others and shows a finding too, each a counterexample of its own.
/// </summary>
internal sealed class PrintedSchedule(IReadOnlyList<ExecutedEvent> events)
{
    private IReadOnlyList<ScheduleLine>? _lines;

    public IReadOnlyList<ScheduleLine> Lines() => _lines ??= SchedulePrinter.Print(events);
}
