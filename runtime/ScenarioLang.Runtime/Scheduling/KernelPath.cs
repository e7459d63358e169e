using ScenarioLang.Runtime.Machine;

namespace ScenarioLang.Runtime.Scheduling;

/// <summary>
/// A kernel code path: the steps of one syscall, context switch or exit, stopped before each
/// <see cref="InterleavingPoint"/>. <see cref="Result"/> is the syscall's return value once it ran.
/// </summary>
/// <remarks>
/// The path's code runs in the stretches between points and touches nothing other CPUs can see there; each
/// shared access is the point's, performed by <see cref="Perform"/> when the driver lets the path go on.
/// </remarks>
public sealed class KernelPath
{
    // The body's points; null for a path of one access, which is that point alone (every user instruction's: an
    // iterator per instruction was a fifth of a litmus search's allocations).
    private readonly IEnumerator<InterleavingPoint>? _steps;
    private readonly InterleavingPoint? _access;
    // Made at the path's first lock: most paths (every user instruction) take none.
    private List<MemoryLocation>? _held;
    private bool _started;

    private readonly SharedMemory _memory;

    public KernelPath(string name, Cpu cpu, SharedMemory memory, Func<KernelPath, IEnumerable<InterleavingPoint>> body)
    {
        Name = name;
        Cpu = cpu;
        _memory = memory;
        _steps = body(this).GetEnumerator();
    }

    /// <summary>A path of one access, a user instruction's: what a load or exchange reads there is its result.</summary>
    public KernelPath(string name, Cpu cpu, SharedMemory memory, InterleavingPoint access)
    {
        Name = name;
        Cpu = cpu;
        _memory = memory;
        _access = access;
    }

    public string Name { get; }

    /// <summary>
    /// The CPU the path runs on now: this_cpu for the code after the current point. A path suspended at a
    /// preemption point may be resumed on another CPU, so kernel code reads this instead of keeping the first one.
    /// </summary>
    public Cpu Cpu { get; set; }

    public long Result { get; set; }

    /// <summary>What the path made that its step needs once it has returned: fork's and clone's new task.</summary>
    public object? Created { get; set; }

    public bool Finished { get; private set; }

    /// <summary>The point the path is stopped at, its access not yet performed; null before the start and at the end.</summary>
    public InterleavingPoint? Pending { get; private set; }

    /// <summary>The locks the path has taken and not released yet, so a step spinning on one can say who holds it.</summary>
    public IReadOnlyList<MemoryLocation> Held => _held ?? [];

    /// <summary>Whether the path is stopped before the point labelled <paramref name="point"/> or, given a bare name, any of its iterations.</summary>
    public bool IsStoppedAt(string point) => Pending is { } pending && (pending.Label == point || pending.Name == point);

    /// <summary>Runs the path's code up to its first point, once; afterwards <see cref="Pending"/> is known.</summary>
    public void Start()
    {
        if (_started)
            return;
        _started = true;
        MoveNext();
    }

    /// <summary>Performs the pending access (none at a preemption point) and runs on to the next point or the end.</summary>
    public void Perform()
    {
        Start();
        if (Pending is { } point)
        {
            _memory.Perform(Cpu, point);
            if (point.Kind == InterleavingKind.Lock)
                (_held ??= []).Add(point.Location!.Value);
            else if (point.Kind is InterleavingKind.Unlock or InterleavingKind.Release)
                _held?.Remove(point.Location!.Value);
            MoveNext();
        }
    }

    /// <summary>
    /// Runs the path up to the point labelled <paramref name="point"/> (<c>copy_pgd[402]</c>) or, given a bare name
    /// (<c>copy_pgd</c>), its next occurrence, and stops before its access; false if the path ended without reaching it.
    /// </summary>
    public bool RunUntil(string point)
    {
        Start();
        while (Pending is not null)
        {
            if (IsStoppedAt(point))
                return true;
            PerformWaiting();
        }
        return false;
    }

    /// <summary>Runs the path to its end, as a step of an explicit schedule does; returns its result.</summary>
    public long RunToEnd()
    {
        Start();
        while (Pending is not null)
            PerformWaiting();
        return Result;
    }

    /// <summary>
    /// Performs the pending access as an explicit schedule does, where nothing else runs meanwhile: a fence or locked
    /// instruction first drains this CPU's buffer, and a lock held by a path paused elsewhere throws
    /// <see cref="LockHeldException"/>, because it would never be released.
    /// </summary>
    public void PerformWaiting()
    {
        if (!TryPerformWaiting())
            throw new LockHeldException(this, Pending!);
    }

    /// <summary>
    /// <see cref="PerformWaiting"/> for a schedule that lets the path wait: false, with the access not performed, when
    /// the pending point takes a lock another CPU holds (this CPU's buffer has drained, as the locked instruction drains it).
    /// </summary>
    public bool TryPerformWaiting()
    {
        var point = Pending!;
        if (point.NeedsEmptyStoreBuffer)
            _memory.DrainAll(Cpu);
        if (!_memory.CanPerform(Cpu, point))
            return false;
        Perform();
        return true;
    }

    private void MoveNext()
    {
        if (_steps is null)
        {
            // One access: pending at the start, then its value is the result.
            if (Pending is null && !Finished)
            {
                Pending = _access;
                return;
            }
            Result = _access!.Value;
        }
        else if (_steps.MoveNext())
        {
            Pending = _steps.Current;
            return;
        }
        Pending = null;
        Finished = true;
        _steps?.Dispose();
    }
}

/// <summary>An explicit schedule asked a path to take a lock that another CPU's paused path holds: it would spin forever.</summary>
public sealed class LockHeldException(KernelPath path, InterleavingPoint point)
    : Exception($"{path.Name} on {path.Cpu} spins forever in {point}: the lock is held by a path paused on another CPU")
{
    public KernelPath Path { get; } = path;

    public InterleavingPoint Point { get; } = point;
}
