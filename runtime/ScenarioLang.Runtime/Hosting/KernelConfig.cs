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
public sealed record KernelConfig(IopermVariant Ioperm, PgdVariant Pgd = PgdVariant.LockedList, PtshareVariant Ptshare = PtshareVariant.Off)
{
    public static KernelConfig Default { get; } = FromNames(new Dictionary<string, string>());

    /// <summary>Builds a configuration from mechanism=variant names; mechanisms not named take their default.</summary>
    public static KernelConfig FromNames(IReadOnlyDictionary<string, string> names)
    {
        string NameOf(Mechanism m) => names.TryGetValue(m.Name, out var v) ? v : m.Default;
        var ioperm = VariantCatalog.Find(VariantCatalog.IopermMechanism)!;
        var pgd = VariantCatalog.Find(VariantCatalog.PgdMechanism)!;
        var ptshare = VariantCatalog.Find(VariantCatalog.PtshareMechanism)!;
        return new KernelConfig(VariantCatalog.ParseIoperm(NameOf(ioperm)), VariantCatalog.ParsePgd(NameOf(pgd)), VariantCatalog.ParsePtshare(NameOf(ptshare)));
    }

    /// <summary>Every mechanism's variant name, in the catalog's order: what <see cref="FromNames"/> turns back into this configuration.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Names =>
    [
        new(VariantCatalog.IopermMechanism, VariantCatalog.Name(Ioperm)),
        new(VariantCatalog.PgdMechanism, VariantCatalog.Name(Pgd)),
        new(VariantCatalog.PtshareMechanism, VariantCatalog.Name(Ptshare)),
    ];

    /// <summary>The name of this configuration's variant of <paramref name="mechanism"/> (ioperm, pgd or ptshare).</summary>
    public string VariantOf(string mechanism) =>
        Names.FirstOrDefault(n => n.Key == mechanism).Value ?? throw new ArgumentException($"no mechanism '{mechanism}'", nameof(mechanism));

    /// <summary>
    /// "ioperm=merged", then ", pgd=late-mb" and ", ptshare=locked" for the mechanisms not at their default: how the trace
    /// and the test names show the configuration, unchanged for the scenarios written before those mechanisms existed.
    /// </summary>
    public override string ToString() =>
        string.Join(", ", Names
            .Where(n => n.Key == VariantCatalog.IopermMechanism || n.Value != VariantCatalog.Find(n.Key)!.Default)
            .Select(n => $"{n.Key}={n.Value}"));
}
