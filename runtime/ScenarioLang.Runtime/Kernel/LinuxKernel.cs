using ScenarioLang.Runtime.Kernel.Ioport;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Scheduling;

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
/// </summary>
public sealed class LinuxKernel
{
    /// <summary>(uid_t)-1: setresuid() leaves that id unchanged.</summary>
    public const uint UidUnchanged = uint.MaxValue;

    private readonly List<TaskStruct> _tasks = [];
    private int _nextPid = 1;

    public LinuxKernel(KernelConfig config)
    {
        Config = config;
        Ioport = config.Ioperm switch
        {
            IopermVariant.Pre55 => new PrePatchIoport(this),
            IopermVariant.V2Patch06 => new V2Patch06Ioport(this),
            _ => new MergedIoport(this, config.Ioperm),
        };
    }

    public KernelConfig Config { get; }

    public IoportModel Ioport { get; }

    public KernelHeap Heap { get; } = new();

    public KernelLog Log { get; } = new();

    /// <summary>arch/x86/kernel/ioport.c: static atomic64_t io_bitmap_sequence.</summary>
    public ulong IoBitmapSequence { get; set; }

    public IReadOnlyList<TaskStruct> Tasks => _tasks;

    /// <summary>The CPUs the kernel runs on; de_thread() needs to find where the other threads run.</summary>
    internal IReadOnlyList<Cpu> Cpus { get; set; } = [];

    /// <summary>The memory the CPUs share, where kernel paths perform the accesses at their interleaving points.</summary>
    public SharedMemory Memory { get; internal set; } = new(MemoryModel.Sc);

    /// <summary>A process that exists when the scenario starts, with its own address space.</summary>
    public TaskStruct CreateTask(string name, Cred cred)
    {
        var task = new TaskStruct(_nextPid++, name, cred) { Mm = MmStruct.Allocate(Heap, "mm_alloc") };
        _tasks.Add(task);
        return task;
    }

    public static TaskStruct CreateIdle(int cpu) => new(0, $"swapper/{cpu}", Cred.Root, isIdle: true);

    public KernelPath Ioperm(Cpu cpu, TaskStruct current, ulong from, ulong num, bool turnOn) =>
        new("ioperm", cpu, Memory, path => Ioport.Ioperm(path, current, from, num, turnOn));

    public KernelPath Iopl(Cpu cpu, TaskStruct current, ulong level) =>
        new("iopl", cpu, Memory, path => Ioport.Iopl(path, current, level));

    // kernel/sys.c: __sys_setresuid()
    public long Setresuid(TaskStruct current, uint ruid, uint euid, uint suid)
    {
        var old = current.Cred;
        // Check for no-op.
        if ((ruid == UidUnchanged || ruid == old.Uid) &&
            (euid == UidUnchanged || (euid == old.Euid && euid == old.Fsuid)) &&
            (suid == UidUnchanged || suid == old.Suid))
            return 0;
        // Without CAP_SETUID each new id must be one of the old real, effective or saved ids.
        bool IsNew(uint id) => id != UidUnchanged && id != old.Uid && id != old.Euid && id != old.Suid;
        if ((IsNew(ruid) || IsNew(euid) || IsNew(suid)) && !old.Capable(Capabilities.Setuid))
            return -(long)Errno.EPERM;

        // prepare_creds(), the new ids, fsuid follows euid.
        var updated = old with
        {
            Uid = ruid == UidUnchanged ? old.Uid : ruid,
            Euid = euid == UidUnchanged ? old.Euid : euid,
            Suid = suid == UidUnchanged ? old.Suid : suid,
        };
        updated = CapTaskFixSetuid(updated with { Fsuid = updated.Euid }, old);
        current.Cred = updated;
        Log.Note($"{current}'s cred: {old} -> {updated}");
        return 0;
    }

    // kernel/fork.c: copy_process() for fork(): a new thread group with a copy of the address space.
    public ForkResult Fork(Cpu cpu, TaskStruct current, string childName, ForkFault fault = ForkFault.None) =>
        CopyProcess(cpu, current, childName, thread: false, fault);

    // kernel/fork.c: copy_process() for pthread_create()'s clone(CLONE_VM | CLONE_THREAD | CLONE_SIGHAND | ...).
    public ForkResult Clone(Cpu cpu, TaskStruct current, string childName, ForkFault fault = ForkFault.None) =>
        CopyProcess(cpu, current, childName, thread: true, fault);

