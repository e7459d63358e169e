using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Scheduling;
using ReadFromMemory = (ScenarioLang.Runtime.Scheduling.MemoryLocation Location, long Value);
using WriteToMemory = (int Cpu, ScenarioLang.Runtime.Scheduling.MemoryLocation Location, long? Value, int InProgram);

namespace ScenarioLang.Runtime.Exploration;

/// <summary>
/// Finds where an execution depends on the one reordering x86-TSO adds to SC, a load passing an earlier store of its
/// own CPU, and so where a full fence would forbid it. A pair (store S of x, load L of y) on CPU c counts when:
/// <list type="bullet">
/// <item>L reads y from memory (not forwarded from c's buffer) while S waits in c's buffer;</item>
/// <item>L misses a write W of y by another CPU d: W reaches memory after L, with another value than L read;</item>
/// <item>d misses S in turn, after W in its program and before S reaches memory: it reads x from memory and gets
/// another value than S writes (SB), or writes x to memory, which S then overwrites (n6).</item>
/// </list>
/// The three make a cycle S →po L →fr W →po R →fr S (or →po W' →co S), which SC forbids and a fence between S and L
/// breaks, as TSO keeps d's accesses in order after a store (Shasha and Snir's critical cycles; SB is the smallest).
/// The last condition keeps races that a fence does not fix quiet: a CPU that loads a stale value while its own
/// stores wait, with nothing on the other side that missed them, shows an atomicity race, where the loads would miss
/// the other CPU's writes with a fence too. Cycles through a third CPU are not looked for.
/// </summary>
internal static class MissingFences
{
    /// <summary>Each pair found, with the index of its load among the events.</summary>
    public static IReadOnlyList<(int Load, FenceHint Hint)> Find(IReadOnlyList<ExecutedEvent> events, BufferTimeline timeline)
    {
        var hints = new List<(int, FenceHint)>();
        if (!timeline.Buffering)
            return hints;
        // What each event read from and wrote to memory, found once: the search below asks about each event many times.
        var reads = new ReadFromMemory?[events.Count];
        var writes = new WriteToMemory?[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            reads[i] = MemoryRead(events, timeline, i);
            writes[i] = MemoryWrite(events, timeline, i);
        }
        for (var l = 0; l < events.Count; l++)
        {
            if (events[l].Performed?.Kind != InterleavingKind.Load || reads[l] is not { } read)
                continue;
            var cpu = events[l].Event.Cpu;
            foreach (var store in timeline.After(l, cpu).Where(s => s.StoredAt >= 0 && s.Location != read.Location))
            {
                if (Missed(events, reads, writes, l, read, store))
                    hints.Add((l, Hint(events, l, store)));
            }
        }
        return hints;
    }

    // Whether another CPU writes what the load read after it, and then, before the store reaches memory, reads the
    // store's word without seeing it or writes it first.
    private static bool Missed(IReadOnlyList<ExecutedEvent> events, ReadFromMemory?[] reads, WriteToMemory?[] writes, int load, ReadFromMemory read, BufferedWrite store)
    {
        for (var w = load + 1; w < events.Count; w++)
        {
            if (writes[w] is not { } write || write.Cpu == store.Cpu || write.Location != read.Location || write.Value == read.Value)
                continue;
            for (var k = 0; k < store.DrainedAt; k++)
            {
                if (events[k].Event.Cpu != write.Cpu)
                    continue;
                if (k > write.InProgram && reads[k] is { } stale && stale.Location == store.Location && stale.Value != store.Value)
                    return true;
                if (writes[k] is { } first && first.InProgram > write.InProgram && first.Location == store.Location)
                    return true;
            }
        }
        return false;
    }

    /// <summary>
    /// What the event read from memory, if it did: a load its own buffer does not forward, or a locked instruction's
    /// read (the value it found: an exchange's and an add's old value, spin_lock()'s free lock).
    /// </summary>
    private static ReadFromMemory? MemoryRead(IReadOnlyList<ExecutedEvent> events, BufferTimeline timeline, int at)
    {
        var e = events[at];
        return e.Performed switch
        {
            { Kind: InterleavingKind.Load, Location: { } word } load when timeline.After(at, e.Event.Cpu).All(s => s.Location != word) => (word, load.Value),
            { Kind: InterleavingKind.Exchange or InterleavingKind.Add, Location: { } word } locked => (word, locked.Value),
            { Kind: InterleavingKind.Lock, Location: { } word } => (word, 0),
            _ => null,
        };
    }

    /// <summary>
    /// What the event wrote to memory, if it did: a drain (the store's place in its CPU's program is the step that
    /// buffered it), or a locked write, a locked release or kfree() (its own event). The value is null where the point no longer holds
    /// it: an exchange's and an add's point keep the value they read.
    /// </summary>
    private static WriteToMemory? MemoryWrite(IReadOnlyList<ExecutedEvent> events, BufferTimeline timeline, int at)
    {
        var e = events[at];
        var cpu = e.Event.Cpu;
        if (e.Event.Kind == EventKind.Drain)
        {
            var drained = timeline.After(at, cpu)[0];
            return (cpu, drained.Location, drained.Value, drained.StoredAt);
        }
        return e.Performed switch
        {
            { Kind: InterleavingKind.Lock, Location: { } word } => (cpu, word, 1, at),
            { Kind: InterleavingKind.Release, Location: { } word } => (cpu, word, 0, at),
            // KASAN poisons a freed object's word: a later load of it reads -1.
            { Kind: InterleavingKind.Free, Location: { } word } => (cpu, word, -1, at),
            { Kind: InterleavingKind.Exchange or InterleavingKind.Add, Location: { } word } => (cpu, word, null, at),
            _ => null,
        };
    }

    private static FenceHint Hint(IReadOnlyList<ExecutedEvent> events, int load, BufferedWrite store) =>
        new(events[load].Event.Cpu, Access(events[store.StoredAt]), Access(events[load]), $"{store.Location} = {store.Value}");

    private static ProgramAccess Access(ExecutedEvent e) => new(e.Step!, e.Performed!.Label, e.Performed.ToString());
}
