using System.Collections.Immutable;
using ScenarioLang.Runtime.Catalog;
using ScenarioLang.Runtime.Kernel.Mm;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Kernel;

/// <summary>Where a scenario makes copy_process() fail.</summary>
public enum ForkFault
{
    None,
    /// <summary>alloc_pid() returns -ENOMEM, after copy_thread() ran: the bad_fork_cleanup_thread path.</summary>
    AllocPid,
}

/// <summary>What fork or clone returned: the new task, or null with a negative errno in <see cref="Result"/>.</summary>
public readonly record struct ForkResult(TaskStruct? Child, long Result);

/// <summary>
/// The modelled kernel: tasks, the object heap, the selected version of each mechanism, and the
/// entry points a scenario step goes through (syscalls, context switch, exit to user mode, traps).
/// The mechanisms' code is reached only through the hooks each declares (<see cref="IKernelHooks"/>,
/// <see cref="IPgdOps"/>, <see cref="IPageTableSharing"/>), at the call sites the kernel's own hooks have.
/// </summary>
public sealed class LinuxKernel
{
    /// <summary>(uid_t)-1: setresuid() leaves that id unchanged.</summary>
    public const uint UidUnchanged = uint.MaxValue;

    /// <summary>tasklist_lock, which copy_process() and de_thread() write_lock_irq() to change the task list.</summary>
    private static readonly MemoryLocation TasklistLock = new("tasklist_lock");

    private readonly TrackedList<TaskStruct> _tasks;
    private readonly TrackedList<TaskStruct> _processes;
    private readonly Tracked<int> _nextPid;
    private readonly ImmutableArray<IKernelHooks> _mechanisms;
    private readonly ImmutableArray<TaskSlot> _taskSlots;

    public LinuxKernel(KernelConfig config, SharedMemory memory, StateTracker tracker)
    {
        Config = config;
        Memory = memory;
        Heap = new KernelHeap(tracker);
        Log = new KernelLog(tracker);
        // The task list and the pid allocator (kernel/pid.c: alloc_pid()'s idr) are every CPU's.
        _tasks = new(tracker, new("task_structs"));
        _processes = new(tracker, new("init_task.tasks"));
        _nextPid = new(tracker, new("pid_ns.last_pid"), 1);
        // Each mechanism's code in the configured variant, in the catalog's order, which is the order of the calls.
        _mechanisms = [.. KernelCatalog.Mechanisms.Select(m => m.Hooks(this))];
        _taskSlots = [.. _mechanisms.SelectMany(m => m.TaskSlots)];
        Pgd = _mechanisms.OfType<IPgdOps>().Single();
        User = new UserMemory(this, _mechanisms.OfType<IPageTableSharing>().SingleOrDefault());
    }

    /// <summary>The code of the mechanism implemented by <typeparamref name="T"/>, for its own steps and observations.</summary>
    public T Mechanism<T>() where T : class
    {
        foreach (var mechanism in _mechanisms)
        {
            if (mechanism is T found)
                return found;
        }
        throw new InvalidOperationException($"no mechanism's code is a {typeof(T).Name}");
    }

    /// <summary>The user half of every address space: mmap(), munmap(), page faults, and page-table sharing (seed 004).</summary>
    public UserMemory User { get; }

    /// <summary>The files scenarios map, by name.</summary>
    public Dictionary<string, KernelFile> Files { get; } = new(StringComparer.Ordinal);

    public KernelConfig Config { get; }

    /// <summary>The kernel half of the page tables: swapper_pg_dir, and how every mm's PGD keeps up with it.</summary>
    public IPgdOps Pgd { get; }

    public KernelHeap Heap { get; }

    public KernelLog Log { get; }

    public TrackedList<TaskStruct> Tasks => _tasks;

    /// <summary>init_task.tasks: the thread group leaders, as for_each_process() walks them.</summary>
    public TrackedList<TaskStruct> Processes => _processes;

