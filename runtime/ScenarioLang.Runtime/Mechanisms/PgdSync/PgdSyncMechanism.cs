using ScenarioLang.Runtime.Catalog;
using ScenarioLang.Runtime.Kernel;

namespace ScenarioLang.Runtime.Mechanisms.PgdSync;

/// <summary>
/// The kernel half of the page tables (seed 003): how every mm's PGD gets swapper_pg_dir's kernel entries, at
/// pgd_alloc() and when vmalloc() adds one (sync_global_pgds()), declared once for the language, the trace and the docs.
/// </summary>
public static class PgdSyncMechanism
{
    public const string Name = "pgd";

    public static VariantTable<PgdVariant> Variants { get; } = new(Name,
    [
        (PgdVariant.LockedList, new("locked-list", "mainline (v4.2): pgd_alloc() copies swapper_pg_dir's kernel entries and joins pgd_list under pgd_lock; sync_global_pgds() walks pgd_list")),
        (PgdVariant.LateV1, new("late-v1", "v1 of \"x86/mm: Implement lockless pgd_alloc()/pgd_free()\" (June 2015) as posted (from v2's v1->v2 interdiff): smp_wmb(), and sync_global_pgds() reads each thread's p->mm without task_lock(); the walk syncs PGD entry 0")),
        (PgdVariant.LateWmb, new("late-wmb", "[PATCH 00/12, v2] (June 2015) as posted: lockless pgd_alloc(), arch_pgd_init_late() once the task is on the task list, after smp_wmb(), a compiler barrier on x86; the walk's pgd = mm->pgd syncs PGD entry 0, the user half")),
        (PgdVariant.LateMb, new("late-mb", "[PATCH 00/11] (September 2015, seed 003) as posted: arch_pgd_init_late() after smp_mb(); the walk syncs PGD entry 0 as in v2")),
        (PgdVariant.LateWmbIntended, new("late-wmb-intended", "v2 with the walk on pgd_index(address), as the patch meant: never posted")),
        (PgdVariant.LateMbIntended, new("late-mb-intended", "v3 with the walk on pgd_index(address), as the patch meant: never posted")),
    ]);

    /// <summary>A vmalloc of more than the model's 4 GiB of RAM fails before it walks a page, as the kernel's does.</summary>
    private const long MostVmallocPages = 1 << 20;

    public static MechanismDeclaration Declaration { get; } = new(
        Name,
        "kernel PGD entries: pgd_alloc(), pgd_list and sync_global_pgds()",
        Variants.Declarations,
        Variants.NameOf(PgdVariant.LockedList),
        [
            new(PgdPoints.Vmalloc, StepForm.Call, [new("size", ParameterKind.Number, typeof(long), Min: 1, Max: long.MaxValue) { Units = true, RangeMeaning = "a size is from 1 byte, e.g. 4 MiB", WalksPages = true, MostPages = MostVmallocPages }],
                ResultKind.NewArea, "VmallocStep", "mm/vmalloc.c: __vmalloc_node_range(), then the caller's vmalloc_sync_all(), as alloc_vm_area() did until 3.2") { RunsWithoutTask = true },
            new(PgdPoints.Touch, StepForm.Instruction, [new("area", ParameterKind.Area, typeof(string))], ResultKind.Fault, "TouchStep",
                "a kernel access to the area through the current page tables; a none PGD entry is a #PF, which arch/x86/mm/fault.c: vmalloc_fault() (v4.2) fixes from swapper_pg_dir: #PF when it cannot") { RunsWithoutTask = true, Fault = Outcome.PageFault },
            new(PgdPoints.TouchIn, StepForm.Call, [new("area", ParameterKind.Area, typeof(string)), new("context", ParameterKind.Flags, typeof(int)) { Flags = FaultContexts.Names }], ResultKind.Fault, "TouchInStep",
                "the same access in a context: NMI (vmalloc_fault()'s WARN_ON_ONCE(in_nmi())), SYSCALL_ENTRY (before the stack switch: the #PF frame goes on the user's stack), with SMAP a double fault") { RunsWithoutTask = true, Fault = Outcome.PageFault },
        ],
        [
            new("pgd", null, PropertyArgument.Task, PropertyType.Object, nameof(PgdObservations.PgdEntry), "what the task's PGD entry for a vmalloc area points to (a pud page), or none",
                PropertyIndex.Area, ReadsMm: true, Owner: typeof(PgdObservations)),
            new("machine", "vmalloc_faults", PropertyArgument.None, PropertyType.Count, nameof(PgdObservations.VmallocFaults), "kernel #PFs vmalloc_fault() fixed by copying swapper_pg_dir's entry (or finding it set), since boot",
                Owner: typeof(PgdObservations)),
            new("swapper_pg_dir", null, PropertyArgument.None, PropertyType.Object, nameof(PgdObservations.KernelPgdEntry), "the same entry in the kernel's reference PGD (init_mm)",
                PropertyIndex.Area, Owner: typeof(PgdObservations)),
        ],
        [],
        PgdPoints.All,
        CostDeclaration.None)
    {
        Hooks = Create,
        PgdAllocPoints = made => PgdPoints.PgdAlloc(made.Step, made.Whose),
        PgdFreePoints = dropped => PgdPoints.PgdFree(dropped.Step, dropped.Whose),
    };

    /// <summary>The configuration with <paramref name="variant"/> for pgd and the others' variants unchanged.</summary>
    public static KernelConfig With(this KernelConfig config, PgdVariant variant) => Variants.With(config, variant);

    /// <summary>The kernel's PGD code in the configured version.</summary>
    internal static PgdModel Create(LinuxKernel kernel) => Variants.VariantOf(kernel.Config) switch
    {
        PgdVariant.LockedList => new LockedListPgd(kernel),
        PgdVariant.LateV1 or PgdVariant.LateWmb or PgdVariant.LateMb or PgdVariant.LateWmbIntended or PgdVariant.LateMbIntended =>
            new LatePgd(kernel, Variants.VariantOf(kernel.Config)),
        var other => throw new System.Diagnostics.UnreachableException($"pgd variant {other}"),
    };
}
