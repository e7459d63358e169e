using ScenarioLang.Runtime.Catalog;

namespace ScenarioLang.Runtime.Scheduling;

/// <summary>
/// The pause points of the user instructions on shared memory (store, load, mfence, xchg). Each instruction is a path
/// with exactly one point, named like the instruction, so <c>until store</c> stops it before its access.
/// </summary>
public static class InstructionPoints
{
    public const string Store = "store";
    public const string Load = "load";
    public const string Mfence = "mfence";
    public const string Xchg = "xchg";

    public static IReadOnlyList<PausePoint> All { get; } =
    [
        new(Store, Store, "before the store enters the CPU's store buffer (memory, under SC)"),
        new(Load, Load, "before the load reads the CPU's newest buffered store to the word, else memory"),
        new(Mfence, Mfence, "before the fence, which waits for the CPU's store buffer to drain"),
        new(Xchg, Xchg, "before the locked exchange, which waits for the CPU's store buffer to drain"),
    ];
}
