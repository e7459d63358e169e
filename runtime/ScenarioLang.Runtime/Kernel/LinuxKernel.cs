using ScenarioLang.Runtime.Kernel.Ioport;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Scheduling;

namespace ScenarioLang.Runtime.Kernel;

/// <summary>
/// The modelled kernel: tasks, the object heap, the selected version of each mechanism, and the
/// entry points a scenario step goes through (syscalls, context switch, exit to user mode, traps).
/// </summary>
public sealed class LinuxKernel
{
    private readonly List<TaskStruct> _tasks = [];
    private int _nextPid = 1;

    public LinuxKernel(KernelConfig config)
    {
        Config = config;
        Ioport = config.Ioperm switch
        {
            IopermVariant.Pre55 => new PrePatchIoport(this),
            IopermVariant.V2Patch06 => new V2Patch06Ioport(this),
            _ => new MergedIoport(this),
        };
    }

    public KernelConfig Config { get; }

    public IoportModel Ioport { get; }

    public KernelHeap Heap { get; } = new();

    public KernelLog Log { get; } = new();

    /// <summary>arch/x86/kernel/ioport.c: static atomic64_t io_bitmap_sequence.</summary>
    public ulong IoBitmapSequence { get; set; }

    public IReadOnlyList<TaskStruct> Tasks => _tasks;

    public TaskStruct CreateTask(string name, Credentials cred)
    {
        var task = new TaskStruct(_nextPid++, name, cred);
        _tasks.Add(task);
        return task;
    }

    public static TaskStruct CreateIdle(int cpu) => new(0, $"swapper/{cpu}", Credentials.For(Privilege.Root), isIdle: true);

    public KernelPath Ioperm(Cpu cpu, TaskStruct current, ulong from, ulong num, bool turnOn) =>
        new("ioperm", path => Ioport.Ioperm(path, cpu, current, from, num, turnOn));

    public KernelPath Iopl(Cpu cpu, TaskStruct current, ulong level) =>
        new("iopl", path => Ioport.Iopl(path, cpu, current, level));

    // kernel/fork.c: copy_process(); the I/O state is set up by copy_thread().
    public TaskStruct Fork(TaskStruct parent, string childName)
    {
        var child = CreateTask(childName, parent.Cred);
        Ioport.CopyThread(parent, child);
        Log.Note($"{childName} created (pid {child.Pid}), runnable");
        return child;
    }

    // fs/exec.c: begin_new_exec() -> flush_thread(): the I/O bitmap, thread.iopl and iopl_emul are left as they are.
    public void Exec(TaskStruct current)
    {
        var kept = current.Thread.IoBitmap is { } bitmap ? $"{bitmap} kept" : "no I/O bitmap";
        Log.Note($"new program image; {kept}");
        // arch/x86/kernel/process_64.c: start_thread_common(): regs->flags = X86_EFLAGS_IF, so a real IOPL is dropped.
        if (current.Thread.EflagsIopl != 0)
        {
            Log.Note($"EFLAGS.IOPL {current.Thread.EflagsIopl} -> 0 (start_thread: regs->flags = X86_EFLAGS_IF); thread.iopl stays {current.Thread.Iopl}");
            current.Thread.EflagsIopl = 0;
        }
    }

    // kernel/exit.c: do_exit() -> exit_thread(), then the final schedule() to the next task.
    public void Exit(Cpu cpu, TaskStruct current)
    {
        Ioport.ExitThread(cpu, current);
        current.State = TaskState.Dead;
        ContextSwitch(cpu, cpu.Idle);
    }

    // kernel/sched/core.c: context_switch() -> arch/x86/kernel/process_64.c: __switch_to() -> __switch_to_xtra()
    public void ContextSwitch(Cpu cpu, TaskStruct next)
    {
        var prev = cpu.Current;
        Ioport.SwitchToBitmap(cpu, prev, next);
        if (prev.State == TaskState.Running)
            prev.State = TaskState.Runnable;
        cpu.Current = next;
        next.State = TaskState.Running;
        Log.Note($"{cpu}: {prev} -> {next}");
        // The incoming task goes back to user mode (idle never does).
        if (!next.IsIdle)
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
        if (Ioport.EflagsIopl(current) == 3)
            return true;
        if (cpu.Tss.Permits(port, width))
            return true;
        ExitToUserMode(cpu, current);
        return false;
    }
}
