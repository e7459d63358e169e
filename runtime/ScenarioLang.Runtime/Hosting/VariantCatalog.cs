using ScenarioLang.Runtime.Kernel.Ioport;
using ScenarioLang.Runtime.Machine;

namespace ScenarioLang.Runtime;

/// <summary>One value a mechanism can take, with the code it models.</summary>
public sealed record VariantValue(string Name, string Models);

/// <summary>A mechanism whose kernel version a scenario chooses, e.g. ioperm.</summary>
public sealed record Mechanism(string Name, IReadOnlyList<VariantValue> Values, string Default);

/// <summary>
/// The names of mechanisms and their variants, as written in files (<c>kernel ioperm = merged</c>) and
/// on the command line (<c>--variant ioperm=merged</c>). The compiler and the CLI both read this table.
/// </summary>
public static class VariantCatalog
{
    public const string IopermMechanism = "ioperm";

    private static readonly (IopermVariant Variant, VariantValue Value)[] IopermValues =
    [
        (IopermVariant.Pre55, new("pre-5.5", "v5.4: bitmap duplicated on fork, TSS cleared on every switch-out")),
        (IopermVariant.V2Patch06, new("v2-06-16", "[patch V2 06/16]: base invalidated on switch-out, only max bytes copied")),
        (IopermVariant.Merged, new("merged", "5.5+: refcounted bitmap shared on fork, sequence/prev_max, iopl emulated")),
        (IopermVariant.Merged55, new("merged-5.5", "merged as released in 5.5: io_bitmap_exit() acts on current (fork-failure leak, fixed in 5.7), CLI/STI under iopl(3) raise #GP")),
    ];

    public static IReadOnlyList<Mechanism> Mechanisms { get; } =
    [
        new(IopermMechanism, IopermValues.Select(v => v.Value).ToArray(), Name(IopermVariant.Merged)),
    ];

    public static Mechanism? Find(string mechanism) => Mechanisms.FirstOrDefault(m => m.Name == mechanism);

    public static string Name(IopermVariant variant) => IopermValues.Single(v => v.Variant == variant).Value.Name;

    public static IopermVariant ParseIoperm(string name) => IopermValues.Single(v => v.Value.Name == name).Variant;

    public static string BaseName(IoBitmapBase value) => value switch
    {
        IoBitmapBase.ValidMap => "valid-map",
        IoBitmapBase.ValidAll => "valid-all",
        _ => "invalid",
    };
}
