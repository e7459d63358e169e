using ScenarioLang.Runtime.Kernel.Ioport;
using ScenarioLang.Runtime.Scheduling;

namespace ScenarioLang.Runtime.Kernel;

public enum TaskState
{
    Runnable,
    Running,
    Dead,
}

/// <summary>The I/O parts of struct thread_struct (arch/x86/include/asm/processor.h).</summary>
public sealed class ThreadStruct
{
    /// <summary>thread.io_bitmap (merged) or thread.io_bitmap_ptr (earlier kernels).</summary>
    public IoBitmap? IoBitmap { get; set; }

    /// <summary>thread.io_bitmap_max of the kernels before the merged series.</summary>
    public int IoBitmapMax { get; set; }

    /// <summary>thread.iopl_emul: the emulated I/O privilege level of the merged kernel.</summary>
    public uint IoplEmul { get; set; }

    /// <summary>thread.iopl_warn: fixup_iopl_exception() has logged this thread's CLI/STI once (mainline).</summary>
    public bool IoplWarn { get; set; }

    /// <summary>
    /// thread.iopl (as a level, not shifted) of kernels with a real iopl(): what sys_iopl() compares a new
    /// level with (v5.4), and which exec leaves alone while it resets the IOPL of the user flags.
    /// </summary>
    public uint Iopl { get; set; }
}

/// <summary>A task (struct task_struct): name, credentials, user registers, thread state, TIF flags, mm and thread group.</summary>
public sealed class TaskStruct
{
    public TaskStruct(int pid, string name, Cred cred, bool isIdle = false)
    {
        Pid = pid;
        Name = name;
        Cred = cred;
        IsIdle = isIdle;
        GroupLeader = this;
    }

    /// <summary>The task's id; de_thread() hands the leader's to a thread that execs.</summary>
    public int Pid { get; internal set; }

    /// <summary>comm.</summary>
    public string Name { get; }

    /// <summary>task->cred: each task (thread) has its own; fork and clone start from the parent's.</summary>
    public Cred Cred { get; set; }

    public bool IsIdle { get; }

    /// <summary>The user-mode registers (current_pt_regs()).</summary>
    public PtRegs Regs { get; } = new();

    public ThreadStruct Thread { get; } = new();

    /// <summary>TIF_IO_BITMAP: the task needs I/O bitmap work on context switch and exit to user mode.</summary>
    public bool TifIoBitmap { get; set; }

    /// <summary>task->mm: the address space (null for kernel threads such as idle).</summary>
    public MmStruct? Mm { get; set; }

    /// <summary>task->group_leader: the first thread of the thread group.</summary>
    public TaskStruct GroupLeader { get; internal set; }

    /// <summary>The thread group id, the leader's pid (what getpid() returns).</summary>
    public int Tgid => GroupLeader.Pid;

    public TaskState State { get; set; } = TaskState.Runnable;

    /// <summary>
    /// The word for this task's place on the task list (tasks, linked by list_add_tail_rcu() under tasklist_lock):
    /// 1 while a walk of for_each_process() reaches it. Threads are never on it; their group leader is.
    /// </summary>
    public MemoryLocation TasksLink => new($"{Name}->tasks");

    /// <summary>The word task->mm as other CPUs read it: the mm's <see cref="KernelObject.Id"/>, or 0.</summary>
    public MemoryLocation MmField => new($"{Name}->mm");

    /// <summary>alloc_lock, which task_lock() takes and which protects ->mm.</summary>
    public MemoryLocation AllocLock => new($"{Name}->alloc_lock");

    public override string ToString() => Name;
}
