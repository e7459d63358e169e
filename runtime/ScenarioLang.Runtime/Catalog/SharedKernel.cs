using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Kernel.Mm;

namespace ScenarioLang.Runtime.Catalog;

/// <summary>
/// The part of the language every scenario has whatever mechanisms it uses: the shared kernel's steps (tasks, address
/// spaces, the memory instructions), its properties and the objects it allocates. Mechanisms add theirs to these.
/// </summary>
public static class SharedKernel
{
    public static IReadOnlyList<StepDeclaration> Steps { get; } =
    [
        new(KernelPoints.Fork, "fork -> CHILD", "kernel/fork.c: copy_process() for fork(): a new process with a copy of the address space"),
        new(KernelPoints.Clone, "clone -> CHILD", "kernel/fork.c: copy_process() for clone(CLONE_VM | CLONE_THREAD | …): a new thread"),
        new(KernelPoints.Exec, "exec", "fs/exec.c: do_execve(): de_thread(), then exec_mmap() with a new mm"),
        new(KernelPoints.Exit, "exit", "kernel/exit.c: do_exit()"),
        new("setresuid", "setresuid(ruid, euid, suid)", "kernel/sys.c: __sys_setresuid()"),
        new(KernelPoints.Mmap, "mmap(addr, length, prot, flags, file | -1, offset) -> ADDRESS", "mm/mmap.c: do_mmap()"),
        new(KernelPoints.Munmap, "munmap(addr, length)", "mm/mmap.c: do_vmi_munmap()"),
        new(KernelPoints.Read, "read(addr, length)", "a user-mode read of every page of the range, faulting them in (mm/memory.c: handle_mm_fault())"),
        new(KernelPoints.Write, "write(addr, length)", "a user-mode write of every page of the range, faulting them in (mm/memory.c: handle_mm_fault())"),
        new("store", "store WORD = VALUE", "a user-mode MOV to memory, through the CPU's store buffer"),
        new("load", "load WORD -> REGISTER", "a user-mode MOV from memory"),
        new("xchg", "xchg WORD = VALUE -> REGISTER", "a locked exchange, which drains the store buffer"),
        new("mfence", "mfence", "a full fence, which drains the store buffer"),
    ];

    public static IReadOnlyList<PropertyDeclaration> Properties { get; } =
    [
        new("task", "uid", PropertyArgument.Task, PropertyType.Count, nameof(Observations.TaskUid), "the task's real uid"),
        new("faults", null, PropertyArgument.Task, PropertyType.Count, nameof(Observations.TaskFaults), "page faults the task took, minor and major (min_flt + maj_flt)"),
        new("faults", "minor", PropertyArgument.Task, PropertyType.Count, nameof(Observations.TaskMinorFaults), "page faults handled without I/O (task_struct min_flt)"),
        new("faults", "major", PropertyArgument.Task, PropertyType.Count, nameof(Observations.TaskMajorFaults), "page faults that needed I/O or a retry (maj_flt; 0 in the model, which keeps every page in memory)"),
        new("mm", null, PropertyArgument.Task, PropertyType.Object, nameof(Observations.Mm), "the task's address space (struct mm_struct), shared by its threads"),
        new("mm", "users", PropertyArgument.Task, PropertyType.Count, nameof(Observations.MmUsers), "tasks using the mm (mm_users)", ReadsMm: true),
        new("pagetables", "pte", PropertyArgument.Task, PropertyType.Bytes, nameof(Observations.PteBytes), "bytes of PTE pages the task's mm allocated and holds", ReadsMm: true),
        new("pagetables", "pmd", PropertyArgument.Task, PropertyType.Bytes, nameof(Observations.PmdBytes), "bytes of PMD pages the task's mm allocated and holds", ReadsMm: true),
        new("pagetables", "pud", PropertyArgument.Task, PropertyType.Bytes, nameof(Observations.PudBytes), "bytes of PUD pages the task's mm allocated and holds", ReadsMm: true),
        new("machine", "live_mms", PropertyArgument.None, PropertyType.Count, nameof(Observations.LiveMms), "mm_structs allocated and not freed"),
        new("machine", "pte_bytes", PropertyArgument.None, PropertyType.Bytes, nameof(Observations.TotalPteBytes), "bytes of every live user PTE page"),
        new("machine", "pmd_bytes", PropertyArgument.None, PropertyType.Bytes, nameof(Observations.TotalPmdBytes), "bytes of every live user PMD page"),
        new("machine", "pud_bytes", PropertyArgument.None, PropertyType.Bytes, nameof(Observations.TotalPudBytes), "bytes of every live user PUD page"),
    ];

    /// <summary>The PROT_ names mmap's prot argument takes, by value.</summary>
    public static IReadOnlyDictionary<string, int> ProtFlags => Mman.ProtNames;

    /// <summary>The MAP_ names mmap's flags argument takes, by value.</summary>
    public static IReadOnlyDictionary<string, int> MapFlags => Mman.MapNames;

    public static IReadOnlyList<ObjectKindDeclaration> ObjectKinds { get; } =
    [
        new(MmStruct.KindName, "struct mm_struct, an address space"),
        new(PgdTable.KindName, "a PGD page, the top of an address space's page tables"),
        new(PageTable.PudKind, "a PUD page"),
        new(PageTable.PmdKind, "a PMD page"),
        new(PageTable.PteKind, "a PTE page"),
    ];
}

/// <summary>
/// The names of the shared kernel's own paths (fork, exec, exit, mmap…) and of the points in its own functions
/// (copy_process(), de_thread(), exec_mmap(), exit_mm()), as <c>until</c> names them. The mechanisms whose code runs in
/// those paths declare the points' descriptions (PgdSync: seed 003 made them explorable), with these names.
/// </summary>
public static class KernelPoints
{
    public const string Fork = "fork";
    public const string Clone = "clone";
    public const string Exec = "exec";
    public const string Exit = "exit";
    public const string Mmap = "mmap";
    public const string Munmap = "munmap";
    public const string Read = "read";
    public const string Write = "write";

    /// <summary>copy_mm(): <c>tsk->mm = mm</c>.</summary>
    public const string CopyMm = "copy_mm";
    /// <summary>write_lock_irq(&amp;tasklist_lock) in copy_process() and de_thread().</summary>
    public const string TasklistLock = "tasklist_lock";
    /// <summary>list_add_tail_rcu(&amp;p->tasks, …), or de_thread()'s list_replace_rcu() putting the new leader on.</summary>
    public const string LinkTask = "link_task";
    /// <summary>de_thread()'s list_replace_rcu() taking the old leader off.</summary>
    public const string UnlinkTask = "unlink_task";
    /// <summary>write_unlock_irq(&amp;tasklist_lock).</summary>
    public const string TasklistUnlock = "tasklist_unlock";
    /// <summary>task_lock() in exec_mmap() and exit_mm().</summary>
    public const string TaskLock = "task_lock";
    /// <summary>task_unlock().</summary>
    public const string TaskUnlock = "task_unlock";
    /// <summary>exec_mmap(): <c>tsk->mm = mm</c>.</summary>
    public const string ExecMmap = "exec_mmap";
    /// <summary>exit_mm(): <c>current->mm = NULL</c>.</summary>
    public const string ExitMm = "exit_mm";
}
