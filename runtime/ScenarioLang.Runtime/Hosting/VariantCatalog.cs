using ScenarioLang.Runtime.Kernel.Ioport;
using ScenarioLang.Runtime.Kernel.Mm;
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
    public const string PgdMechanism = "pgd";
    public const string PtshareMechanism = "ptshare";

    private static readonly (IopermVariant Variant, VariantValue Value)[] IopermValues =
    [
        (IopermVariant.Pre55, new("pre-5.5", "v5.4: bitmap duplicated on fork, TSS cleared on every switch-out")),
        (IopermVariant.V2Patch06, new("v2-06-16", "[patch V2 06/16]: base invalidated on switch-out, only max bytes copied")),
        (IopermVariant.Merged, new("merged", "5.5+: refcounted bitmap shared on fork, sequence/prev_max, iopl emulated")),
        (IopermVariant.Merged55, new("merged-5.5", "merged as released in 5.5: io_bitmap_exit() acts on current (fork-failure leak, fixed in 5.7), CLI/STI under iopl(3) raise #GP")),
    ];

    private static readonly (PgdVariant Variant, VariantValue Value)[] PgdValues =
    [
        (PgdVariant.LockedList, new("locked-list", "mainline (v4.2): pgd_alloc() copies swapper_pg_dir's kernel entries and joins pgd_list under pgd_lock; sync_global_pgds() walks pgd_list")),
        (PgdVariant.LateWmb, new("late-wmb", "[PATCH 00/12, v2] (June 2015): lockless pgd_alloc(), arch_pgd_init_late() once the task is on the task list, after smp_wmb(), a compiler barrier on x86")),
        (PgdVariant.LateMb, new("late-mb", "[PATCH 00/11] (September 2015, seed 003): arch_pgd_init_late() after smp_mb()")),
    ];

    private static readonly (PtshareVariant Variant, VariantValue Value)[] PtshareValues =
    [
        (PtshareVariant.Off, new("off", "mainline: no page-table sharing; every mapper has its own PTE pages")),
        (PtshareVariant.RfcV2, new("rfc-v2", "[PATCH RFC v2 3/4] (April 2023, seed 004): host mm and ptshare_data made, looked up and freed without a lock")),
        (PtshareVariant.Locked, new("locked", "RFC v2 with the fix of Karim Manaouil's review: lookup, creation and removal under the i_mmap lock, ptshare_data cleared before the free")),
    ];

    public static IReadOnlyList<Mechanism> Mechanisms { get; } =
    [
        new(IopermMechanism, IopermValues.Select(v => v.Value).ToArray(), Name(IopermVariant.Merged)),
        new(PgdMechanism, PgdValues.Select(v => v.Value).ToArray(), Name(PgdVariant.LockedList)),
        new(PtshareMechanism, PtshareValues.Select(v => v.Value).ToArray(), Name(PtshareVariant.Off)),
    ];

    public static Mechanism? Find(string mechanism) => Mechanisms.FirstOrDefault(m => m.Name == mechanism);

    public static string Name(IopermVariant variant) => IopermValues.Single(v => v.Variant == variant).Value.Name;

    public static IopermVariant ParseIoperm(string name) => IopermValues.Single(v => v.Value.Name == name).Variant;

    public static string Name(PgdVariant variant) => PgdValues.Single(v => v.Variant == variant).Value.Name;

    public static PgdVariant ParsePgd(string name) => PgdValues.Single(v => v.Value.Name == name).Variant;

    public static string Name(PtshareVariant variant) => PtshareValues.Single(v => v.Variant == variant).Value.Name;

    public static PtshareVariant ParsePtshare(string name) => PtshareValues.Single(v => v.Value.Name == name).Variant;

    public static string BaseName(IoBitmapBase value) => value switch
    {
        IoBitmapBase.ValidMap => "valid-map",
        IoBitmapBase.ValidAll => "valid-all",
        _ => "invalid",
    };
}
