namespace ScenarioLang.Runtime.Mechanisms.PgdSync;

/// <summary>The versions of the kernel-PGD synchronisation a scenario can run against (seed 003).</summary>
public enum PgdVariant
{
    /// <summary>pgd=locked-list: mainline (v4.2), every PGD on pgd_list under pgd_lock.</summary>
    LockedList,
    /// <summary>pgd=late-wmb: Ingo Molnar's lockless pgd_alloc() series, v2 (June 2015), arch_pgd_init_late() with smp_wmb().</summary>
    LateWmb,
    /// <summary>pgd=late-mb: the same series, v3 (September 2015, seed 003), with smp_mb().</summary>
    LateMb,
}
