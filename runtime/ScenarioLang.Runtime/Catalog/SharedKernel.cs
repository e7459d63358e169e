using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Kernel.Mm;
using ScenarioLang.Runtime.Scheduling;

namespace ScenarioLang.Runtime.Catalog;

/// <summary>
/// The part of the language every scenario has whatever mechanisms it uses: the shared kernel's steps (tasks, address
/// spaces, the memory instructions), its properties and the objects it allocates. Mechanisms add theirs to these.
/// </summary>
public static class SharedKernel
{
    // The declarations below come before Steps, whose initializer reads them.

    /// <summary>kernel/fork.c: the failures a scenario can inject into copy_process() (<c>fork failing at alloc_pid</c>).</summary>
    public static IReadOnlyList<string> ForkFaultPoints { get; } = ["alloc_pid"];

    private static ParameterDeclaration Uid(string name) =>
        new(name, ParameterKind.Number, typeof(uint), Max: uint.MaxValue) { RangeMeaning = "a uid is from 0 to 0xffffffff (0xffffffff leaves it unchanged)" };

    // One byte unless a length is given: the page holding the address.
    private static readonly ParameterDeclaration[] AccessParameters =
        [new("addr", ParameterKind.Address, typeof(ulong)), new("length", ParameterKind.Number, typeof(ulong), Min: 1) { Units = true, Default = 1, RangeMeaning = "a length is from 1 byte", WalksPages = true }];

    private static readonly ParameterDeclaration SharedWord = new("word", ParameterKind.SharedWord, typeof(string));

    private static readonly ParameterDeclaration StoredValue = new("value", ParameterKind.Number, typeof(long), Max: long.MaxValue) { RangeMeaning = "a value is a whole number up to 2^63 - 1" };

    public static IReadOnlyList<StepDeclaration> Steps { get; } =
    [
        new(KernelPoints.Fork, StepForm.Call, [], ResultKind.NewTask, "NewTaskStep", "kernel/fork.c: copy_process() for fork(): a new process with a copy of the address space")
            { Fixed = [false], Effect = StepEffect.CreatesProcess, FaultPoints = ForkFaultPoints },
        new(KernelPoints.Clone, StepForm.Call, [], ResultKind.NewTask, "NewTaskStep", "kernel/fork.c: copy_process() for clone(CLONE_VM | CLONE_THREAD | …): a new thread")
            { Fixed = [true], Effect = StepEffect.CreatesThread, FaultPoints = ForkFaultPoints },
        new(KernelPoints.Exec, StepForm.Call, [], ResultKind.ReturnValue, "ExecStep", "fs/exec.c: do_execve(): de_thread(), then exec_mmap() with a new mm") { Effect = StepEffect.ReplacesProgram },
        new(KernelPoints.Exit, StepForm.Call, [], ResultKind.NoReturn, "ExitStep", "kernel/exit.c: do_exit()") { Effect = StepEffect.EndsTask },
        new("setresuid", StepForm.Call, [Uid("ruid"), Uid("euid"), Uid("suid")], ResultKind.ReturnValue, "SetresuidStep", "kernel/sys.c: __sys_setresuid()"),
        new(KernelPoints.Mmap, StepForm.Call,
            [
                new("addr", ParameterKind.Address, typeof(ulong)),
                new("length", ParameterKind.Number, typeof(ulong)) { Units = true },
                new("prot", ParameterKind.Flags, typeof(int)) { Flags = ProtFlags },
                new("flags", ParameterKind.Flags, typeof(int)) { Flags = MapFlags },
                new("file", ParameterKind.File, typeof(string)),
                new("offset", ParameterKind.Number, typeof(long), Max: long.MaxValue) { Units = true, RangeMeaning = "an offset is at most 2^63 - 1 bytes" },
            ],
            ResultKind.Address, "MmapStep", "mm/mmap.c: do_mmap()"),
        new(KernelPoints.Munmap, StepForm.Call, [new("addr", ParameterKind.Address, typeof(ulong)), new("length", ParameterKind.Number, typeof(ulong)) { Units = true }],
            ResultKind.Status, "MunmapStep", "mm/mmap.c: do_vmi_munmap()"),
        new(KernelPoints.Read, StepForm.Call, AccessParameters, ResultKind.Fault, "AccessStep", "a user-mode read of every page of the range, faulting them in (mm/memory.c: handle_mm_fault())")
            { Fixed = [false], Fault = Outcome.Segv },
        new(KernelPoints.Write, StepForm.Call, AccessParameters, ResultKind.Fault, "AccessStep", "a user-mode write of every page of the range, faulting them in (mm/memory.c: handle_mm_fault())")
            { Fixed = [true], Fault = Outcome.Segv },
        new("store", StepForm.Instruction, [SharedWord, StoredValue], ResultKind.None, "StoreStep", "a user-mode MOV to memory, through the CPU's store buffer") { RunsWithoutTask = true },
        new("load", StepForm.Instruction, [SharedWord], ResultKind.Register, "LoadStep", "a user-mode MOV from memory") { RunsWithoutTask = true },
        new("xchg", StepForm.Instruction, [SharedWord, StoredValue], ResultKind.Register, "ExchangeStep", "a locked exchange, which drains the store buffer") { RunsWithoutTask = true },
        new("mfence", StepForm.Instruction, [], ResultKind.None, "FenceStep", "a full fence, which drains the store buffer") { RunsWithoutTask = true },
    ];