    /// <summary>The CPUs the kernel runs on; de_thread() needs to find where the other threads run.</summary>
    internal IReadOnlyList<Cpu> Cpus { get; set; } = [];

    /// <summary>The memory the CPUs share, where kernel paths perform the accesses at their interleaving points.</summary>
    public SharedMemory Memory { get; }

    /// <summary>
    /// A process that exists when the scenario starts, with its own address space: it was forked before, so it is on
    /// the task list and its PGD has swapper_pg_dir's kernel entries, written as boot code would.
    /// </summary>
    public TaskStruct CreateTask(string name, Cred cred)
    {
        var pid = _nextPid.Value++;
        var mm = MmStruct.Allocate(Heap, "mm_alloc");
        Pgd.Prepopulate(mm, name);
        var task = new TaskStruct(Heap.Tracker, _taskSlots, pid, name, cred) { Mm = mm };
        _tasks.Add(task);
        _processes.Add(task);
        task.Threads.Add(task);
        Memory.Initialize(task.TasksLink, 1);
        Memory.Initialize(task.MmField, mm.Id);
        return task;
    }

    /// <summary>arch/x86/kernel/cpu/common.c: cpu_init(): the CPU's TSS as the kernel sets it up at boot.</summary>
    public void InitCpu(Cpu cpu)
    {
        foreach (var mechanism in _mechanisms)
            mechanism.TssInit(cpu.Tss);
    }

    public TaskStruct CreateIdle(int cpu) => new(Heap.Tracker, _taskSlots, 0, $"swapper/{cpu}", Cred.Root, isIdle: true);

    public KernelPath Mmap(Cpu cpu, TaskStruct current, MmapRequest request) =>
        new(KernelPoints.Mmap, cpu, Memory, path => User.DoMmap(path, current, request));

    public KernelPath Munmap(Cpu cpu, TaskStruct current, ulong start, ulong length) =>
        new(KernelPoints.Munmap, cpu, Memory, path => User.DoMunmap(path, current, start, length));

    /// <summary>A user-mode read or write of every page of a range; the result is 1, or 0 when SIGSEGV was delivered.</summary>
    public KernelPath UserAccess(Cpu cpu, TaskStruct current, ulong start, ulong length, bool write) =>
        new(write ? KernelPoints.Write : KernelPoints.Read, cpu, Memory, path => User.Access(path, current, start, length, write));

    /// <summary>setresuid() as a kernel path; <see cref="UidUnchanged"/> ((uid_t)-1) leaves an id as it is.</summary>
    public KernelPath Setresuid(Cpu cpu, TaskStruct current, uint ruid, uint euid, uint suid) =>
        new("setresuid", cpu, Memory, path => SysSetresuid(path, current, ruid, euid, suid));

    /// <summary>
    /// kernel/fork.c: copy_process() for fork(), a new thread group with a copy of the address space, as a kernel path;
    /// <see cref="ForkResultOf"/> reads the child off it once it has run.
    /// </summary>
    public KernelPath ForkPath(Cpu cpu, TaskStruct current, string childName, ForkFault fault = ForkFault.None) =>
        new(KernelPoints.Fork, cpu, Memory, path => CopyProcess(path, current, childName, thread: false, fault));

    /// <summary>kernel/fork.c: copy_process() for pthread_create()'s clone(CLONE_VM | CLONE_THREAD | …), as <see cref="ForkPath"/>.</summary>
    public KernelPath ClonePath(Cpu cpu, TaskStruct current, string childName, ForkFault fault = ForkFault.None) =>
        new(KernelPoints.Clone, cpu, Memory, path => CopyProcess(path, current, childName, thread: true, fault));

    /// <summary>What a finished fork or clone path returned: the new task with its pid, or a negative errno.</summary>
    public ForkResult ForkResultOf(KernelPath path) =>
        new(path.Result < 0 ? null : (TaskStruct)path.Created!, path.Result);

