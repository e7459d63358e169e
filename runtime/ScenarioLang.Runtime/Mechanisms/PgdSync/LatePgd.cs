using ScenarioLang.Runtime.Catalog;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Scheduling;

namespace ScenarioLang.Runtime.Mechanisms.PgdSync;

/// <summary>
/// Ingo Molnar's "x86/mm: Implement lockless pgd_alloc()/pgd_free()": pgd_list is gone, pgd_alloc() leaves the kernel
/// part zero ([PATCH 12/12] "Simplify pgd_alloc()"), and arch_pgd_init_late() copies swapper_pg_dir's entries once the
/// new mm can be found through the task list, which sync_global_pgds() now walks. It is the store-buffering shape:
/// fork stores the task's link and then loads swapper_pg_dir[i]; vmalloc stores swapper_pg_dir[i] and then loads the
/// link. Three postings of it:
/// <list type="bullet">
/// <item><see cref="PgdVariant.LateV1"/>, v1 (June 2015): smp_wmb(); sync_global_pgds() walks
/// for_each_process_thread() reading p->mm with no lock (<c>if (!p->mm) continue; pgd = p->mm->pgd;</c>). v1 itself
/// is not in the archive read for this model: its code is the "-" side of the "-v1 => -v2 interdiff" in v2's cover
/// letter ("[PATCH 00/12, v2]", 13 June 2015: "most of the changes relate to locking the task before looking at
/// tsk->mm").</item>
/// <item><see cref="PgdVariant.LateWmb"/>, v2 of 13 June 2015: smp_wmb() between the two, which on x86 only stops the
/// compiler, so the link can still sit in the store buffer while the load runs; sync_global_pgds() walks
/// for_each_process_thread() with task_lock() on each thread.</item>
/// <item><see cref="PgdVariant.LateMb"/>, v3 of 22 September 2015 (seed 003): smp_mb(), an mfence; sync_global_pgds()
/// walks for_each_process() and find_lock_task_mm().</item>
/// </list>
/// All three, as posted ([PATCH 02/12] and [PATCH 02/11] "x86/mm/hotplug: Remove pgd_list use from the memory hotplug
/// code", read in the linux-mm archive), write <c>pgd = mm->pgd;</c> (v1: <c>p->mm->pgd</c>) where the pgd_list code had
/// <c>(pgd_t *)page_address(page) + pgd_index(address)</c>: the walk checks and sets PGD entry 0, the first 512 GiB of
/// the user half, whatever the address. <see cref="PgdVariant.LateWmbIntended"/> and
/// <see cref="PgdVariant.LateMbIntended"/> are v2 and v3 with <c>+ pgd_index(address)</c>, as the patch meant: code
/// never posted, kept so the barrier question can be asked apart from the indexing bug.
/// </summary>
public sealed class LatePgd : PgdModel
{
    private readonly PgdVariant _variant;

    public LatePgd(LinuxKernel kernel, PgdVariant variant) : base(kernel)
    {
        if (variant is not (PgdVariant.LateV1 or PgdVariant.LateWmb or PgdVariant.LateMb or PgdVariant.LateWmbIntended or PgdVariant.LateMbIntended))
            throw new ArgumentOutOfRangeException(nameof(variant), variant, "not a release of the lockless series");
        _variant = variant;
    }

    /// <summary>v3's smp_mb(); v1's and v2's smp_wmb() is a compiler barrier only.</summary>
    private bool FullBarrier => _variant is PgdVariant.LateMb or PgdVariant.LateMbIntended;

    /// <summary>v3 walks for_each_process() and syncs the mm of find_lock_task_mm(); v1 and v2 every thread's.</summary>
    private bool FirstThreadWithMm => FullBarrier;

    /// <summary>v2 and v3 read t->mm under task_lock(t); v1 reads p->mm with no lock.</summary>
    private bool TaskLocked => _variant != PgdVariant.LateV1;

    /// <summary>The postings' <c>pgd = mm->pgd;</c>: entry 0 for every address; the intended code's pgd_index(address).</summary>
    private bool AsPosted => _variant is not (PgdVariant.LateWmbIntended or PgdVariant.LateMbIntended);

