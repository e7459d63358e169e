using System.Collections.Immutable;
using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Kernel;

public enum TaskState
{
    Runnable,
    Running,
    Dead,
}

/// <summary>
/// A task (struct task_struct): name, credentials, user registers, mm and thread group, and the state each mechanism
/// keeps in it (its part of thread_struct, its TIF flags) through a <see cref="TaskSlot"/>.
/// </summary>
public sealed class TaskStruct
{
    private readonly Tracked<int> _pid;
    private readonly Tracked<Cred> _cred;
    private readonly Tracked<MmStruct?> _mm;
    private readonly Tracked<TaskStruct> _groupLeader;
    private readonly Tracked<TaskState> _state;
    private readonly Tracked<long> _minFlt;
    private readonly Tracked<long> _majFlt;
    private readonly ImmutableArray<TaskSlot> _slots;
    private readonly ImmutableArray<object> _slotStates;

    // Another CPU reaches a task through the task list (sync_global_pgds(), de_thread()) or its thread group, so every
    // field that changes is tracked.
    public TaskStruct(StateTracker tracker, ImmutableArray<TaskSlot> slots, int pid, string name, Cred cred, bool isIdle = false, TaskStruct? leader = null)
    {
        MemoryLocation Field(string field) => MemoryLocation.Of(name, field);
        Name = name;
        IsIdle = isIdle;
        _pid = new(tracker, Field("pid"), pid);
        _cred = new(tracker, Field("cred"), cred);
        _mm = new(tracker, Field("mm"), null);
        _groupLeader = new(tracker, Field("group_leader"), leader ?? this);
        Threads = leader?.Threads ?? new(tracker, Field("signal.thread_head"));
        _state = new(tracker, Field("state"), TaskState.Runnable);
        _minFlt = new(tracker, Field("min_flt"), 0);
        _majFlt = new(tracker, Field("maj_flt"), 0);
        Regs = new PtRegs(tracker, Field("regs.flags"));
        _slots = slots;
        _slotStates = [.. slots.Select(slot => slot.Create(tracker, name))];
    }

    /// <summary>The state a mechanism keeps in this task, made with it.</summary>
    public T Get<T>(TaskSlot<T> slot) where T : class => (T)_slotStates[_slots.IndexOf(slot)];

    /// <summary>The task's id; de_thread() hands the leader's to a thread that execs.</summary>
    public int Pid
    {
        get => _pid.Value;
        internal set => _pid.Value = value;
    }

    /// <summary>comm.</summary>
    public string Name { get; }

    /// <summary>task->cred: each task (thread) has its own; fork and clone start from the parent's.</summary>
    public Cred Cred
    {
        get => _cred.Value;
        set => _cred.Value = value;
    }

    public bool IsIdle { get; }

    /// <summary>The user-mode registers (current_pt_regs()).</summary>
    public PtRegs Regs { get; }

    /// <summary>task->mm: the address space (null for kernel threads such as idle).</summary>
    public MmStruct? Mm
    {
        get => _mm.Value;
        set => _mm.Value = value;
    }

    /// <summary>task->group_leader: the first thread of the thread group.</summary>
    public TaskStruct GroupLeader
    {
        get => _groupLeader.Value;
        internal set => _groupLeader.Value = value;
    }

    /// <summary>
    /// signal->thread_head: the threads of the task's thread group, in the order they joined it (for_each_thread()). A
    /// new thread group starts with its leader, and a thread joins under tasklist_lock.
    /// </summary>
    public TrackedList<TaskStruct> Threads { get; }

    /// <summary>The thread group id, the leader's pid (what getpid() returns).</summary>
    public int Tgid => GroupLeader.Pid;

    /// <summary>min_flt: page faults handled without I/O, counted by mm/memory.c: mm_account_fault() (0 in a new task: copy_mm()).</summary>
    public long MinFlt
    {
        get => _minFlt.Value;
        set => _minFlt.Value = value;
    }

    /// <summary>
    /// maj_flt: page faults that needed I/O (VM_FAULT_MAJOR) or were retried (FAULT_FLAG_TRIED). The model has no backing
    /// store (every file page is in the page cache) and retries no fault, so nothing counts one: it stays 0.
    /// </summary>
    public long MajFlt => _majFlt.Value;

    public TaskState State
    {
        get => _state.Value;
        set => _state.Value = value;
    }

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
