namespace ScenarioLang.Bench.Shapes;

/// <summary>The litmus shapes of issue 6: SB rings of n CPUs, MP and IRIW, as in samples/litmus.</summary>
public static class LitmusCatalog
{
    public const int SmallestRing = 2;
    public const int LargestRing = 12;

    /// <summary>
    /// CPU i stores 1 to x_i, then loads x_(i+1 mod n) into r_i. x86-TSO allows every load to miss every store (each
    /// store still in its buffer), which SC forbids; the search must find that outcome among 2^n final states.
    /// </summary>
    public static LitmusShape SbRing(int cpus)
    {
        if (cpus < SmallestRing)
            throw new ArgumentOutOfRangeException(nameof(cpus), cpus, "an SB ring needs two CPUs");
        var threads = Enumerable.Range(0, cpus)
            .Select(i => (IReadOnlyList<Access>)[new Store($"x{i}", 1), new Load($"x{(i + 1) % cpus}", $"r{i}")])
            .ToList();
        return new LitmusShape(
            $"SB-ring-{cpus}",
            $"SB ring of {cpus} CPUs: every load can miss every store under x86-TSO",
            threads,
            [.. Enumerable.Range(0, cpus).Select(i => new RegisterValue($"r{i}", 0))],
            OutcomeAllowed: true);
    }

    /// <summary>Message passing: stores drain in order and loads are not reordered, so the flag never overtakes the data.</summary>
    public static LitmusShape MessagePassing { get; } = new(
        "MP",
        "MP: a reader that sees the flag sees the data under x86-TSO",
        [
            [new Store("data", 1), new Store("flag", 1)],
            [new Load("flag", "r0"), new Load("data", "r1")],
        ],
        [new RegisterValue("r0", 1), new RegisterValue("r1", 0)],
        OutcomeAllowed: false);

    /// <summary>Independent reads of independent writes: one memory, so two readers agree on the order of two stores.</summary>
    public static LitmusShape Iriw { get; } = new(
        "IRIW",
        "IRIW: two readers never see two independent stores in opposite orders under x86-TSO",
        [
            [new Store("x", 1)],
            [new Store("y", 1)],
            [new Load("x", "r0"), new Load("y", "r1")],
            [new Load("y", "r2"), new Load("x", "r3")],
        ],
        [new RegisterValue("r0", 1), new RegisterValue("r1", 0), new RegisterValue("r2", 1), new RegisterValue("r3", 0)],
        OutcomeAllowed: false);

    public static IEnumerable<LitmusShape> SbRings(int largest) =>
        Enumerable.Range(SmallestRing, Math.Max(0, largest - SmallestRing + 1)).Select(SbRing);
}