    /// <summary>execve() as a kernel path; it returns 0.</summary>
    public KernelPath ExecPath(Cpu cpu, TaskStruct current) =>
        new(KernelPoints.Exec, cpu, Memory, path => DoExecve(path, current));

    /// <summary>do_exit() as a kernel path, which ends on the CPU's idle task.</summary>
    public KernelPath ExitPath(Cpu cpu, TaskStruct current) =>
        new(KernelPoints.Exit, cpu, Memory, path => DoExit(path, current, cpu.Idle));

    // kernel/sched/core.c: context_switch() -> arch/x86/kernel/process_64.c: __switch_to() -> __switch_to_xtra()
    public void ContextSwitch(Cpu cpu, TaskStruct next, bool nextReturnsToUser = true)
    {
        var prev = cpu.Current;
        foreach (var mechanism in _mechanisms)
            mechanism.SwitchToXtra(cpu, prev, next);
        if (prev.State == TaskState.Running)
            prev.State = TaskState.Runnable;
        cpu.Current = next;
        next.State = TaskState.Running;
        Log.Note($"{cpu}: {prev} -> {next}");
        // The incoming task goes back to user mode, unless it was preempted inside the kernel (idle never does).
        if (nextReturnsToUser && !next.IsIdle)
            ExitToUserMode(cpu, next);
    }

    // kernel/entry/common.c: exit_to_user_mode_prepare() -> arch_exit_to_user_mode_prepare()
    public void ExitToUserMode(Cpu cpu, TaskStruct current)
    {
        foreach (var mechanism in _mechanisms)
            mechanism.ExitToUserModePrepare(cpu, current);
    }

    /// <summary>
    /// A step of an explicit schedule: the path runs to its end with nothing else running meanwhile, and its stores
    /// reach memory before the next step, so that a later step on another CPU sees them.
    /// </summary>
    private KernelPath RunToEnd(KernelPath path)
    {
        path.RunToEnd();
        Memory.DrainAll(path.Cpu);
        return path;
    }

    /// <summary>
    /// A user-mode IN or OUT: allowed outright when CPL 3 &lt;= EFLAGS.IOPL, otherwise checked against the
    /// TSS bitmap; a denied access raises #GP, which the kernel turns into SIGSEGV (arch/x86/kernel/traps.c:
    /// exc_general_protection()) before returning to user mode.
    /// </summary>
    public UserTrap UserPortAccess(Cpu cpu, TaskStruct current, int port, int width)
    {
        if (current.Regs.Iopl == 3)
            return UserTrap.None;
        if (cpu.Tss.Permits(port, width))
            return UserTrap.None;
        ExitToUserMode(cpu, current);
        return UserTrap.Signalled;
    }

    /// <summary>A user-mode CLI.</summary>
    public UserTrap UserCli(Cpu cpu, TaskStruct current) => UserSetInterruptFlag(cpu, current, enable: false);

    /// <summary>A user-mode STI.</summary>
    public UserTrap UserSti(Cpu cpu, TaskStruct current) => UserSetInterruptFlag(cpu, current, enable: true);

    /// <summary>A user-mode PUSHF: outside virtual-8086 mode it is not IOPL-sensitive, so user mode sees regs->flags.</summary>
    public static ulong UserPushf(TaskStruct current) => current.Regs.Flags;

