using System.Diagnostics;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Scheduling;

namespace ScenarioLang.Runtime.Exploration;

/// <summary>
/// A store that waited in a CPU's buffer during an execution: the event that buffered it (-1: it was buffered before
/// the explore block) and the drain that moved it to memory.
/// </summary>
internal sealed class BufferedWrite(int cpu, int storedAt, MemoryLocation location, long value)
{
    public int Cpu { get; } = cpu;

    public int StoredAt { get; } = storedAt;

    public MemoryLocation Location { get; } = location;

    public long Value { get; } = value;

    /// <summary>The drain event's index; every store of a final execution drains.</summary>
    public int DrainedAt { get; set; } = -1;

    public override string ToString() => $"{Location}={Value}";
}

/// <summary>
/// Every CPU's store buffer before and after each event of an execution, rebuilt from the events alone, since the
/// machine keeps only the present: a step that performs a store or spin_unlock() under TSO appends to its CPU's buffer,
/// a drain removes the oldest. Stores buffered before the block are the first ones its drains move that no step of
/// the block buffered (the buffers of a final execution end empty).
/// </summary>
internal sealed class BufferTimeline
{
    private readonly IReadOnlyList<BufferedWrite>[][] _before;

    private BufferTimeline(IReadOnlyList<BufferedWrite>[][] before, bool buffering)
    {
        _before = before;
        Buffering = buffering;
    }

    /// <summary>
    /// Whether a store went through a buffer: under SC no store does, and under TSO an execution without a drain
    /// had every buffer empty throughout, so there is nothing to show either way.
    /// </summary>
    public bool Buffering { get; }

    public static BufferTimeline Of(IReadOnlyList<ExecutedEvent> events)
    {
        var cpus = events.Count == 0 ? 0 : events.Max(e => e.Event.Cpu) + 1;
        var buffering = events.Any(e => e.Event.Kind == EventKind.Drain);
        var buffers = Enumerable.Range(0, cpus).Select(cpu => Initial(events, cpu, buffering)).ToArray();
        var before = new IReadOnlyList<BufferedWrite>[events.Count + 1][];
        before[0] = Snapshot(buffers);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var buffer = buffers[e.Event.Cpu];
            if (e.Event.Kind == EventKind.Drain)
            {
                buffer[0].DrainedAt = i;
                buffer.RemoveAt(0);
            }
            else if (buffering && Buffers(e.Performed))
                buffer.Add(new BufferedWrite(e.Event.Cpu, i, e.Performed!.Location!.Value, e.Performed.Value));
            Debug.Assert(buffer.Count == e.Buffered, $"event {i} of cpu{e.Event.Cpu}: rebuilt {buffer.Count} buffered stores, the machine had {e.Buffered}");
            before[i + 1] = Snapshot(buffers);
        }
        return new BufferTimeline(before, buffering);
    }

    /// <summary>The CPU's buffered stores, oldest first, after the first <paramref name="events"/> events.</summary>
    public IReadOnlyList<BufferedWrite> After(int events, int cpu) => cpu < _before[events].Length ? _before[events][cpu] : [];

    /// <summary>Every non-empty buffer after the first <paramref name="events"/> events: <c>cpu0 [x=1, y=2]; cpu1 [y=1]</c>, or <c>empty</c>.</summary>
    public string Describe(int events)
    {
        var full = _before[events].Index().Where(b => b.Item.Count > 0).Select(b => $"cpu{b.Index} [{string.Join(", ", b.Item)}]").ToArray();
        return full.Length == 0 ? "empty" : string.Join("; ", full);
    }

    private static bool Buffers(InterleavingPoint? performed) => performed?.Kind is InterleavingKind.Store or InterleavingKind.Unlock;

    private static List<BufferedWrite> Initial(IReadOnlyList<ExecutedEvent> events, int cpu, bool buffering)
    {
        var mine = events.Where(e => e.Event.Cpu == cpu).ToArray();
        var buffered = buffering ? mine.Count(e => e.Event.Kind != EventKind.Drain && Buffers(e.Performed)) : 0;
        var drained = mine.Where(e => e.Event.Kind == EventKind.Drain).Select(e => e.Drained!.Value).ToArray();
        return [.. drained.Take(drained.Length - buffered).Select(s => new BufferedWrite(cpu, -1, s.Location, s.Value))];
    }

    private static IReadOnlyList<BufferedWrite>[] Snapshot(List<BufferedWrite>[] buffers) => [.. buffers.Select(b => (IReadOnlyList<BufferedWrite>)[.. b])];
}
