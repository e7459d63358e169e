using System.Globalization;
using ScenarioLang.Runtime.Catalog;
using ScenarioLang.Runtime.Kernel.Mm;
using static ScenarioLang.Runtime.Catalog.KernelPoints;

namespace ScenarioLang.Runtime.Mechanisms.PgdSync;

/// <summary>
/// The pause points of fork, clone, exec, exit, vmalloc and touch in the kernel PGD code (seed 003). Each path yields these names
/// in every pgd variant where the code they stand for exists (the description says where that is); indexed points are
/// in a loop over PGD slots (<c>copy_pgd[402]</c>) or over tasks (<c>sync_mm[C]</c>). Every access the paths make is
/// at one of these points, so a schedule the explorer prints can always be written back as <c>until</c>. The names of
/// the shared kernel's own paths and of the points in its own functions (copy_process(), de_thread(), exit_mm()) are
/// the shared kernel's (<see cref="Catalog.KernelPoints"/>); the descriptions are here, with the code they stop.
/// </summary>
public static class PgdPoints
{
    public const string Vmalloc = "vmalloc";
    public const string Touch = "touch";
    public const string TouchIn = "touch_in";

    public const string PgdLock = "pgd_lock";
    public const string CopyPgd = "copy_pgd";
    public const string SetPgd = "set_pgd";
    public const string PgdListAdd = "pgd_list_add";
    public const string PgdListDel = "pgd_list_del";
    public const string PgdUnlock = "pgd_unlock";
    public const string PgdInitLate = "pgd_init_late";
    public const string AllocVmapArea = "alloc_vmap_area";
    public const string VmapAreaUnlock = "vmap_area_unlock";
    public const string PudAlloc = "pud_alloc";
    public const string PopulateLock = "populate_lock";
    public const string PgdPresent = "pgd_present";
    public const string PopulatePgd = "populate_pgd";
    public const string PopulateUnlock = "populate_unlock";
    public const string PgdRef = "pgd_ref";
    public const string SyncGlobalPgds = "sync_global_pgds";
    public const string SyncMm = "sync_mm";
    public const string TaskMm = "task_mm";
    public const string PageTableLock = "page_table_lock";
    public const string CheckPgd = "check_pgd";
    public const string PageTableUnlock = "page_table_unlock";
    public const string WalkPgd = "walk_pgd";
    public const string VmallocFault = "vmalloc_fault";

