using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Exploration;

internal enum EventKind
{
    /// <summary>The CPU starts its next step, performs its path's pending access, or returns from its step.</summary>
    Step,
    /// <summary>The oldest store of the CPU's buffer reaches memory (x86-TSO only).</summary>
    Drain,
    /// <summary>The CPU's preempting task switches in, performs its step's next event, or switches back.</summary>
    Preempting,
}

/// <summary>
/// An event of the explorer, named by what it does to which CPU, so the same event can be recognised in the states
/// that follow (a sleeping event is the same event until its CPU moves). Each (kind, CPU) is a process of the search:
/// a CPU's program, its store buffer's drains (Abdulla et al., "Stateless Model Checking for TSO and PSO", 2015), and
/// the task that preempts the program's task.
/// </summary>
internal readonly record struct ExploreEvent(EventKind Kind, int Cpu)
{
    /// <summary>
    /// The two are events of different tasks on one CPU (its program's and its preempting task's): they share the CPU
    /// but not a program order, so, like events of two CPUs, their footprints say whether they commute.
    /// </summary>
    public bool OtherTaskOnCpu(ExploreEvent other) =>
        Cpu == other.Cpu && Kind != other.Kind && Kind != EventKind.Drain && other.Kind != EventKind.Drain;

    // Written out: the record's own compare each field through EqualityComparer<T>.Default, framework generics over
    // this assembly's enum that ReadyToRun cannot precompile, so the search ran them unoptimised until the JIT
    // promoted them, and every state compares events many times.
    public bool Equals(ExploreEvent other) => Kind == other.Kind && Cpu == other.Cpu;

    public override int GetHashCode() => (Cpu << 2) | (int)Kind;

    public override string ToString() => Kind switch
    {
        EventKind.Step => $"cpu{Cpu}",
        EventKind.Drain => $"cpu{Cpu} drain",
        _ => $"cpu{Cpu} preempting",
    };
}

/// <summary>
/// What an event does to the state other CPUs can reach: the words of shared memory and the pieces of tracked kernel
/// state (<see cref="StateTracker"/>) it reads and writes, whether it needs its own CPU's buffer empty, and whether it
/// puts a store into that buffer (which enables a drain). Buffered stores touch no shared word.
/// </summary>
/// <remarks>
/// Before a step event runs, only the access at its pending point is known; the kernel code that runs after it up to
/// the next point adds its tracked accesses when the event is performed (<see cref="Complete"/>). A drain's footprint
/// is known in full beforehand.
/// </remarks>
internal sealed record Footprint(StateAccess[] Accesses, bool NeedsEmptyStoreBuffer, bool Buffers = false, bool Complete = false)
{
    /// <summary>An event not run yet that, as far as its point shows, touches nothing: a start, a return, a preemption point.</summary>
    public static Footprint None { get; } = new([], false);

    public static Footprint Drain(BufferedStore store) =>
        new([new StateAccess(store.Location, store.Release ? Access.Release : Access.Write)], false, Complete: true);

    /// <summary>The access at <paramref name="point"/>, as known before the event runs.</summary>
    public static Footprint Of(InterleavingPoint point, MemoryModel model) => point.Kind switch
    {
        InterleavingKind.Load => Touching(point, Access.Read, false),
        InterleavingKind.Store or InterleavingKind.Unlock when model == MemoryModel.Tso => new([], false, Buffers: true),
        InterleavingKind.Store or InterleavingKind.Free => Touching(point, Access.Write, false),
        InterleavingKind.Unlock => Touching(point, Access.Release, false),
        InterleavingKind.Release => Touching(point, Access.Release, true),
        InterleavingKind.Lock => Touching(point, Access.Acquire, true),
        InterleavingKind.Exchange or InterleavingKind.Add => Touching(point, Access.Write, true),
        InterleavingKind.Fence => new([], true),
        InterleavingKind.Preemption => None,
        _ => throw new ArgumentOutOfRangeException(nameof(point), point.Kind, "an interleaving point of no known kind"),
    };

    /// <summary>This footprint with the tracked accesses of the kernel code the event ran: the event's whole footprint.</summary>
    public Footprint With(StateAccess[] tracked)
    {
        if (tracked.Length == 0)
            return this with { Complete = true };
        // The tracker's record is the event's own array, each location once.
        if (Accesses.Length == 0)
            return this with { Accesses = tracked, Complete = true };
        // Every event runs this: loops, where LINQ made two closures and an iterator per event.
        var added = 0;
        foreach (var t in tracked)
            added += Touches(t.Location) ? 0 : 1;
        var whole = new StateAccess[Accesses.Length + added];
        Accesses.CopyTo(whole, 0);
        var at = Accesses.Length;
        foreach (var t in tracked)
        {
            if (!Touches(t.Location))
                whole[at++] = t;
        }
        return this with { Accesses = whole, Complete = true };
    }

    private bool Touches(MemoryLocation location)
    {
        foreach (var a in Accesses)
        {
            if (a.Location == location)
                return true;
        }
        return false;
    }

    /// <summary>Touches nothing, waits for nothing: independent of every other event.</summary>
    public bool IsLocal => Accesses.Length == 0 && !NeedsEmptyStoreBuffer;

    /// <summary>Both touch a location and one of them writes it; the first such location, or null.</summary>
    public static MemoryLocation? Conflict(Footprint a, Footprint b)
    {
        foreach (var x in a.Accesses)
        {
            foreach (var y in b.Accesses)
            {
                if (x.Location == y.Location && (x.Writes || y.Writes))
                    return x.Location;
            }
        }
        return null;
    }

    public override string ToString() =>
        Accesses.Length == 0 ? NeedsEmptyStoreBuffer ? "fence" : "nothing" : string.Join(", ", Accesses);

    private static Footprint Touching(InterleavingPoint point, Access access, bool needsEmpty) =>
        new([new StateAccess(point.Location!.Value, access)], needsEmpty);
}

/// <summary>An enabled event and its footprint: as far as known before it runs, or whole once it has run.</summary>
internal sealed record Transition(ExploreEvent Event, Footprint Effect)
{
    /// <summary>
    /// Whether the two events commute and neither disables the other. On one CPU, a step and a drain commute unless
    /// the step waits for the empty buffer (a load forwards the same value before and after the drain); on two
    /// CPUs, or for two tasks of one CPU, they commute unless both touch the same word or piece of kernel state and one of them writes it. Only
    /// whole footprints make the answer true: an event that has not run may touch more than its point shows.
    /// </summary>
    public bool IndependentOf(Transition other)
    {
        if (!Effect.Complete || !other.Effect.Complete)
            return false;
        if (Event.Cpu == other.Event.Cpu && !Event.OtherTaskOnCpu(other.Event))
            return Event.Kind != other.Event.Kind && !Effect.NeedsEmptyStoreBuffer && !other.Effect.NeedsEmptyStoreBuffer;
        return Footprint.Conflict(Effect, other.Effect) is null;
    }

    /// <summary>
    /// The first enabled event that, as far as its point shows, touches nothing: a search takes it alone, and once it
    /// has run checks that its whole footprint is empty too (otherwise the state is expanded in full).
    /// </summary>
    public static Transition? LocalAmong(IReadOnlyList<Transition> enabled) => enabled.FirstOrDefault(t => t.Effect.IsLocal);

    /// <summary>The first enabled event that touches nothing as far as its point shows, among those <paramref name="eligible"/>.</summary>
    public static Transition? LocalAmong(IReadOnlyList<Transition> enabled, Func<Transition, bool> eligible) =>
        enabled.FirstOrDefault(t => t.Effect.IsLocal && eligible(t));
}
