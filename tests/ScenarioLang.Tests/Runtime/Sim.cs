using ScenarioLang.Runtime.Catalog;
using ScenarioLang.Runtime.Kernel.Mm;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Mechanisms.Ioport;
using ScenarioLang.Runtime.Mechanisms.PgdSync;
using ScenarioLang.Runtime;

namespace ScenarioLang.Tests.Runtime;

/// <summary>The words the runtime tests write steps with (<c>using static</c> them).</summary>
internal static class Kscn
{
    public const bool On = true;
    public const bool Off = false;

    /// <summary>All ports: ioperm(0, AllPorts, on).</summary>
    public const ulong AllPorts = 0x10000;

    public static Outcome Zero => Outcome.Returns(0);

    public static Outcome Ok => Outcome.Ok;

    public static Outcome GP => Outcome.GeneralProtection;

    public static Outcome Fails(Errno errno) => Outcome.Fails(errno);

    public static TaskDeclaration Root(string name) => new(name, Privilege.Root);

    public static TaskDeclaration User(string name) => new(name, Privilege.User);

    public static IReadOnlyList<IopermVariant> AllVariants { get; } =
        [IopermVariant.Pre55, IopermVariant.V2Patch06, IopermVariant.Merged, IopermVariant.Merged55];

    /// <summary>The flags PUSHF shows.</summary>
    public static Outcome Flags(ulong flags) => Outcome.Eflags(flags);
}

/// <summary>Each pgd variant, for behaviour every version of the kernel PGD code shares.</summary>
internal sealed class EveryPgdVariant : TheoryData<PgdVariant>
{
    public EveryPgdVariant()
    {
        foreach (var variant in Enum.GetValues<PgdVariant>())
            Add(variant);
    }
}

/// <summary>
/// The pgd variants whose sync_global_pgds() sets the address's own entry: mainline and the lockless series as meant
/// (the postings set entry 0, <see cref="PgdVariantsAsPosted"/>).
/// </summary>
internal sealed class PgdVariantsSyncingTheSlot : TheoryData<PgdVariant>
{
    public PgdVariantsSyncingTheSlot() => AddRange(PgdVariant.LockedList, PgdVariant.LateWmbIntended, PgdVariant.LateMbIntended);
}

/// <summary>The lockless series as posted: v1, v2 and v3, whose walk writes pgd = mm->pgd, entry 0.</summary>
internal sealed class PgdVariantsAsPosted : TheoryData<PgdVariant>
{
    public PgdVariantsAsPosted() => AddRange(PgdVariant.LateV1, PgdVariant.LateWmb, PgdVariant.LateMb);
}

/// <summary>Each ioperm variant, for behaviour every kernel shares.</summary>
internal sealed class EveryVariant : TheoryData<IopermVariant>
{
    public EveryVariant()
    {
        foreach (var variant in Kscn.AllVariants)
            Add(variant);
    }
}

/// <summary>The two releases of the merged code (mainline and 5.5), for behaviour they share.</summary>
internal sealed class MergedVariants : TheoryData<IopermVariant>
{
    public MergedVariants()
    {
        Add(IopermVariant.Merged);
        Add(IopermVariant.Merged55);
    }
}

/// <summary>
/// The kernels whose iopl() sets the real EFLAGS.IOPL: v5.4 and the postings before [patch V2 14/16] emulated it, one
/// of them ([patch V2 11/16]) on the merged code's bitmap.
/// </summary>
internal sealed class RealIoplVariants : TheoryData<IopermVariant>
{
    public RealIoplVariants() => AddRange(IopermVariant.Pre55, IopermVariant.V2Patch06, IopermVariant.V2Patch11);
}

/// <summary>The two kernels where each thread owns io_bitmap_ptr (v5.4 and [patch V2 06/16]).</summary>
internal sealed class BitmapPtrVariants : TheoryData<IopermVariant>
{
    public BitmapPtrVariants()
    {
        Add(IopermVariant.Pre55);
        Add(IopermVariant.V2Patch06);
    }
}

/// <summary>
/// One scenario driven through <see cref="ScenarioRun"/>, the API generated code calls. Every step gets
/// the next line number and a text naming it, and hands its expected outcome to the run; the task's CPU
/// is the one it runs on. <see cref="Finish"/> completes the run and fails the test on any step whose
/// outcome differed, and on any object-checker finding that was not expected.
/// </summary>
internal sealed class Sim
{
    // A scenario built by hand uses every mechanism: its costs are all counted.
    private static readonly string[] AllMechanisms = [.. KernelCatalog.Mechanisms.Select(m => m.Name)];

    private readonly ScenarioRun _run;
    private int _line;

    public Sim(IopermVariant variant, int cpus, params TaskDeclaration[] tasks)
        : this(KernelConfig.Default.With(variant), MemoryModel.Sc, cpus, tasks)
    {
    }