    /// <summary>
    /// The object checker at the end of a run: what the mechanisms hang off tasks' threads, the address spaces no live
    /// task accounts for, then what the mechanisms hang off address spaces.
    /// </summary>
    public void CheckForLeaks(IReadOnlyList<TaskStruct> live)
    {
        foreach (var mechanism in _mechanisms)
            mechanism.CheckThreadLeaks(live);
        // Loops, not LINQ: every execution of an explore block ends here, with a few tasks and mms.
        foreach (var mm in Heap.Live<MmStruct>())
        {
            if (HeldByMechanism(mm))
                continue;
            var count = 0;
            foreach (var task in live)
            {
                if (task.Mm == mm)
                    count++;
            }
            if (count == 0)
                Heap.Report(FindingKind.Leak, mm, $"memory leak: {mm} (allocated by {mm.AllocationSite}) is used by no task");
            else if (mm.MmUsers > count)
                Heap.Report(FindingKind.Leak, mm, $"memory leak: {mm} has mm_users {mm.MmUsers} but is used by {Tracing.Units.Count(count, "task")}: it can never be freed");
            else if (mm.MmUsers < count)
                Heap.Report(FindingKind.RefcountMisuse, mm, $"refcount: {mm} has mm_users {mm.MmUsers} but is used by {Tracing.Units.Count(count, "task")}: an mmput() will free it while still in use");
        }
        foreach (var mechanism in _mechanisms)
            mechanism.CheckMmLeaks(live);
    }

    private bool HeldByMechanism(MmStruct mm)
    {
        foreach (var mechanism in _mechanisms)
        {
            if (mechanism.HoldsMm(mm))
                return true;
        }
        return false;
    }

    // kernel/fork.c: copy_process(): dup_task_struct(), copy_creds(), copy_mm(), copy_thread(), alloc_pid(), then the
    // task joins the task list under tasklist_lock; the lockless PGD series then calls arch_pgd_init_late(p->mm).
    private IEnumerable<InterleavingPoint> CopyProcess(KernelPath path, TaskStruct current, string name, bool thread, ForkFault fault)
    {
        // dup_task_struct() and copy_creds(): the parent's cred (get_cred(), a locked increment, as every way through
        // copy_creds() takes one); the pid comes from alloc_pid() below.
        yield return InterleavingPoint.Drain(KernelPoints.CopyCreds, "get_cred() (lock incl)");
        var p = new TaskStruct(Heap.Tracker, _taskSlots, 0, name, current.Cred, leader: thread ? current.GroupLeader : null);
        // copy_mm(): CLONE_VM shares the address space, fork copies it (dup_mm() -> mm_init() -> pgd_alloc()).
        if (thread)
        {
            p.Mm = current.Mm;
            if (p.Mm is { } mm)
            {
                Heap.Access(mm, "copy_mm");
                mm.MmUsers++;
                Log.Note($"{name} shares {current}'s {mm} (mm_users {mm.MmUsers})");
            }
        }
        else if (current.Mm is { } parentMm)
        {
            Heap.Access(parentMm, "dup_mm");
            var mm = MmStruct.Allocate(Heap, "dup_mm");
            foreach (var point in Pgd.PgdAlloc(mm, name))
                yield return point;
            // dup_mmap() holds mmap_write_lock(oldmm) and the new mm's: the copy of the vmas is one event. The lock is
            // down_write(), locked; its release stores nothing the lock did not already drain before it.
            yield return UserMemory.MmapWriteLock;
            User.DupMmap(parentMm, mm);
            p.Mm = mm;
        }
        // tsk->mm = mm
        if (p.Mm is { } own)
            yield return InterleavingPoint.Store(KernelPoints.CopyMm, p.MmField, own.Id);
        // copy_thread(): *childregs = *current_pt_regs(), then the I/O state.
        p.Regs.Flags = current.Regs.Flags;
        foreach (var mechanism in _mechanisms)
            mechanism.CopyThread(current, p);

        if (fault == ForkFault.AllocPid)
        {
            Log.Note($"alloc_pid() fails: -ENOMEM; bad_fork_cleanup_thread: exit_thread({name}) runs in {current} on {path.Cpu}");
            ExitThread(path.Cpu, current, p);
            // bad_fork_cleanup_mm: mmput(p->mm); then the task struct is freed: the child never ran.
            if (p.Mm is { } mm)
            {
                foreach (var point in Mmput(p.Name, mm))
                    yield return point;
            }
            path.Result = -(long)Errno.ENOMEM;
            yield break;
        }

        p.Pid = _nextPid.Value++;
        // write_lock_irq(&tasklist_lock); list_add_tail_rcu(&p->tasks, &init_task.tasks) for a new thread group, and
        // list_add_tail_rcu(&p->thread_node, &p->signal->thread_head) for every task; write_unlock_irq().
        yield return InterleavingPoint.Lock(KernelPoints.TasklistLock, TasklistLock);
        _tasks.Add(p);
        p.Threads.Add(p);
        if (!thread)
        {
            _processes.Add(p);
            yield return InterleavingPoint.Store(KernelPoints.LinkTask, p.TasksLink, 1);
        }
        yield return InterleavingPoint.Unlock(KernelPoints.TasklistUnlock, TasklistLock);
        Log.Note(thread
            ? $"{name} created (pid {p.Pid}, thread of {p.GroupLeader} in thread group {p.Tgid}), runnable"
            : $"{name} created (pid {p.Pid}), runnable");
        // "If we have a new PGD then initialize it": if (!(clone_flags & CLONE_VM)) arch_pgd_init_late(p->mm).
        if (!thread && p.Mm is { } created)
        {
            foreach (var point in Pgd.PgdInitLate(p, created))
                yield return point;
        }
        // kernel_clone() (_do_fork() in 2015) then wakes the child: wake_up_new_task() takes p->pi_lock, a locked
        // instruction, before fork returns.
        yield return InterleavingPoint.Drain(KernelPoints.WakeUpNewTask, "raw_spin_lock_irqsave(&p->pi_lock) (lock cmpxchg)");
        path.Result = p.Pid;
        path.Created = p;
    }

