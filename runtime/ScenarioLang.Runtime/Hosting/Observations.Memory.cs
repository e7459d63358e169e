using ScenarioLang.Runtime.Scheduling;

namespace ScenarioLang.Runtime;

/// <summary>The observations of litmus-style scenarios: the registers user loads wrote and the words of shared memory.</summary>
public sealed partial class Observations
{
    /// <summary>
    /// The registers the run's load and xchg steps have written, by name. They belong to the run, which writes them
    /// when a step returns; an expectation only reads them.
    /// </summary>
    internal Dictionary<string, long> Registers { get; } = new(StringComparer.Ordinal);

    /// <summary>The value a load or xchg left in the register; a register no step has written cannot be observed.</summary>
    public long Register(string name) =>
        Registers.TryGetValue(name, out var value) ? value : throw new NotModelledException($"no load has written {name}");

    /// <summary>What memory holds at the location, ignoring every store buffer (stores still buffered are not there yet).</summary>
    public long SharedWord(string location) => machine.Memory.Read(new MemoryLocation(location));
}
