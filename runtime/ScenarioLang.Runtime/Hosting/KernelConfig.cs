using ScenarioLang.Runtime.Kernel.Ioport;

namespace ScenarioLang.Runtime;

public enum MemoryModel
{
    /// <summary>Sequential consistency.</summary>
    Sc,
    /// <summary>x86-TSO: per-CPU FIFO store buffers.</summary>
    Tso,
}

/// <summary>The kernel a scenario runs against: one variant per mechanism.</summary>
public sealed record KernelConfig(IopermVariant Ioperm)
{
    public static KernelConfig Default { get; } = FromNames(new Dictionary<string, string>());

    /// <summary>Builds a configuration from mechanism=variant names; mechanisms not named take their default.</summary>
    public static KernelConfig FromNames(IReadOnlyDictionary<string, string> names)
    {
        string NameOf(Mechanism m) => names.TryGetValue(m.Name, out var v) ? v : m.Default;
        var ioperm = VariantCatalog.Find(VariantCatalog.IopermMechanism)!;
        return new KernelConfig(VariantCatalog.ParseIoperm(NameOf(ioperm)));
    }

    /// <summary>"ioperm=merged": how the trace and the test names show the configuration.</summary>
    public override string ToString() => $"{VariantCatalog.IopermMechanism}={VariantCatalog.Name(Ioperm)}";
}
