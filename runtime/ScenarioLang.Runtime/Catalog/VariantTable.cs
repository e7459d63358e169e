namespace ScenarioLang.Runtime.Catalog;

/// <summary>
/// A mechanism's variants with the enum its kernel code switches on: the names a scenario writes, in the catalog's
/// order, and the typed value a configuration's name stands for.
/// </summary>
public sealed class VariantTable<TVariant>(string mechanism, IReadOnlyList<(TVariant Variant, VariantDeclaration Declaration)> rows)
    where TVariant : struct, Enum
{
    public IReadOnlyList<VariantDeclaration> Declarations { get; } = [.. rows.Select(r => r.Declaration)];

    /// <summary>Every value of the enum, for the test that each has a row.</summary>
    public IReadOnlyList<TVariant> Values { get; } = [.. rows.Select(r => r.Variant)];

    public string NameOf(TVariant variant) => rows.Single(r => r.Variant.Equals(variant)).Declaration.Name;

    /// <summary>The variant a configuration chooses for the mechanism.</summary>
    public TVariant VariantOf(KernelConfig config)
    {
        var name = config.VariantOf(mechanism);
        return rows.Single(r => r.Declaration.Name == name).Variant;
    }

    public KernelConfig With(KernelConfig config, TVariant variant) => config.With(mechanism, NameOf(variant));
}