    public static IReadOnlyList<PausePoint> All { get; } =
    [
        .. PgdAlloc(Fork, "the child's"),
        new(Fork, PgdListDel, "pgd=locked-list, only when the fork fails after copy_mm(): pgd_free() is about to take the new PGD off pgd_list, under pgd_lock"),
        new(Fork, CopyMm, "dup_mm() has built the child's mm; copy_mm() is about to store it in the child's ->mm"),
        new(Fork, TasklistLock, "write_lock_irq(&tasklist_lock): about to take it (a locked instruction, which drains the store buffer) to link the child"),
        new(Fork, LinkTask, "about to link the child on the task list (list_add_tail_rcu(&p->tasks)): from then on for_each_process() can find it"),
        new(Fork, TasklistUnlock, "write_unlock_irq(&tasklist_lock): about to release it, a plain store that stays in the store buffer"),
        InitLatePoint(Fork, "after write_unlock_irq(&tasklist_lock) in copy_process()"),

        .. PgdAlloc(Exec, "the new program's"),
        new(Exec, ExitMm, "a thread de_thread() killed exits: exit_mm() is about to store NULL in its ->mm, under its task_lock"),
        new(Exec, TasklistLock, "de_thread() of a thread that is not the group leader: about to take tasklist_lock to take the leader's place"),
        new(Exec, LinkTask, "de_thread(): list_replace_rcu() is about to put the exec'ing thread on the task list in its leader's place"),
        new(Exec, UnlinkTask, "de_thread(): the old leader is about to leave the task list (the other half of list_replace_rcu())"),
        new(Exec, TasklistUnlock, "de_thread(): about to release tasklist_lock (a buffered store)"),
        new(Exec, TaskLock, "task_lock(tsk) in exec_mmap() (and in exit_mm() of a thread de_thread() killed): about to take alloc_lock"),
        new(Exec, ExecMmap, "exec_mmap(): about to store the new mm in tsk->mm, under task_lock"),
        InitLatePoint(Exec, "right after tsk->mm = mm in exec_mmap(), still under task_lock"),
        new(Exec, TaskUnlock, "exec_mmap(): about to release task_lock (a buffered store); the old mm is put after it"),
        new(Exec, PgdListDel, "pgd=locked-list: the old mm's pgd_free() is about to take its PGD off pgd_list, under pgd_lock"),

        new(Clone, CopyMm, "copy_mm() with CLONE_VM: about to store the shared mm in the new thread's ->mm"),
        new(Clone, TasklistLock, "write_lock_irq(&tasklist_lock): about to take it to add the thread to its thread group"),
        new(Clone, TasklistUnlock, "write_unlock_irq(&tasklist_lock): about to release it, a plain store that stays in the store buffer"),

        new(Exit, TaskLock, "exit_mm(): task_lock(), \"more a memory barrier than a real lock\": about to take alloc_lock"),
        new(Exit, ExitMm, "exit_mm(): about to store NULL in the task's ->mm, under task_lock"),
        new(Exit, TaskUnlock, "exit_mm(): about to release task_lock (a buffered store); mmput() follows"),
        new(Exit, PgdLock, "pgd=locked-list, when the task held the last reference to its mm: pgd_free() is about to take pgd_lock"),
        new(Exit, PgdListDel, "pgd=locked-list: pgd_free() is about to take the PGD off pgd_list, under pgd_lock"),
        new(Exit, PgdUnlock, "pgd=locked-list: pgd_free() is about to release pgd_lock (a buffered store)"),

        new(Vmalloc, AllocVmapArea, "alloc_vmap_area(): about to take vmap_area_lock to carve the area (and a guard page) out of the vmalloc space"),
        new(Vmalloc, VmapAreaUnlock, "alloc_vmap_area(): about to release vmap_area_lock"),
        new(Vmalloc, PudAlloc, "vmap_pud_range() -> pud_alloc(&init_mm): about to load swapper_pg_dir[slot] (pgd_none())", Indexed: true),
        new(Vmalloc, PopulateLock, "__pud_alloc(): the new PUD page is allocated; about to take init_mm.page_table_lock", Indexed: true),
        new(Vmalloc, PgdPresent, "__pud_alloc(): about to load swapper_pg_dir[slot] again under the lock (pgd_present(): did another CPU populate it?)", Indexed: true),
        new(Vmalloc, PopulatePgd, "__pud_alloc() -> pgd_populate(): about to store the new PUD page in swapper_pg_dir[slot], a new kernel PGD entry", Indexed: true),
        new(Vmalloc, PopulateUnlock, "__pud_alloc(): about to release init_mm.page_table_lock (a buffered store)", Indexed: true),
        new(Vmalloc, PgdRef, "vmalloc_sync_all() -> sync_global_pgds(): about to load swapper_pg_dir[slot] (pgd_none(*pgd_ref)), for each slot of the vmalloc space", Indexed: true),
        new(Vmalloc, SyncGlobalPgds, "sync_global_pgds(): about to take pgd_lock for the walk; under the late variants this locked instruction is the full barrier seed 003's comment relies on"),
        new(Vmalloc, SyncMm, "the walk reaches a task: about to load its link on the task list (the late variants), or its PGD's link on pgd_list (locked-list)", Indexed: true),
        new(Vmalloc, TaskLock, "pgd=late-wmb, late-mb and their -intended: task_lock(t) for a thread of the process (find_lock_task_mm(), or for_each_process_thread() in the v2 variants); late-v1 takes no lock", Indexed: true),
        new(Vmalloc, TaskMm, "the late variants: about to load t->mm, under task_lock but in late-v1", Indexed: true),
        new(Vmalloc, PageTableLock, "about to take the mm's page_table_lock (\"the pgt_lock is only used by Xen\")", Indexed: true),
        new(Vmalloc, CheckPgd, "about to load the mm's PGD entry (pgd_none(*pgd)): the slot's, or entry 0 in the late variants as posted (late-v1, late-wmb, late-mb)", Indexed: true),
        new(Vmalloc, SetPgd, "about to store swapper_pg_dir's entry into the mm's PGD (set_pgd())", Indexed: true),
        new(Vmalloc, PageTableUnlock, "about to release the mm's page_table_lock (a buffered store)", Indexed: true),
        new(Vmalloc, TaskUnlock, "pgd=late-wmb, late-mb and their -intended: about to release the thread's task_lock (a buffered store)", Indexed: true),
        new(Vmalloc, PgdUnlock, "sync_global_pgds(): about to release pgd_lock (a buffered store)"),

        .. TouchPoints(Touch),
        .. TouchPoints(TouchIn),
    ];

