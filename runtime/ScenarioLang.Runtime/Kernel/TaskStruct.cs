using ScenarioLang.Runtime.Kernel.Ioport;

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

    /// <summary>The IOPL field of the user EFLAGS (regs->flags) of kernels with a real iopl().</summary>
    public uint EflagsIopl { get; set; }

    /// <summary>
    /// thread.iopl (as a level, not shifted) of kernels with a real iopl(): what sys_iopl() compares a new
    /// level with (v5.4), and which exec leaves alone while it resets <see cref="EflagsIopl"/>.
    /// </summary>
    public uint Iopl { get; set; }
}

/// <summary>A task (struct task_struct): name, credentials, thread state and TIF flags.</summary>
public sealed class TaskStruct
{
    public TaskStruct(int pid, string name, Credentials cred, bool isIdle = false)
    {
        Pid = pid;
        Name = name;
        Cred = cred;
        IsIdle = isIdle;
    }

    public int Pid { get; }

    public string Name { get; }

    public Credentials Cred { get; set; }

    public bool IsIdle { get; }

    public ThreadStruct Thread { get; } = new();

    /// <summary>TIF_IO_BITMAP: the task needs I/O bitmap work on context switch and exit to user mode.</summary>
    public bool TifIoBitmap { get; set; }

    public TaskState State { get; set; } = TaskState.Runnable;

    public override string ToString() => Name;
}
