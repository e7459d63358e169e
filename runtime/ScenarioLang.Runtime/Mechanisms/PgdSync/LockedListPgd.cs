using ScenarioLang.Runtime.Kernel.Mm;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Mechanisms.PgdSync;

/// <summary>
/// Mainline x86-64 as of v4.2 (arch/x86/mm/pgtable.c, init_64.c): pgd_alloc() copies swapper_pg_dir's kernel part and
/// puts the PGD on pgd_list in one pgd_lock section, and sync_global_pgds() walks pgd_list under the same lock. So a
/// PGD is either filled after a new kernel entry is in swapper_pg_dir, or on the list before the walk: never neither.
/// The price is one global lock on every fork, exec and exit (Waiman Long's contention report that started the series).
/// </summary>
public sealed class LockedListPgd(LinuxKernel kernel) : PgdModel(kernel)
{
    // Every PGD ever allocated, in order; pgd_list is those whose page->lru word is 1.
    private readonly TrackedList<PgdTable> _pgds = new(kernel.Heap.Tracker, new("pgd_list.pages"));

    // arch/x86/mm/pgtable.c: pgd_alloc(): _pgd_alloc(), then pgd_ctor() under pgd_lock (no PMDs to preallocate on 64-bit)
    public override IEnumerable<InterleavingPoint> PgdAlloc(MmStruct mm, string owner)
    {
        var pgd = NewPgd(mm, owner);
        _pgds.Add(pgd);
        // "Make sure that pre-populating the pmds is atomic with respect to anything walking the pgd_list, so that
        // they never see a partially populated pgd."
        yield return InterleavingPoint.Lock(PgdPoints.PgdLock, PgdLock);
        // pgd_ctor(): clone_pgd_range() of the kernel part, then, since SHARED_KERNEL_PMD is 0 on 64-bit,
        // pgd_set_mm() and pgd_list_add().
        foreach (var point in CopyKernelEntries(pgd, []))
            yield return point;
        yield return InterleavingPoint.Store(PgdPoints.PgdListAdd, pgd.Lru, 1);
        yield return InterleavingPoint.Unlock(PgdPoints.PgdUnlock, PgdLock);
    }

    // arch/x86/mm/pgtable.c: pgd_dtor(): pgd_list_del() under pgd_lock
    protected override IEnumerable<InterleavingPoint> PgdDtor(PgdTable pgd)
    {
        yield return InterleavingPoint.Lock(PgdPoints.PgdLock, PgdLock);
        yield return InterleavingPoint.Store(PgdPoints.PgdListDel, pgd.Lru, 0);
        yield return InterleavingPoint.Unlock(PgdPoints.PgdUnlock, PgdLock);
    }

    protected override void Prepopulated(PgdTable pgd)
    {
        _pgds.Add(pgd);
        Memory.Initialize(pgd.Lru, 1);
    }

    // arch/x86/mm/init_64.c: sync_global_pgds(): list_for_each_entry(page, &pgd_list, lru), each PGD under
    // pgd_page_get_mm(page)->page_table_lock
    protected override IEnumerable<InterleavingPoint> WalkMms(int slot, long reference, SyncReport report)
    {
        // pgd_lock is held, and only its holders add to or take from pgd_list, so the PGDs that can be on it are those
        // alive now; one still being set up is not on it yet, and its pgd_ctor() will find the new entry.
        foreach (var pgd in _pgds.Where(p => !p.Freed).ToList())
        {
            var owner = pgd.Owner!;
            var link = InterleavingPoint.Load(PgdPoints.SyncMm, pgd.Lru, owner);
            yield return link;
            if (link.Value == 0)
            {
                report.Skipped(owner, "its PGD is not on pgd_list yet");
                continue;
            }
            foreach (var point in SyncMm(owner, pgd.Mm!, slot, slot, reference, report))
                yield return point;
        }
    }
}
