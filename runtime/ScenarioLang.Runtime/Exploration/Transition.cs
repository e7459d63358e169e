using ScenarioLang.Runtime.Scheduling;

namespace ScenarioLang.Runtime.Exploration;

internal enum EventKind
{
    /// <summary>The CPU performs its path's pending access, or, when the path has none left, returns from its step.</summary>
    Step,
    /// <summary>The oldest store of the CPU's buffer reaches memory (x86-TSO only).</summary>
    Drain,
}

/// <summary>
/// An event of the explorer, named by what it does to which CPU, so the same event can be recognised in the states
/// that follow (a sleeping event is the same event until its CPU moves).
/// </summary>
internal readonly record struct ExploreEvent(EventKind Kind, int Cpu);

/// <summary>
/// What an event does to the memory other CPUs read, in the state where it is enabled: the word it reads (and
/// whether it also writes it), and whether it needs its own CPU's buffer empty. Buffered stores touch no shared word.
/// </summary>
internal readonly record struct MemoryEffect(MemoryLocation? Location, bool Writes, bool NeedsEmptyStoreBuffer)
{
    /// <summary>Preemption points, returns and buffered stores: independent of every other event.</summary>
    public static MemoryEffect None { get; } = new(null, false, false);

    public static MemoryEffect Drain(MemoryLocation location) => new(location, true, false);

    public static MemoryEffect Of(InterleavingPoint point, MemoryModel model) => point.Kind switch
    {
        InterleavingKind.Load => new(point.Location, false, false),
        InterleavingKind.Store or InterleavingKind.Unlock => model == MemoryModel.Tso ? None : new(point.Location, true, false),
        InterleavingKind.Lock or InterleavingKind.Exchange or InterleavingKind.Add => new(point.Location, true, true),
        InterleavingKind.Free => new(point.Location, true, false),
        InterleavingKind.Fence => new(null, false, true),
        _ => None,
    };
}

/// <summary>An event enabled in a state, with its effect there.</summary>
internal sealed record Transition(ExploreEvent Event, MemoryEffect Effect)
{
    /// <summary>
    /// Whether the two events commute and neither disables the other. On one CPU, a step and a drain commute unless
    /// the step waits for the empty buffer (a load forwards the same value before and after the drain); on two
    /// CPUs, they commute unless both touch the same word and one of them writes it.
    /// </summary>
    public bool IndependentOf(Transition other)
    {
        if (Event.Cpu == other.Event.Cpu)
            return !Effect.NeedsEmptyStoreBuffer && !other.Effect.NeedsEmptyStoreBuffer;
        return Effect.Location is not { } word || word != other.Effect.Location || !(Effect.Writes || other.Effect.Writes);
    }
}
