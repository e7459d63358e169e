using ScenarioLang.Runtime.Kernel.Ioport;
using ScenarioLang.Runtime.Kernel.Mm;

namespace ScenarioLang.Runtime;

public enum MemoryModel
{
    /// <summary>Sequential consistency.</summary>
    Sc,
    /// <summary>x86-TSO: per-CPU FIFO store buffers.</summary>
    Tso,
}

/// <summary>The kernel a scenario runs against: one variant per mechanism.</summary>
public sealed record KernelConfig(IopermVariant Ioperm, PgdVariant Pgd = PgdVariant.LockedList)
{
    public static KernelConfig Default { get; } = FromNames(new Dictionary<string, string>());

    /// <summary>Builds a configuration from mechanism=variant names; mechanisms not named take their default.</summary>
    public static KernelConfig FromNames(IReadOnlyDictionary<string, string> names)
    {
        string NameOf(Mechanism m) => names.TryGetValue(m.Name, out var v) ? v : m.Default;
        var ioperm = VariantCatalog.Find(VariantCatalog.IopermMechanism)!;
        var pgd = VariantCatalog.Find(VariantCatalog.PgdMechanism)!;
        return new KernelConfig(VariantCatalog.ParseIoperm(NameOf(ioperm)), VariantCatalog.ParsePgd(NameOf(pgd)));
    }

    /// <summary>
    /// "ioperm=merged", and ", pgd=late-mb" when pgd is not the default: how the trace and the test names show the
    /// configuration, unchanged for the scenarios written before the pgd mechanism existed.
    /// </summary>
    public override string ToString()
    {
        var ioperm = $"{VariantCatalog.IopermMechanism}={VariantCatalog.Name(Ioperm)}";
        var pgd = VariantCatalog.Name(Pgd);
        return pgd == VariantCatalog.Find(VariantCatalog.PgdMechanism)!.Default ? ioperm : $"{ioperm}, {VariantCatalog.PgdMechanism}={pgd}";
    }
}
