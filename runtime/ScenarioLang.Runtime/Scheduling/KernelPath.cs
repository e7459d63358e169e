namespace ScenarioLang.Runtime.Scheduling;

/// <summary>
/// A kernel code path: the steps of one syscall, context switch or exit, suspended at each
/// <see cref="InterleavingPoint"/>. <see cref="Result"/> is the syscall's return value once it ran.
/// </summary>
public sealed class KernelPath
{
    private readonly IEnumerator<InterleavingPoint> _steps;

    public KernelPath(string name, Func<KernelPath, IEnumerable<InterleavingPoint>> body)
    {
        Name = name;
        _steps = body(this).GetEnumerator();
    }

    public string Name { get; }

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

    /// <summary>Runs the path to its end, as a step of an explicit schedule does; returns its result.</summary>
    public long RunToEnd()
    {
        while (Advance() is not null)
        {
        }
        return Result;
    }
}
