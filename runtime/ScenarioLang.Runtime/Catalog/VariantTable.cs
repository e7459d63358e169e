namespace ScenarioLang.Runtime.Catalog;

/// <summary>
/// A mechanism's variants with the enum its kernel code switches on: the names a scenario writes, in the catalog's
/// order, and the typed value a configuration's name stands for.
/// </summary>
/// <remarks>
/// Plain arrays and loops rather than LINQ over (enum, declaration) pairs: every kscn process builds these tables, and
/// generic LINQ over a value type of ours is compiled at run time even in the ReadyToRun tool.
/// </remarks>
public sealed class VariantTable<TVariant>
    where TVariant : struct, Enum
{
    private readonly string _mechanism;
    private readonly TVariant[] _values;
    private readonly VariantDeclaration[] _declarations;

    public VariantTable(string mechanism, IReadOnlyList<(TVariant Variant, VariantDeclaration Declaration)> rows)
    {
        _mechanism = mechanism;
        _values = new TVariant[rows.Count];
        _declarations = new VariantDeclaration[rows.Count];
        for (var i = 0; i < rows.Count; i++)
            (_values[i], _declarations[i]) = rows[i];
    }

    public IReadOnlyList<VariantDeclaration> Declarations => _declarations;

    /// <summary>Every value of the enum, for the test that each has a row.</summary>
    public IReadOnlyList<TVariant> Values => _values;

    public string NameOf(TVariant variant) => _declarations[IndexOf(variant)].Name;

    /// <summary>The variant a configuration chooses for the mechanism.</summary>
    public TVariant VariantOf(KernelConfig config)
    {
        var name = config.VariantOf(_mechanism);
        for (var i = 0; i < _declarations.Length; i++)
        {
            if (_declarations[i].Name == name)
                return _values[i];
        }
        throw new ArgumentException($"{_mechanism} has no variant '{name}'", nameof(config));
    }

    public KernelConfig With(KernelConfig config, TVariant variant) => config.With(_mechanism, NameOf(variant));

    private int IndexOf(TVariant variant)
    {
        for (var i = 0; i < _values.Length; i++)
        {
            if (Convert.ToInt64(_values[i], System.Globalization.CultureInfo.InvariantCulture) == Convert.ToInt64(variant, System.Globalization.CultureInfo.InvariantCulture))
                return i;
        }
        throw new ArgumentOutOfRangeException(nameof(variant), variant, $"{_mechanism} has no row for it");
    }
}
