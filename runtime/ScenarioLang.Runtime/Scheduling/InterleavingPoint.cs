namespace ScenarioLang.Runtime.Scheduling;

/// <summary>What makes a point in a kernel path one where another CPU may run.</summary>
public enum InterleavingKind
{
    /// <summary>Preemption is enabled here: the scheduler may switch this CPU to another task.</summary>
    Preemption,
    /// <summary>A load or store of memory other CPUs can see.</summary>
    SharedAccess,
    /// <summary>A lock is taken or released.</summary>
    Lock,
}

/// <summary>
/// A place inside a kernel path where the path may be suspended. Kernel paths are iterators that
/// yield these, so an explicit schedule (which runs each path to its end) and an explorer (which
/// interleaves paths at these points) drive the same code.
/// </summary>
public readonly record struct InterleavingPoint(string Name, InterleavingKind Kind)
{
    public static InterleavingPoint Preemptible(string name) => new(name, InterleavingKind.Preemption);
}