    // fs/exec.c: do_execveat_common(): bprm_mm_init() makes the new mm (mm_alloc() -> mm_init() -> pgd_alloc()), then
    // begin_new_exec() (flush_old_exec() in 2015): de_thread(), exec_mmap(), then flush_thread(), which leaves the I/O
    // bitmap, thread.iopl and iopl_emul as they are, and commit_creds(bprm->cred); start_thread() gives the new program
    // its user flags.
    private IEnumerable<InterleavingPoint> DoExecve(KernelPath path, TaskStruct current)
    {
        var mm = MmStruct.Allocate(Heap, "mm_alloc");
        foreach (var point in Pgd.PgdAlloc(mm, current.Name))
            yield return point;
        foreach (var point in DeThread(path, current))
            yield return point;
        foreach (var point in ExecMmap(current, mm))
            yield return point;
        Log.Note(string.Join("; ", _mechanisms.SelectMany(m => m.FlushThread(current)).Prepend("new program image")));
        CommitExecCreds(current);
        // arch/x86/kernel/process_64.c: start_thread_common(): regs->flags = X86_EFLAGS_IF, so a real IOPL is dropped.
        var iopl = current.Regs.Iopl;
        current.Regs.Flags = PtRegs.Initial;
        foreach (var mechanism in _mechanisms)
            mechanism.StartThread(current, iopl);
        // start_thread() gave the task a new RIP, which SYSRET cannot restore (do_syscall_64() checks regs->cx against
        // regs->ip; 2015's start_thread_common() called force_iret()): exec returns with IRET, which is serializing.
        yield return InterleavingPoint.Drain(KernelPoints.Iret, "iret");
    }

    // fs/exec.c: begin_new_exec() -> commit_creds(bprm->cred), the cred security/commoncap.c:
    // cap_bprm_creds_from_file() (cap_bprm_set_creds() before 5.8) made for a program with neither set-id bits nor file
    // capabilities: "new->suid = new->fsuid = new->euid", the permitted set cleared by get_file_caps() and filled again
    // only for root (handle_privileged_root(): uid or euid 0), and the effective set full only when euid is 0 (no
    // ambient capabilities are modelled). A task that dropped its euid keeps no way back through its saved uid.
    private void CommitExecCreds(TaskStruct current)
    {
        var old = current.Cred;
        var updated = old with
        {
            Suid = old.Euid,
            Fsuid = old.Euid,
            Permitted = old.Uid == 0 || old.Euid == 0 ? Capabilities.All : Capabilities.None,
            Effective = old.Euid == 0 ? Capabilities.All : Capabilities.None,
        };
        if (updated == old)
            return;
        current.Cred = updated;
        Log.Note($"commit_creds(): {current}'s cred: {old} -> {updated}");
    }

