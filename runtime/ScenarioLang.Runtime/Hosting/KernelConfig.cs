using ScenarioLang.Runtime.Catalog;

namespace ScenarioLang.Runtime;

public enum MemoryModel
{
    /// <summary>Sequential consistency.</summary>
    Sc,
    /// <summary>x86-TSO: per-CPU FIFO store buffers.</summary>
    Tso,
}

/// <summary>
/// The kernel a scenario runs against: one variant per mechanism of <see cref="KernelCatalog"/>, by name. A mechanism's
/// folder turns its name into the enum its code switches on.
/// </summary>
public sealed class KernelConfig : IEquatable<KernelConfig>
{
    // One variant name per mechanism, in the catalog's order.
    private readonly string[] _variants;

    private KernelConfig(string[] variants) => _variants = variants;

    public static KernelConfig Default { get; } = FromNames(new Dictionary<string, string>());

    /// <summary>Builds a configuration from mechanism=variant names; mechanisms not named take their default.</summary>
    public static KernelConfig FromNames(IReadOnlyDictionary<string, string> names)
    {
        foreach (var (mechanism, variant) in names)
        {
            if (KernelCatalog.Find(mechanism)?.FindVariant(variant) is null)
                throw new ArgumentException($"no variant {mechanism}={variant}", nameof(names));
        }
        return new([.. KernelCatalog.Mechanisms.Select(m => names.TryGetValue(m.Name, out var v) ? v : m.Default)]);
    }

    /// <summary>This configuration with <paramref name="variant"/> for <paramref name="mechanism"/>.</summary>
    public KernelConfig With(string mechanism, string variant)
    {
        var index = IndexOf(mechanism);
        if (KernelCatalog.Mechanisms[index].FindVariant(variant) is null)
            throw new ArgumentException($"no variant {mechanism}={variant}", nameof(variant));
        var variants = (string[])_variants.Clone();
        variants[index] = variant;
        return new(variants);
    }

    /// <summary>Every mechanism's variant name, in the catalog's order: what <see cref="FromNames"/> turns back into this configuration.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Names
    {
        get
        {
            // A loop, not Select: LINQ making pairs (a value type) is compiled at run time even in the ReadyToRun tool.
            var names = new KeyValuePair<string, string>[_variants.Length];
            for (var i = 0; i < names.Length; i++)
                names[i] = new(KernelCatalog.Mechanisms[i].Name, _variants[i]);
            return names;
        }
    }

    /// <summary>The name of this configuration's variant of <paramref name="mechanism"/>.</summary>
    public string VariantOf(string mechanism) => _variants[IndexOf(mechanism)];

    /// <summary>
    /// "ioperm=merged", "pgd=late-mb, ptshare=locked": the variants of the mechanisms a scenario uses, as its trace, matrix
    /// and test names show them; empty for a scenario that uses none (a litmus test).
    /// </summary>
    public string Describe(IEnumerable<string> mechanisms)
    {
        var used = mechanisms.ToHashSet(StringComparer.Ordinal);
        var shown = new List<string>();
        for (var i = 0; i < _variants.Length; i++)
        {
            if (used.Contains(KernelCatalog.Mechanisms[i].Name))
                shown.Add($"{KernelCatalog.Mechanisms[i].Name}={_variants[i]}");
        }
        return string.Join(", ", shown);
    }

    /// <summary>
    /// How the trace and a test's name show this configuration for a scenario that uses <paramref name="used"/>: their
    /// variants, and those of any other mechanism not at its default (a --variant the scenario does not need still shows).
    /// </summary>
    public string DescribeFor(IEnumerable<string> used) =>
        Describe(used.Concat(KernelCatalog.Mechanisms.Where((m, i) => _variants[i] != m.Default).Select(m => m.Name)));

    /// <summary>Every mechanism's variant: for messages about the whole kernel, not one scenario.</summary>
    public override string ToString() => Describe(KernelCatalog.Mechanisms.Select(m => m.Name));

    public bool Equals(KernelConfig? other) => other is not null && _variants.AsSpan().SequenceEqual(other._variants);

    public override bool Equals(object? obj) => Equals(obj as KernelConfig);

    public override int GetHashCode() => string.Join('\n', _variants).GetHashCode(StringComparison.Ordinal);

    private static int IndexOf(string mechanism)
    {
        for (var i = 0; i < KernelCatalog.Mechanisms.Count; i++)
        {
            if (KernelCatalog.Mechanisms[i].Name == mechanism)
                return i;
        }
        throw new ArgumentException($"no mechanism '{mechanism}'", nameof(mechanism));
    }
}