    // fs/exec.c: begin_new_exec(): de_thread(), exec_mmap(), then flush_thread(), which leaves the I/O bitmap,
    // thread.iopl and iopl_emul as they are; start_thread() gives the new program its user flags.
    public void Exec(Cpu cpu, TaskStruct current)
    {
        DeThread(cpu, current);
        ExecMmap(current);
        var kept = current.Thread.IoBitmap is { } bitmap ? $"{bitmap} kept" : "no I/O bitmap";
        Log.Note($"new program image; {kept}");
        // arch/x86/kernel/process_64.c: start_thread_common(): regs->flags = X86_EFLAGS_IF, so a real IOPL is dropped.
        var iopl = current.Regs.Iopl;
        current.Regs.Flags = PtRegs.Initial;
        if (iopl != 0)
            Log.Note($"EFLAGS.IOPL {iopl} -> 0 (start_thread: regs->flags = X86_EFLAGS_IF); thread.iopl stays {current.Thread.Iopl}");
    }

    public void Exit(Cpu cpu, TaskStruct current) => DoExit(cpu, current, cpu.Idle);

    // kernel/sched/core.c: context_switch() -> arch/x86/kernel/process_64.c: __switch_to() -> __switch_to_xtra()
    public void ContextSwitch(Cpu cpu, TaskStruct next, bool nextReturnsToUser = true)
    {
        var prev = cpu.Current;
        Ioport.SwitchToBitmap(cpu, prev, next);
        if (prev.State == TaskState.Running)
            prev.State = TaskState.Runnable;
        cpu.Current = next;
        next.State = TaskState.Running;
        Log.Note($"{cpu}: {prev} -> {next}");
        // The incoming task goes back to user mode, unless it was preempted inside the kernel (idle never does).
        if (nextReturnsToUser && !next.IsIdle)
            ExitToUserMode(cpu, next);
    }

    public void ExitToUserMode(Cpu cpu, TaskStruct current) => Ioport.ExitToUserMode(cpu, current);

    /// <summary>
    /// A user-mode IN or OUT: allowed outright when CPL 3 &lt;= EFLAGS.IOPL, otherwise checked against the
    /// TSS bitmap; a denied access raises #GP, which the kernel turns into SIGSEGV (arch/x86/kernel/traps.c:
    /// exc_general_protection()) before returning to user mode.
    /// </summary>
    public bool UserPortAccess(Cpu cpu, TaskStruct current, int port, int width)
    {
        if (current.Regs.Iopl == 3)
            return true;
        if (cpu.Tss.Permits(port, width))
            return true;
        ExitToUserMode(cpu, current);
        return false;
    }

    /// <summary>A user-mode CLI; false when #GP was delivered as SIGSEGV.</summary>
    public bool UserCli(Cpu cpu, TaskStruct current) => UserSetInterruptFlag(cpu, current, enable: false);

    /// <summary>A user-mode STI; false when #GP was delivered as SIGSEGV.</summary>
    public bool UserSti(Cpu cpu, TaskStruct current) => UserSetInterruptFlag(cpu, current, enable: true);

    /// <summary>A user-mode PUSHF: outside virtual-8086 mode it is not IOPL-sensitive, so user mode sees regs->flags.</summary>
    public static ulong UserPushf(TaskStruct current) => current.Regs.Flags;

    /// <summary>The object checker at the end of a run: I/O bitmaps and address spaces no live task accounts for.</summary>
    public void CheckForLeaks(IEnumerable<TaskStruct> liveTasks)
    {
        var live = liveTasks.ToList();
        Ioport.CheckForLeaks(live);
        var users = live.Where(t => t.Mm is not null).GroupBy(t => t.Mm!).ToDictionary(g => g.Key, g => g.Count());
        foreach (var mm in Heap.LiveObjects.OfType<MmStruct>())
        {
            var count = users.GetValueOrDefault(mm);
            if (count == 0)
                Heap.Report(FindingKind.Leak, $"memory leak: {mm} (allocated by {mm.AllocationSite}) is used by no task");
            else if (mm.MmUsers != count)
                Heap.Report(FindingKind.Leak, $"memory leak: {mm} has mm_users {mm.MmUsers} but is used by {Tracing.Units.Count(count, "task")}: it can never be freed");
        }
    }

    // kernel/fork.c: copy_process(): dup_task_struct(), copy_creds(), copy_mm(), copy_thread(), alloc_pid().
    private ForkResult CopyProcess(Cpu cpu, TaskStruct current, string name, bool thread, ForkFault fault)
    {
        // dup_task_struct() and copy_creds(): the parent's cred; the pid comes from alloc_pid() below.
        var p = new TaskStruct(0, name, current.Cred);
        // copy_mm(): CLONE_VM shares the address space, fork copies it (dup_mm()).
        if (thread)
        {
            p.Mm = current.Mm;
            p.GroupLeader = current.GroupLeader;
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
            p.Mm = MmStruct.Allocate(Heap, "dup_mm");
        }
        // copy_thread(): *childregs = *current_pt_regs(), then the I/O state.
        p.Regs.Flags = current.Regs.Flags;
        Ioport.CopyThread(current, p);

        if (fault == ForkFault.AllocPid)
        {
            Log.Note($"alloc_pid() fails: -ENOMEM; bad_fork_cleanup_thread: exit_thread({name}) runs in {current} on {cpu}");
            Ioport.ExitThread(cpu, current, p);
            // bad_fork_cleanup_mm: mmput(p->mm); then the task struct is freed: the child never ran.
            if (p.Mm is { } mm)
                Mmput(p, mm);
            return new ForkResult(null, -(long)Errno.ENOMEM);
        }

        p.Pid = _nextPid++;
        _tasks.Add(p);
        Log.Note(thread
            ? $"{name} created (pid {p.Pid}, thread of {p.GroupLeader} in thread group {p.Tgid}), runnable"
            : $"{name} created (pid {p.Pid}), runnable");
        return new ForkResult(p, p.Pid);
    }