    // kernel/exit.c: do_exit(): exit_mm(), later exit_thread(), then do_task_dead()'s final schedule() to next, whose
    // raw_spin_lock(&rq->__lock) (kernel/sched/core.c: __schedule()) is a locked instruction.
    private IEnumerable<InterleavingPoint> DoExit(KernelPath path, TaskStruct current, TaskStruct next, bool nextReturnsToUser = true)
    {
        var mm = current.Mm;
        if (mm is not null)
        {
            // exit_mm(): mmgrab_lazy_tlb(mm) (x86 counts lazy references: CONFIG_MMU_LAZY_TLB_REFCOUNT; in 2015
            // atomic_inc(&mm->mm_count)): the CPU keeps the mm loaded until it switches to another; then task_lock()
            // ("more a memory barrier than a real lock"), tsk->mm = NULL, task_unlock(), mmput().
            mm.MmCount++;
            yield return InterleavingPoint.Lock(KernelPoints.TaskLock, current.AllocLock);
            current.Mm = null;
            yield return InterleavingPoint.Store(KernelPoints.ExitMm, current.MmField, 0);
            yield return InterleavingPoint.Unlock(KernelPoints.TaskUnlock, current.AllocLock);
            foreach (var point in Mmput(current.Name, mm))
                yield return point;
        }
        ExitThread(path.Cpu, current, current);
        yield return InterleavingPoint.Drain(KernelPoints.Schedule, "lock (raw_spin_lock(&rq->__lock) in __schedule())");
        current.State = TaskState.Dead;
        ContextSwitch(path.Cpu, next, nextReturnsToUser);
        if (mm is null)
            yield break;
        // kernel/sched/core.c: context_switch() hands the lazy mm on to a kernel thread (idle) and to a task with an mm
        // of its own drops it: finish_task_switch() -> mmdrop_lazy_tlb_sched(), which may free the mm and its PGD. The
        // CPU runs idle after an exit here; the reference is dropped all the same, as if a task of its own followed
        // at once: the earliest the kernel frees them.
        foreach (var point in Mmdrop(mm))
            yield return point;
        // Then put_task_stack(prev), a locked decrement: __mmdrop()'s stores reach memory before the next task runs.
        // Without them the buffer is empty there (schedule drained it), and the model makes no event of it.
        if (mm.Freed)
            yield return InterleavingPoint.Drain(KernelPoints.PutTaskStack, "lock decl (refcount_dec_and_test(&tsk->stack_refcount) in put_task_stack())");
    }

    // arch/x86/kernel/process.c: exit_thread(tsk), run by current (the parent, when copy_process() fails).
    private void ExitThread(Cpu cpu, TaskStruct current, TaskStruct tsk)
    {
        foreach (var mechanism in _mechanisms)
            mechanism.ExitThread(cpu, current, tsk);
    }

