using ScenarioLang.Runtime.Machine;
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
/// that follow (a sleeping event is the same event until its CPU moves). Each (kind, CPU) is a process of the search:
/// a CPU's program, and its store buffer's drains (Abdulla et al., "Stateless Model Checking for TSO and PSO", 2015).
/// </summary>
internal readonly record struct ExploreEvent(EventKind Kind, int Cpu)
{
    public override string ToString() => Kind == EventKind.Step ? $"cpu{Cpu}" : $"cpu{Cpu} drain";
}

/// <summary>How an event touches the word it names.</summary>
internal enum Access
{
    None,
    Read,
    Write,
    /// <summary>spin_lock(): takes the lock word, and can only happen when it is free.</summary>
    Acquire,
    /// <summary>The store of spin_unlock() reaching memory: frees the lock word, so it enables an <see cref="Acquire"/>.</summary>
    Release,
}

/// <summary>
/// What an event does to the memory other CPUs read, in the state where it is enabled: the word it touches and how,
/// whether it needs its own CPU's buffer empty, and whether it puts a store into that buffer (which enables a drain).
/// Buffered stores touch no shared word.
/// </summary>
internal readonly record struct MemoryEffect(MemoryLocation? Location, Access Access, bool NeedsEmptyStoreBuffer, bool Buffers = false)
{
    /// <summary>Preemption points and returns: independent of every other event.</summary>
    public static MemoryEffect None { get; } = new(null, Access.None, false);

    public static MemoryEffect Drain(BufferedStore store) => new(store.Location, store.Release ? Access.Release : Access.Write, false);

    public static MemoryEffect Of(InterleavingPoint point, MemoryModel model) => point.Kind switch
    {
        InterleavingKind.Load => new(point.Location, Access.Read, false),
        InterleavingKind.Store when model == MemoryModel.Tso => new(null, Access.None, false, Buffers: true),
        InterleavingKind.Unlock when model == MemoryModel.Tso => new(null, Access.None, false, Buffers: true),
        InterleavingKind.Store or InterleavingKind.Free => new(point.Location, Access.Write, false),
        InterleavingKind.Unlock => new(point.Location, Access.Release, false),
        InterleavingKind.Lock => new(point.Location, Access.Acquire, true),
        InterleavingKind.Exchange or InterleavingKind.Add => new(point.Location, Access.Write, true),
        InterleavingKind.Fence => new(null, Access.None, true),
        _ => None,
    };

    /// <summary>Touches no word, waits for nothing: a singleton persistent set, taken alone when enabled.</summary>
    public bool IsLocal => Access == Access.None && !NeedsEmptyStoreBuffer;

    public bool Writes => Access is Access.Write or Access.Acquire or Access.Release;
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
        return !Conflicts(Effect, other.Effect);
    }

    /// <summary>The first enabled event independent of all others, which a search takes alone; null if there is none.</summary>
    public static Transition? LocalAmong(IReadOnlyList<Transition> enabled) => enabled.FirstOrDefault(t => t.Effect.IsLocal);

    /// <summary>Two events of different CPUs on the same word, one of which writes it.</summary>
    public static bool Conflicts(MemoryEffect a, MemoryEffect b) =>
        a.Location is { } word && word == b.Location && (a.Writes || b.Writes);
}