    /// <summary>
    /// The pause points of the shared kernel's own steps: the memory instructions', then the locked and serializing
    /// instructions of fork, clone, mmap(), munmap(), a faulting read or write, exec and setresuid(), which wait for
    /// the store buffer.
    /// </summary>
    public static IReadOnlyList<PausePoint> Points { get; } =
    [
        .. InstructionPoints.All,
        new(KernelPoints.Mmap, KernelPoints.MmapWriteLock, MmapLockDescription("mmap_write_lock_killable()", "down_write()")),
        new(KernelPoints.Mmap, KernelPoints.MmapWriteUnlock, MmapLockDescription("mmap_write_unlock()", "up_write()")),
        new(KernelPoints.Munmap, KernelPoints.MmapWriteLock, MmapLockDescription("mmap_write_lock_killable()", "down_write()")),
        new(KernelPoints.Munmap, KernelPoints.MmapWriteUnlock, MmapLockDescription("mmap_write_unlock()", "up_write()")),
        .. AccessPoints(KernelPoints.Read),
        .. AccessPoints(KernelPoints.Write),
        .. ForkPoints(KernelPoints.Fork),
        .. ForkPoints(KernelPoints.Clone),
        new(KernelPoints.Fork, KernelPoints.MmapWriteLock,
            "dup_mmap(): about to take the parent's mmap_lock to copy its vmas (down_write(), a locked instruction, which waits for the store buffer to drain)"),
        new(KernelPoints.Exec, KernelPoints.ActivateMm,
            "exec_mmap(), under task_lock: about to switch to the new mm (activate_mm() -> switch_mm()); its CR3 write is serializing, so it waits for the store buffer to drain"),
        new(KernelPoints.Exec, KernelPoints.Iret,
            "the new program is set up: about to return to user mode with IRET (SYSRET cannot restore the new RIP), which waits for the store buffer to drain"),
        new("setresuid", KernelPoints.PrepareCreds,
            "prepare_creds(), when the ids change and may: about to take references for the new cred (get_group_info(), get_uid(): locked increments, which wait for the store buffer to drain)"),
        Mmput(new(KernelPoints.Fork, "a fork failing after copy_mm(): the child's")),
        Mmput(new(KernelPoints.Clone, "a clone failing after copy_mm(): the thread's")),
        Mmput(new(KernelPoints.Exec, "the old mm's (or a thread de_thread() killed here)")),
        Mmput(new(KernelPoints.Exit, "exit_mm(): the task's")),
        new(KernelPoints.Exec, KernelPoints.Schedule,
            "de_thread(): a killed thread that ran here has exited; its final schedule() is about to take the runqueue's lock (raw_spin_lock(), a locked instruction, which waits for the store buffer to drain)"),
        new(KernelPoints.Exit, KernelPoints.Schedule,
            "do_task_dead(): the task's final schedule() is about to take the runqueue's lock (raw_spin_lock(), a locked instruction, which waits for the store buffer to drain)"),
        new(KernelPoints.Exit, KernelPoints.PutTaskStack,
            "finish_task_switch(), when dropping exit_mm()'s lazy reference freed the mm and its PGD: put_task_stack() is about to drop the dead task's stack (refcount_dec_and_test(), a locked decrement, which waits for the store buffer to drain)"),
    ];