    // fs/exec.c: de_thread(): zap_other_threads() kills the rest of the thread group and waits until they have
    // exited; a thread that execs takes over the leader's pid and its place on the task list.
    private IEnumerable<InterleavingPoint> DeThread(KernelPath path, TaskStruct tsk)
    {
        var others = tsk.Threads.Where(t => t != tsk && t.State != TaskState.Dead).ToList();
        foreach (var t in others)
        {
            Log.Note($"de_thread: {t} gets SIGKILL");
            if (Cpus.FirstOrDefault(c => c.Current == t) is { } running)
            {
                // It exits on its own CPU, which then runs its idle task; de_thread() waits until it has.
                RunToEnd(new KernelPath(KernelPoints.Exit, running, Memory, exit => DoExit(exit, t, running.Idle)));
            }
            else
            {
                // It runs here to die while tsk waits in de_thread(), which then resumes inside exec.
                ContextSwitch(path.Cpu, t, nextReturnsToUser: false);
                foreach (var point in DoExit(path, t, tsk, nextReturnsToUser: false))
                    yield return point;
            }
        }
        var leader = tsk.GroupLeader;
        if (leader == tsk)
            yield break;
        // Under write_lock_irq(&tasklist_lock): exchange_tids(), transfer_pid(), list_replace_rcu(&leader->tasks,
        // &tsk->tasks): tsk becomes the leader under the leader's pid, in its place on the task list.
        yield return InterleavingPoint.Lock(KernelPoints.TasklistLock, TasklistLock);
        (tsk.Pid, leader.Pid) = (leader.Pid, tsk.Pid);
        tsk.GroupLeader = tsk;
        leader.GroupLeader = tsk;
        _processes.Replace(leader, tsk);
        yield return InterleavingPoint.Store(KernelPoints.LinkTask, tsk.TasksLink, 1);
        yield return InterleavingPoint.Store(KernelPoints.UnlinkTask, leader.TasksLink, 0);
        yield return InterleavingPoint.Unlock(KernelPoints.TasklistUnlock, TasklistLock);
        Log.Note($"de_thread: {tsk} takes over {leader}'s pid {tsk.Pid} and leads the thread group");
    }

    // fs/exec.c: exec_mmap(): under task_lock(tsk), tsk->mm = mm (followed by arch_pgd_init_late(mm) in the lockless
    // PGD series), then the old address space is released.
    private IEnumerable<InterleavingPoint> ExecMmap(TaskStruct tsk, MmStruct mm)
    {
        var old = tsk.Mm;
        yield return InterleavingPoint.Lock(KernelPoints.TaskLock, tsk.AllocLock);
        tsk.Mm = mm;
        yield return InterleavingPoint.Store(KernelPoints.ExecMmap, tsk.MmField, mm.Id);
        foreach (var point in Pgd.PgdInitLate(tsk, mm))
            yield return point;
        // activate_mm() -> switch_mm(): the write of the new PGD to CR3 is serializing (Intel SDM vol. 3 §9.3), so the
        // stores above reach memory before task_unlock().
        yield return InterleavingPoint.Drain(KernelPoints.ActivateMm, "mov to cr3 (switch_mm())");
        yield return InterleavingPoint.Unlock(KernelPoints.TaskUnlock, tsk.AllocLock);
        if (old is null)
            yield break;
        foreach (var point in Mmput(tsk.Name, old))
            yield return point;
    }

    // kernel/fork.c: mmput(): the last user tears the address space down (__mmput() -> exit_mmap()) and drops the
    // users' reference to the mm_struct. Shared ones are worth a note; a process's own mm coming and going is not.
    internal IEnumerable<InterleavingPoint> Mmput(string who, MmStruct mm)
    {
        // atomic_dec_and_test(&mm->mm_users) is a locked decrement: the stores before it reach memory first.
        yield return InterleavingPoint.Drain(KernelPoints.Mmput, "lock decl (atomic_dec_and_test(&mm->mm_users))");
        Heap.Access(mm, "mmput");
        var wasShared = mm.MmUsers > 1;
        mm.MmUsers--;
        if (mm.MmUsers == 0)
        {
            // __mmput() -> exit_mmap(): the user mappings and their page tables go first.
            User.ExitMmap(mm);
            foreach (var point in Mmdrop(mm))
                yield return point;
        }
        if (wasShared)
            Log.Note($"{who} drops {mm} (mm_users {mm.MmUsers})");
    }