    public Sim(KernelConfig config, MemoryModel memory, int cpus, params TaskDeclaration[] tasks)
    {
        var description = new ScenarioDescription("t", "t.kscn", cpus, memory, new Dictionary<string, IReadOnlyList<string>>(), tasks, AllMechanisms);
        _run = new ScenarioRun(description, config);
        Observe = new Observations(_run.Machine);
    }

    /// <summary>
    /// Two CPUs: root A on cpu0 with port 0x80, and a child of A (a forked process, or a thread when
    /// <paramref name="thread"/>) running on cpu1.
    /// </summary>
    public static Sim RootAWithChild(IopermVariant variant, string child, bool thread = false)
    {
        var sim = new Sim(variant, 2, Kscn.Root("A")).Run("A", 0).Ioperm("A", 0x80, 1, Kscn.On, Kscn.Zero);
        if (thread)
            sim.Clone("A", child);
        else
            sim.Fork("A", child);
        return sim.Run(child, 1);
    }

    /// <summary>One CPU, root task A running on it, more root tasks waiting.</summary>
    public static Sim RootA(IopermVariant variant, params string[] others) =>
        new Sim(variant, 1, [Kscn.Root("A"), .. others.Select(Kscn.Root)]).Run("A");

    public X86Machine Machine => _run.Machine;

    public LinuxKernel Kernel => Machine.Kernel;

    public KernelHeap Heap => Kernel.Heap;

    public Observations Observe { get; }

    public TaskStruct this[string name] => _run.Task(name);

    public Tss Tss(int cpu = 0) => Machine.Cpus[cpu].Tss;

    public IoBitmap? Bitmap(string task) => this[task].Thread.IoBitmap;

    /// <summary>The CPU the task runs on.</summary>
    public int CpuOf(string task) =>
        Machine.Cpus.Single(c => c.Current == this[task]).Index;

    public Sim Run(string task, int cpu = 0)
    {
        _run.Switch(Next($"cpu{cpu} switch {task}"), cpu, this[task]);
        return this;
    }

    public Sim RunIdle(int cpu = 0)
    {
        _run.Switch(Next($"cpu{cpu} switch idle"), cpu, null);
        return this;
    }

    public Sim Ioperm(string task, ulong from, ulong num, bool on, Outcome expect)
    {
        var text = $"{task}: ioperm(0x{from:x}, 0x{num:x}, {(on ? "on" : "off")})";
        _run.Run(_run.IopermStep(Next(text), text, null, CpuOf(task), this[task], from, num, on ? 1 : 0, expect));
        return this;
    }

    /// <summary>ioperm() stopped at a preemption point: the task stays in the kernel until it is switched to again.</summary>
    public Sim IopermPreempted(string task, ulong from, ulong num, bool on, string at, Outcome expect)
    {
        var text = $"{task}: ioperm(0x{from:x}, 0x{num:x}, {(on ? "on" : "off")})";
        _run.Run(_run.IopermStep(Next($"{text} preempted at {at}"), text, null, CpuOf(task), this[task], from, num, on ? 1 : 0, expect), until: at, preempted: true);
        return this;
    }

    public Sim Iopl(string task, uint level, Outcome expect) =>
        Step($"{task}: iopl({level})", (step, text) => _run.IoplStep(step, text, null, CpuOf(task), this[task], level, expect));

    public Sim Setresuid(string task, uint ruid, uint euid, uint suid, Outcome expect) =>
        Step($"{task}: setresuid({ruid}, {euid}, {suid})", (step, text) => _run.SetresuidStep(step, text, null, CpuOf(task), this[task], ruid, euid, suid, expect));

    public Sim Cli(string task, Outcome expect) =>
        Step($"{task}: cli", (step, text) => _run.InterruptFlagStep(step, text, null, CpuOf(task), this[task], set: false, expect));

    public Sim Sti(string task, Outcome expect) =>
        Step($"{task}: sti", (step, text) => _run.InterruptFlagStep(step, text, null, CpuOf(task), this[task], set: true, expect));

    public Sim Pushf(string task, ulong flags) =>
        Step($"{task}: pushf", (step, text) => _run.PushfStep(step, text, null, CpuOf(task), this[task], Kscn.Flags(flags)));

    /// <summary>A user-mode IN/OUT of <paramref name="width"/> bytes at <paramref name="port"/>.</summary>
    public Sim Port(string task, int port, Outcome expect, int width = 1) =>
        Step($"{task}: in/out{width} 0x{port:x}", (step, text) => _run.PortStep(step, text, null, CpuOf(task), this[task], $"out{width}", width, port, expect));

    public TaskStruct Fork(string parent, string child) => NewTask(parent, child, thread: false);