    // kernel/exit.c: do_exit(): exit_mm(), later exit_thread(), then the final schedule() to next.
    private void DoExit(Cpu cpu, TaskStruct current, TaskStruct next, bool nextReturnsToUser = true)
    {
        if (current.Mm is { } mm)
        {
            current.Mm = null;
            Mmput(current, mm);
        }
        Ioport.ExitThread(cpu, current, current);
        current.State = TaskState.Dead;
        ContextSwitch(cpu, next, nextReturnsToUser);
    }

    // fs/exec.c: de_thread(): zap_other_threads() kills the rest of the thread group and waits until they have
    // exited; a thread that execs takes over the leader's pid.
    private void DeThread(Cpu cpu, TaskStruct tsk)
    {
        var others = _tasks.Where(t => t != tsk && t.State != TaskState.Dead && t.GroupLeader == tsk.GroupLeader).ToList();
        foreach (var t in others)
        {
            Log.Note($"de_thread: {t} gets SIGKILL");
            if (Cpus.FirstOrDefault(c => c.Current == t) is { } running)
            {
                // It exits on its own CPU, which then runs its idle task.
                DoExit(running, t, running.Idle);
            }
            else
            {
                // It runs here to die while tsk waits in de_thread(), which then resumes inside exec.
                ContextSwitch(cpu, t, nextReturnsToUser: false);
                DoExit(cpu, t, tsk, nextReturnsToUser: false);
            }
        }
        var leader = tsk.GroupLeader;
        if (leader == tsk)
            return;
        // exchange_tids(), transfer_pid(): tsk becomes the leader under the leader's pid.
        (tsk.Pid, leader.Pid) = (leader.Pid, tsk.Pid);
        tsk.GroupLeader = tsk;
        leader.GroupLeader = tsk;
        Log.Note($"de_thread: {tsk} takes over {leader}'s pid {tsk.Pid} and leads the thread group");
    }

    // fs/exec.c: exec_mmap(): the new program gets a fresh address space, the old one is released.
    private void ExecMmap(TaskStruct tsk)
    {
        var old = tsk.Mm;
        tsk.Mm = MmStruct.Allocate(Heap, "mm_alloc");
        if (old is not null)
            Mmput(tsk, old);
    }

    // kernel/fork.c: mmput(): the last user frees the address space. Shared ones are worth a note; a
    // process's own mm coming and going is not.
    private void Mmput(TaskStruct tsk, MmStruct mm)
    {
        Heap.Access(mm, "mmput");
        var wasShared = mm.MmUsers > 1;
        mm.MmUsers--;
        if (mm.MmUsers == 0)
            Heap.Kfree(mm, "mmput");
        if (wasShared)
            Log.Note($"{tsk} drops {mm} (mm_users {mm.MmUsers})");
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
    private bool UserSetInterruptFlag(Cpu cpu, TaskStruct current, bool enable)
    {
        var insn = enable ? "STI" : "CLI";
        if (current.Regs.Iopl == 3)
        {
            current.Regs.InterruptsEnabled = enable;
            Log.Note($"EFLAGS.IOPL is 3: {insn} {(enable ? "sets" : "clears")} IF");
            return true;
        }
        var fixedUp = FixupIoplException(current, insn);
        ExitToUserMode(cpu, current);
        return fixedUp;
    }

    // arch/x86/kernel/traps.c: fixup_iopl_exception() (b968e84b509d, 5.15), tried first for a user-mode #GP.
    private bool FixupIoplException(TaskStruct current, string insn)
    {
        var t = current.Thread;
        if (!Ioport.FakesIoplCliSti || t.IoplEmul != 3)
            return false;
        if (!t.IoplWarn)
        {
            // pr_err() once per thread; the ip is left out so that the trace is the same on every run.
            Log.Note($"traps: {current.Name}[{current.Pid}] attempts to use CLI/STI, pretending it's a NOP");
            t.IoplWarn = true;
        }
        // regs->ip += 1: the one-byte instruction is skipped, IF stays as it was.
        Log.Note($"#GP fixed up: {insn} skipped as a NOP (iopl_emul 3)");
        return true;
    }
}