    // include/linux/sched/mm.h: mmdrop(): the last reference to the struct frees it, kernel/fork.c: __mmdrop():
    // mm_free_pgd() (pgd_free()), then free_mm().
    private IEnumerable<InterleavingPoint> Mmdrop(MmStruct mm)
    {
        mm.MmCount--;
        if (mm.MmCount > 0)
            yield break;
        foreach (var point in Pgd.PgdFree(mm))
            yield return point;
        Heap.Kfree(mm, "__mmdrop");
    }

    // kernel/sys.c: __sys_setresuid(): no access another CPU makes to the cred is modelled, so the path has no point
    // before its return.
    private IEnumerable<InterleavingPoint> SysSetresuid(KernelPath path, TaskStruct current, uint ruid, uint euid, uint suid)
    {
        var old = current.Cred;
        // Check for no-op.
        if ((ruid == UidUnchanged || ruid == old.Uid) &&
            (euid == UidUnchanged || (euid == old.Euid && euid == old.Fsuid)) &&
            (suid == UidUnchanged || suid == old.Suid))
        {
            path.Result = 0;
            yield break;
        }
        // Without CAP_SETUID each new id must be one of the old real, effective or saved ids.
        bool IsNew(uint id) => id != UidUnchanged && id != old.Uid && id != old.Euid && id != old.Suid;
        if ((IsNew(ruid) || IsNew(euid) || IsNew(suid)) && !old.Capable(Capabilities.Setuid))
        {
            path.Result = -(long)Errno.EPERM;
            yield break;
        }

        // prepare_creds(): its get_group_info() and get_uid() are locked increments.
        yield return InterleavingPoint.Drain(KernelPoints.PrepareCreds, "refcount_inc() (lock xadd)");
        // The new ids, fsuid follows euid.
        var updated = old with
        {
            Uid = ruid == UidUnchanged ? old.Uid : ruid,
            Euid = euid == UidUnchanged ? old.Euid : euid,
            Suid = suid == UidUnchanged ? old.Suid : suid,
        };
        updated = CapTaskFixSetuid(updated with { Fsuid = updated.Euid }, old);
        current.Cred = updated;
        Log.Note($"{current}'s cred: {old} -> {updated}");
        path.Result = 0;
    }

    // security/commoncap.c: cap_task_fix_setuid(LSM_SETID_RES) -> cap_emulate_setxuid(); SECBIT_KEEP_CAPS and
    // SECBIT_NO_SETUID_FIXUP are not modelled (both clear).
    private static Cred CapTaskFixSetuid(Cred updated, Cred old)
    {
        // Dropping every uid 0 clears the permitted and effective sets.
        if ((old.Uid == 0 || old.Euid == 0 || old.Suid == 0) && updated.Uid != 0 && updated.Euid != 0 && updated.Suid != 0)
            updated = updated with { Permitted = Capabilities.None, Effective = Capabilities.None };
        // Leaving euid 0 clears the effective set, returning to it restores it from the permitted one.
        if (old.Euid == 0 && updated.Euid != 0)
            updated = updated with { Effective = Capabilities.None };
        if (old.Euid != 0 && updated.Euid == 0)
            updated = updated with { Effective = updated.Permitted };
        return updated;
    }

    // Intel SDM vol. 2, CLI/STI: IF changes when CPL 3 <= EFLAGS.IOPL, otherwise #GP(0), which
    // arch/x86/kernel/traps.c: exc_general_protection() handles before returning to user mode.
    private UserTrap UserSetInterruptFlag(Cpu cpu, TaskStruct current, bool enable)
    {
        var insn = enable ? "STI" : "CLI";
        if (current.Regs.Iopl == 3)
        {
            current.Regs.InterruptsEnabled = enable;
            Log.Note($"EFLAGS.IOPL is 3: {insn} {(enable ? "sets" : "clears")} IF");
            return UserTrap.None;
        }
        // fixup_iopl_exception() is tried first for a user-mode #GP.
        var fixedUp = _mechanisms.Any(m => m.FixupIoplException(current, insn));
        ExitToUserMode(cpu, current);
        return fixedUp ? UserTrap.FixedUp : UserTrap.Signalled;
    }
}