    // arch/x86/mm/pgtable.c: pgd_alloc() after [PATCH 10/12] and [PATCH 12/12]: no lock, no pgd_list, and the kernel
    // part memset() to zero, which on the zeroed page changes nothing: "we'll set them up in arch_pgd_init_late()".
    public override IEnumerable<InterleavingPoint> PgdAlloc(MmStruct mm, string owner)
    {
        NewPgd(mm, owner);
        yield break;
    }

    // arch/x86/mm/pgtable.c: arch_pgd_init_late(), called after "tsk->mm = mm" became visible (fork: the task is on the
    // task list; exec: under task_lock)
    public override IEnumerable<InterleavingPoint> PgdInitLate(TaskStruct tsk, MmStruct mm)
    {
        // "This barrier makes sure the MM is visible to new RCU walkers before we read and initialize the pagetables
        // below, so that we don't miss updates". smp_wmb() accesses nothing; a point of no access is a preemption point
        // in the scheduling model, which the explorer does not take under exec's task_lock(): a path holding a lock is
        // not preemptible.
        yield return FullBarrier
            ? InterleavingPoint.Fence(PgdPoints.PgdInitLate)
            : InterleavingPoint.Preemptible(PgdPoints.PgdInitLate);
        // "if (!pgd_none(*pgd_src)) set_pgd(pgd_dst, *pgd_src);" for each kernel entry, without a lock
        var copied = new List<int>();
        foreach (var point in CopyKernelEntries(mm.Pgd!, copied))
            yield return point;
        var barrier = FullBarrier ? "smp_mb() (mfence)" : "smp_wmb() (only a compiler barrier on x86)";
        Log.Note($"arch_pgd_init_late({mm}) for {tsk}: {barrier}, then swapper_pg_dir's entries {Slots(copied)} copied");
    }

    // arch/x86/mm/init_64.c: sync_global_pgds() of the series: rcu_read_lock() and pgd_lock, then for each process
    // find_lock_task_mm(g) (v3), or each thread under task_lock() (v2), or each thread's p->mm unlocked (v1), and the
    // mm it has.
    protected override IEnumerable<InterleavingPoint> WalkMms(int slot, long reference, SyncReport report)
    {
        var target = AsPosted ? 0 : slot;
        // The task list grows at its tail while it is walked (RCU), so it is read slot by slot: a task linked meanwhile
        // is reached, and then counts if its link is visible to this CPU.
        for (var i = 0; Kernel.Processes.TryGet(i, out var g) && !report.Oopsed; i++)
        {
            var link = InterleavingPoint.Load(PgdPoints.SyncMm, g.TasksLink, g.Name);
            yield return link;
            if (link.Value == 0)
            {
                report.Skipped(g.Name, "not on the task list");
                continue;
            }
            var found = false;
            foreach (var t in ThreadsOf(g))
            {
                if (TaskLocked)
                    yield return InterleavingPoint.Lock(KernelPoints.TaskLock, t.AllocLock, t.Name);
                // v1: "if (!p->mm) continue; pgd = p->mm->pgd; pgt_lock = &p->mm->page_table_lock;" with nothing
                // between the reads that stops the compiler merging them: one load, as the model assumes.
                var mm = InterleavingPoint.Load(PgdPoints.TaskMm, t.MmField, t.Name);
                yield return mm;
                if (mm.Value != 0)
                {
                    found = true;
                    foreach (var point in SyncMm(t.Name, (MmStruct)Heap.Lookup(mm.Value)!, slot, target, reference, report))
                        yield return point;
                }
                if (TaskLocked)
                    yield return InterleavingPoint.Unlock(KernelPoints.TaskUnlock, t.AllocLock, t.Name);
                // find_lock_task_mm() returns the first thread with an mm; for_each_process_thread() goes on.
                if ((found && FirstThreadWithMm) || report.Oopsed)
                    break;
            }
            if (!found)
                report.Skipped(g.Name, "no mm");
        }
    }

    // for_each_thread(g, t): the thread group's list, without the threads that exited (release_task() unhashed them).
    private static List<TaskStruct> ThreadsOf(TaskStruct g) => [.. g.Threads.Where(t => t.State != TaskState.Dead)];
}