    /// <summary>A fork that copy_process() fails at <paramref name="fault"/>; returns the task it made, if any (none).</summary>
    public TaskStruct? FailingFork(string parent, string child, string failingAt, Outcome expect)
    {
        var text = $"{parent}: fork -> {child} failing at {failingAt}";
        _run.Run(_run.NewTaskStep(Next(text), text, null, CpuOf(parent), this[parent], thread: false, child, failingAt, expect));
        return Kernel.Tasks.FirstOrDefault(t => t.Name == child);
    }

    public TaskStruct Clone(string parent, string thread) => NewTask(parent, thread, thread: true);

    /// <summary>mmap(address, length, prot, flags, -1, 0): an anonymous mapping.</summary>
    public Sim Mmap(string task, ulong address, ulong length, int prot, int flags, Outcome expect) =>
        Step($"{task}: mmap(0x{address:x}, 0x{length:x}, {prot}, 0x{flags:x}, -1, 0)",
            (step, text) => _run.MmapStep(step, text, null, CpuOf(task), this[task], address, length, prot, flags, file: null, offset: 0, expect));

    public Sim Exec(string task) =>
        Step($"{task}: exec", (step, text) => _run.ExecStep(step, text, null, CpuOf(task), this[task], Kscn.Zero));

    public Sim Exit(string task) =>
        Step($"{task}: exit", (step, text) => _run.ExitStep(step, text, null, CpuOf(task), this[task]));

    private Sim Step(string text, Func<Step, string, ThreadStep> make)
    {
        _run.Run(make(Next(text), text));
        return this;
    }

    private TaskStruct NewTask(string parent, string child, bool thread)
    {
        var text = $"{parent}: {(thread ? "clone thread" : "fork")} -> {child}";
        _run.Run(_run.NewTaskStep(Next(text), text, null, CpuOf(parent), this[parent], thread, child, failingAt: null));
        return _run.Task(child);
    }

    /// <summary>
    /// A step of an explore block run as an explicit schedule runs it: its path to the end, its CPU's store buffer
    /// drained, then its completion; returns its outcome.
    /// </summary>
    public Outcome RunStep(ThreadStep step)
    {
        var cpu = Machine.Cpus[step.Cpu];
        var path = step.Begin(cpu);
        path.RunToEnd();
        Machine.Memory.DrainAll(cpu);
        return step.Complete(path);
    }

    /// <summary>vmalloc in kernel context on the CPU, bound to <paramref name="area"/>; returns its address.</summary>
    public ulong Vmalloc(int cpu, string area, long size = 4 << 20)
    {
        RunStep(_run.VmallocStep(Next($"cpu{cpu} kernel: vmalloc {size} -> {area}"), $"cpu{cpu} kernel: vmalloc {size}", $"-> {area}", cpu, null, size, area));
        return _run.Area(area);
    }

    /// <summary>A kernel access to the area through the task's page tables (init_mm's for null) on the CPU the task runs on, or on <paramref name="cpu"/>.</summary>
    public Outcome Touch(string? task, string area, int cpu = 0)
    {
        var on = task is null ? cpu : CpuOf(task);
        var who = task ?? "kernel";
        return RunStep(_run.TouchStep(Next($"cpu{on} {who}: touch {area}"), $"cpu{on} {who}: touch {area}", null, on, task is null ? null : this[task], area));
    }

    /// <summary>ioperm() run to its end inside the kernel, without the way back to user mode.</summary>
    public long IopermInKernel(string task, ulong from, ulong num, bool on) =>
        Kernel.Ioperm(Machine.Cpus[CpuOf(task)], this[task], from, num, on).RunToEnd();

    /// <summary>iopl() run to its end inside the kernel, without the way back to user mode.</summary>
    public long IoplInKernel(string task, uint level) =>
        Kernel.Iopl(Machine.Cpus[CpuOf(task)], this[task], level).RunToEnd();

    /// <summary>The exit-to-user-mode work of the task's CPU.</summary>
    public void ReturnToUser(string task) => Kernel.ExitToUserMode(Machine.Cpus[CpuOf(task)], this[task]);

    /// <summary>
    /// Completes the run (the object checker looks for leaks) and asserts that every step had its
    /// expected outcome and that the findings are exactly <paramref name="expectedFindings"/>.
    /// </summary>
    public ScenarioResult Finish(params FindingKind[] expectedFindings)
    {
        var result = _run.Complete();
        var failed = result.Entries.Where(e => e.Verdict == Verdict.Fail).Select(e => $"line {e.Step.Line} {e.Step.Text}: {e.Failure}");
        Assert.Equal("", string.Join("\n", failed));
        Assert.Equal(expectedFindings, result.Findings.Select(f => f.Kind));
        return result;
    }

    /// <summary>The raw run, for tests of the hosting API itself.</summary>
    public ScenarioRun Raw => _run;

    private Step Next(string text) => new(++_line, 1, text);
}
