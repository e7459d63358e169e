using ScenarioLang.Runtime.Machine;

namespace ScenarioLang.Runtime.Scheduling;

/// <summary>
/// A kernel code path: the steps of one syscall, context switch or exit, suspended at each
/// <see cref="InterleavingPoint"/>. <see cref="Result"/> is the syscall's return value once it ran.
/// </summary>
public sealed class KernelPath
{
    private readonly IEnumerator<InterleavingPoint> _steps;

    public KernelPath(string name, Cpu cpu, Func<KernelPath, IEnumerable<InterleavingPoint>> body)
    {
        Name = name;
        Cpu = cpu;
        _steps = body(this).GetEnumerator();
    }

    public string Name { get; }

    /// <summary>
    /// The CPU the path runs on now: this_cpu for the code after the current point. A path suspended at a
    /// preemption point may be resumed on another CPU, so kernel code reads this instead of keeping the first one.
    /// </summary>
    public Cpu Cpu { get; set; }

    public long Result { get; set; }

    public bool Finished { get; private set; }

    /// <summary>Runs the path up to its next interleaving point; returns that point, or null at the end.</summary>
    public InterleavingPoint? Advance()
    {
        if (Finished)
            return null;
        if (_steps.MoveNext())
            return _steps.Current;
        Finished = true;
        _steps.Dispose();
        return null;
    }

    /// <summary>Runs the path up to the point named <paramref name="point"/>; false if the path ended without reaching it.</summary>
    public bool RunUntil(string point)
    {
        while (Advance() is { } reached)
        {
            if (reached.Name == point)
                return true;
        }
        return false;
    }

    /// <summary>Runs the path to its end, as a step of an explicit schedule does; returns its result.</summary>
    public long RunToEnd()
    {
        while (Advance() is not null)
        {
        }
        return Result;
    }
}
