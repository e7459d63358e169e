namespace ScenarioLang.Bench.Shapes;

/// <summary>One access of a litmus thread: what kscn, herd7 and Spin each write in their own syntax.</summary>
public abstract record Access(string Location);

/// <summary>A plain store of a constant.</summary>
public sealed record Store(string Location, int Value) : Access(Location);

/// <summary>A plain load into a register; register names are global (r0, r1, ...) as in kscn.</summary>
public sealed record Load(string Location, string Register) : Access(Location);

/// <summary>A register's value in the final state the test asks about.</summary>
public sealed record RegisterValue(string Register, int Value);

/// <summary>
/// A litmus test: threads of accesses to shared locations, one per CPU, and a final outcome that x86-TSO either
/// allows (the tools must find it) or forbids (they must not).
/// </summary>
public sealed record LitmusShape(
    string Name,
    string Description,
    IReadOnlyList<IReadOnlyList<Access>> Threads,
    IReadOnlyList<RegisterValue> Outcome,
    bool OutcomeAllowed)
{
    public int Cpus => Threads.Count;

    public IEnumerable<string> Locations => Threads.SelectMany(t => t).Select(a => a.Location).Distinct().Order(StringComparer.Ordinal);

    public IEnumerable<string> Registers => Threads.SelectMany(t => t).OfType<Load>().Select(l => l.Register);

    /// <summary>The CPU whose thread loads the register.</summary>
    public int ThreadOf(string register) =>
        Threads.Select((accesses, cpu) => (accesses, cpu)).First(t => t.accesses.OfType<Load>().Any(l => l.Register == register)).cpu;
}