    /// <summary>
    /// mmput()'s point in a step that drops a reference to an mm: the shared kernel's steps above, and every mechanism's
    /// that may drop the last one (<see cref="MechanismDeclaration.FreesMm"/>).
    /// </summary>
    public static PausePoint Mmput(MmLifetime dropped) =>
        new(dropped.Step, KernelPoints.Mmput,
            $"{dropped.Whose} mmput(): about to drop a reference to the mm (atomic_dec_and_test(&mm->mm_users), a locked decrement, which waits for the store buffer to drain)");

    // copy_process()'s first locked instruction and the wake-up that follows it, where the store buffer drains.
    private static PausePoint[] ForkPoints(string step) =>
    [
        new(step, KernelPoints.CopyCreds, "copy_creds(): about to take a reference to the parent's cred (get_cred(), a locked increment, which waits for the store buffer to drain)"),
        new(step, KernelPoints.WakeUpNewTask, "the child is made: wake_up_new_task() is about to take its pi_lock (a locked instruction, which waits for the store buffer to drain) before fork returns"),
    ];

    // A page the access faults on: the #PF handler's lock, its release and IRET, or a kernel address's IRET alone.
    private static PausePoint[] AccessPoints(string step) =>
    [
        new(step, KernelPoints.MmapReadLock,
            "a page faulted: the #PF handler is about to lock the vma or the mm (vma_start_read(), mmap_read_trylock()), a locked instruction, which waits for the store buffer to drain"),
        new(step, KernelPoints.MmapReadUnlock,
            "the fault was handled, or SIGSEGV queued: about to release that lock (up_read(), locked) and return to user mode with IRET, each of which waits for the store buffer to drain"),
        new(step, KernelPoints.Iret,
            "a kernel address: SIGSEGV queued without a lock; about to return to user mode with IRET, which waits for the store buffer to drain"),
    ];

    private static string MmapLockDescription(string call, string rwsem) =>
        $"{call} of the task's mm: {rwsem}, a locked instruction, which waits for the store buffer to drain";

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
    public static FlagNames ProtFlags => Mman.ProtNames;

    /// <summary>The MAP_ names mmap's flags argument takes, by value.</summary>
    public static FlagNames MapFlags => Mman.MapNames;

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

    /// <summary>copy_process() -> copy_creds(): get_cred(), a locked increment.</summary>
    public const string CopyCreds = "copy_creds";
    /// <summary>wake_up_new_task() after copy_process(): raw_spin_lock_irqsave(&amp;p->pi_lock), a locked instruction.</summary>
    public const string WakeUpNewTask = "wake_up_new_task";
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
    /// <summary>exec_mmap(): activate_mm(), whose CR3 write is serializing.</summary>
    public const string ActivateMm = "activate_mm";
    /// <summary>exit_mm(): <c>current->mm = NULL</c>.</summary>
    public const string ExitMm = "exit_mm";
    /// <summary>mmput(): atomic_dec_and_test(&amp;mm->mm_users), a locked decrement.</summary>
    public const string Mmput = "mmput";
    /// <summary>do_task_dead() -> __schedule(): the runqueue's raw_spin_lock(), a locked instruction.</summary>
    public const string Schedule = "schedule";
    /// <summary>finish_task_switch() -> put_task_stack(): refcount_dec_and_test() on the dead task's stack, a locked decrement.</summary>
    public const string PutTaskStack = "put_task_stack";
    /// <summary>mmap_write_lock_killable(mm) around do_mmap() and do_vmi_munmap(): down_write(), a locked instruction.</summary>
    public const string MmapWriteLock = "mmap_write_lock";
    /// <summary>mmap_write_unlock(mm): up_write(), a locked instruction.</summary>
    public const string MmapWriteUnlock = "mmap_write_unlock";
    /// <summary>A user access's #PF handler locks the vma or mmap_lock before it looks at the vma: a locked instruction.</summary>
    public const string MmapReadLock = "mmap_read_lock";
    /// <summary>The #PF handler's release of that lock (up_read(), a locked instruction), then its IRET to user mode.</summary>
    public const string MmapReadUnlock = "mmap_read_unlock";
    /// <summary>__sys_setresuid() -> prepare_creds(), whose reference counts are locked increments.</summary>
    public const string PrepareCreds = "prepare_creds";
    /// <summary>
    /// An IRET back to user mode (arch/x86/entry/entry_64.S), a serializing instruction: the end of a user-mode #GP's
    /// or #PF's handling, or of a syscall whose new registers SYSRET cannot restore (iopl() changing EFLAGS.IOPL, exec).
    /// </summary>
    public const string Iret = "iret";
}