    /// <summary>The subscript of a point in a loop over PGD slots: <c>402</c> in <c>copy_pgd[402]</c>.</summary>
    public static string Slot(int slot) => Slots[slot];

    // Made once: every PGD made loads swapper_pg_dir's vmalloc slots, each a point subscripted by its slot.
    private static readonly string[] Slots = [.. Enumerable.Range(0, PagingLayout.PtrsPerTable).Select(s => s.ToString(CultureInfo.InvariantCulture))];

    // The points of pgd_alloc() for an mm and of the copy of swapper_pg_dir's kernel entries, which fork and exec share.
    internal static PausePoint[] PgdAlloc(string step, string whose) =>
    [
        new(step, PgdLock, $"pgd=locked-list: pgd_alloc() is about to take pgd_lock (a locked instruction) to fill {whose} PGD and put it on pgd_list"),
        new(step, CopyPgd, $"about to load swapper_pg_dir[slot] to copy it into {whose} PGD: pgd_ctor() under pgd_lock (locked-list), arch_pgd_init_late() (the late variants)", Indexed: true),
        new(step, SetPgd, $"about to store the present entry just loaded into {whose} PGD", Indexed: true),
        new(step, PgdListAdd, $"pgd=locked-list: pgd_ctor() -> pgd_list_add(): about to put {whose} PGD on pgd_list"),
        new(step, PgdUnlock, "pgd=locked-list: about to release pgd_lock (a buffered store)"),
    ];

    /// <summary>pgd_free() of an mm another mechanism's step drops (<see cref="MmLifetime"/>).</summary>
    internal static PausePoint[] PgdFree(string step, string whose) =>
    [
        new(step, PgdLock, $"pgd=locked-list: {whose} pgd_free() is about to take pgd_lock"),
        new(step, PgdListDel, $"pgd=locked-list: pgd_free() is about to take {whose} PGD off pgd_list"),
        new(step, PgdUnlock, "pgd=locked-list: about to release pgd_lock (a buffered store)"),
    ];

    // The page walk of a kernel access and the vmalloc_fault() of its #PF, in process context (touch) or another (touch_in).
    private static PausePoint[] TouchPoints(string step) =>
    [
        new(step, WalkPgd, "the page walk is about to read the PGD entry for the address in the active mm (swapper_pg_dir in kernel context)"),
        new(step, VmallocFault, "the entry was none: #PF, and vmalloc_fault() is about to load swapper_pg_dir[slot] (pgd_none(*pgd_ref))", Indexed: true),
        new(step, CheckPgd, "vmalloc_fault(): about to load the active mm's entry again (pgd_none(*pgd)): a sync_global_pgds() may have set it meanwhile"),
        new(step, SetPgd, "vmalloc_fault(): about to copy swapper_pg_dir's entry into the active mm's PGD (set_pgd(pgd, *pgd_ref))"),
        new(step, Iret, "vmalloc_fault() fixed the entry: about to return from the #PF with IRET, which waits for the store buffer to drain; the access then retries"),
    ];

    private static PausePoint InitLatePoint(string step, string where) =>
        new(step, PgdInitLate, $"the late variants: arch_pgd_init_late() {where}, at its barrier: smp_wmb() (late-v1, late-wmb) is only a compiler barrier on x86 (no access), smp_mb() an mfence that waits for the store buffer to drain");
}
