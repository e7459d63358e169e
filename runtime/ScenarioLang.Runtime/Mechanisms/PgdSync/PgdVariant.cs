namespace ScenarioLang.Runtime.Mechanisms.PgdSync;

/// <summary>The versions of the kernel-PGD synchronisation a scenario can run against (seed 003).</summary>
public enum PgdVariant
{
    /// <summary>pgd=locked-list: mainline (v4.2), every PGD on pgd_list under pgd_lock.</summary>
    LockedList,
    /// <summary>pgd=late-wmb: Ingo Molnar's lockless pgd_alloc() series, v2 (June 2015) as posted: smp_wmb(), and the walk syncs PGD entry 0.</summary>
    LateWmb,
    /// <summary>pgd=late-mb: the same series, v3 (September 2015, seed 003) as posted: smp_mb(), and the walk syncs PGD entry 0.</summary>
    LateMb,
    /// <summary>pgd=late-v1: v1 of the series (June 2015) as posted: v2 without task_lock() around the walker's p->mm.</summary>
    LateV1,
    /// <summary>pgd=late-wmb-intended: v2 with the walk on pgd_index(address), as the patch meant it; never posted.</summary>
    LateWmbIntended,
    /// <summary>pgd=late-mb-intended: v3 with the walk on pgd_index(address), as the patch meant it; never posted.</summary>
    LateMbIntended,
}
