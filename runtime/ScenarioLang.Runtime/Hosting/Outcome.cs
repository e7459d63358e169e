using ScenarioLang.Runtime.Kernel;

namespace ScenarioLang.Runtime;

public enum OutcomeKind
{
    /// <summary>A syscall returned a value (negative: -errno).</summary>
    Returned,
    /// <summary>A user-mode instruction completed.</summary>
    Ok,
    /// <summary>A user-mode instruction raised #GP (delivered as SIGSEGV).</summary>
    GeneralProtection,
    /// <summary>PUSHF: the flags user mode sees, printed in hex.</summary>
    Eflags,
    /// <summary>A kernel access faulted: the page tables it went through have no entry for the address.</summary>
    PageFault,
    /// <summary>mmap() returned an address, printed in hex.</summary>
    Address,
    /// <summary>A user access to memory faulted and the kernel delivered SIGSEGV (no vma, or one that forbids it).</summary>
    Segv,
}

/// <summary>What a step did, or what the scenario expects it to do; both print as the language writes them.</summary>
public readonly record struct Outcome(OutcomeKind Kind, long Value)
{
    public static Outcome Ok { get; } = new(OutcomeKind.Ok, 0);

    public static Outcome GeneralProtection { get; } = new(OutcomeKind.GeneralProtection, 0);

    public static Outcome PageFault { get; } = new(OutcomeKind.PageFault, 0);

    public static Outcome Segv { get; } = new(OutcomeKind.Segv, 0);

    /// <summary>What mmap() returns: the address, or -errno as <see cref="Returns"/>.</summary>
    public static Outcome Address(long value) => value < 0 ? Returns(value) : new(OutcomeKind.Address, value);

    public static Outcome Returns(long value) => new(OutcomeKind.Returned, value);

    public static Outcome Fails(Errno errno) => new(OutcomeKind.Returned, -(long)errno);

    public static Outcome Eflags(ulong flags) => new(OutcomeKind.Eflags, (long)flags);

    public override string ToString() => Kind switch
    {
        OutcomeKind.Ok => "ok",
        OutcomeKind.GeneralProtection => "#GP",
        OutcomeKind.PageFault => "#PF",
        OutcomeKind.Eflags or OutcomeKind.Address => Tracing.Units.Hex(Value),
        OutcomeKind.Segv => "SIGSEGV",
        _ when Value < 0 && Enum.IsDefined(typeof(Errno), (int)-Value) => ((Errno)(int)-Value).ToString(),
        _ => Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// What a step states it results in: one outcome (<c>-> 0</c>) or alternatives (<c>-> ok | #GP</c>), in the order written;
/// the step passes when its outcome is any of them. It prints as written.
/// </summary>
public sealed class ExpectedOutcome : IEquatable<ExpectedOutcome>
{
    private readonly Outcome[] _alternatives;

    public ExpectedOutcome(params Outcome[] alternatives)
    {
        if (alternatives.Length == 0)
            throw new ArgumentException("an expected result has at least one alternative", nameof(alternatives));
        _alternatives = alternatives;
    }

    public IReadOnlyList<Outcome> Alternatives => _alternatives;

    public bool Matches(Outcome actual)
    {
        // A loop, not Array.IndexOf: that is generic over Outcome, compiled at run time even in the ReadyToRun tool.
        foreach (var alternative in _alternatives)
        {
            if (alternative == actual)
                return true;
        }
        return false;
    }

    public static implicit operator ExpectedOutcome(Outcome outcome) => new(outcome);

    public bool Equals(ExpectedOutcome? other) => other is not null && _alternatives.AsSpan().SequenceEqual(other._alternatives);

    public override bool Equals(object? obj) => Equals(obj as ExpectedOutcome);

    public override int GetHashCode() => _alternatives.Aggregate(0, (hash, o) => HashCode.Combine(hash, o));

    public override string ToString() => string.Join(" | ", _alternatives);
}

/// <summary>How an expectation compares an observed value with the expected one.</summary>
public enum Comparison
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

/// <summary>How a value prints in a verdict.</summary>
public enum ValueFormat
{
    Plain,
    Bytes,
    /// <summary>Flags, as 0x3202.</summary>
    Hex,
}
