namespace ScenarioLang.Runtime.Catalog;

/// <summary>How a step is written: a call, <c>ioperm(0x80, 1, on)</c> (bare when it takes nothing: <c>fork</c>), or an instruction with its operand, <c>outb 0x80</c>.</summary>
public enum StepForm
{
    Call,
    Instruction,
}

/// <summary>What an argument is: how it is written, checked and passed to the step.</summary>
public enum ParameterKind
{
    /// <summary>A number, with a unit or not, within the parameter's range.</summary>
    Number,
    /// <summary>on, off, or a number: as C's int, anything but 0 turns on.</summary>
    Switch,
    /// <summary>A plain number, such as 0x40000000: a size (2 MiB) says how much, not where.</summary>
    Address,
    /// <summary>Names joined by '|' from the parameter's <see cref="ParameterDeclaration.Flags"/>.</summary>
    Flags,
    /// <summary>A declared file, or -1 for none.</summary>
    File,
    /// <summary>A word declared with <c>shared</c>.</summary>
    SharedWord,
    /// <summary>An area a <c>vmalloc</c> step created.</summary>
    Area,
}

/// <summary>
/// A parameter of a step: its name as the kernel's prototype has it, its kind, its range, and the type the step's
/// factory takes it as (ulong, uint, long or int for numbers, flags and switches, string for names). For a syscall's
/// number that type is the C type of the kernel's prototype: a wider value is truncated to it as the syscall entry
/// does (<c>int turn_on</c>: <c>ioperm(0x80, 1, 0x100000000)</c> turns permissions off).
/// </summary>
public sealed record ParameterDeclaration(string Name, ParameterKind Kind, Type Type, ulong Min = 0, ulong Max = ulong.MaxValue)
{
    /// <summary>Whether a number may carry a unit (2 MiB); a port, a uid or a value stored is a plain number.</summary>
    public bool Units { get; init; }

    /// <summary>What the range means, for the message when a value falls outside it (ports are 0 to 0xffff).</summary>
    public string? RangeMeaning { get; init; }

    /// <summary>The value of an optional parameter left out; null when the parameter must be written.</summary>
    public ulong? Default { get; init; }

    /// <summary>
    /// Whether the step walks (and may fault in) a page per 4 KiB of this number, so that a scenario's step budget counts
    /// them: a 64 TiB read is not one step. <see cref="MostPages"/> caps the count where the kernel fails before walking.
    /// </summary>
    public bool WalksPages { get; init; }

    public long? MostPages { get; init; }

    /// <summary>The names a <see cref="ParameterKind.Flags"/> parameter takes and their bits.</summary>
    public FlagNames Flags { get; init; } = FlagNames.None;

    /// <summary>How the parameter is shown in a signature.</summary>
    public string Spelling => Kind switch
    {
        ParameterKind.Switch => "on | off",
        ParameterKind.File => "file | -1",
        ParameterKind.SharedWord => "WORD",
        ParameterKind.Area => "AREA",
        ParameterKind.Number or ParameterKind.Address or ParameterKind.Flags => Name,
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "a parameter kind with no spelling"),
    };
}

/// <summary>What a step's <c>-&gt; RESULT</c> can say.</summary>
public enum ResultKind
{
    /// <summary>Nothing: the step has no result to state (<c>store</c>, <c>mfence</c>).</summary>
    None,
    /// <summary>Nothing: the step does not return (<c>exit</c>).</summary>
    NoReturn,
    /// <summary>A syscall's return value, or an errno it fails with.</summary>
    ReturnValue,
    /// <summary>0, or an errno (<c>munmap</c>).</summary>
    Status,
    /// <summary>An address, or an errno (<c>mmap</c>).</summary>
    Address,
    /// <summary><c>ok</c>, or the one fault the step can raise (<see cref="StepDeclaration.Fault"/>).</summary>
    Fault,
    /// <summary>The EFLAGS value user mode sees (<c>pushf -&gt; 0x202</c>).</summary>
    Eflags,
    /// <summary>The name of the task it creates (<c>fork -&gt; C</c>); the error when made to fail.</summary>
    NewTask,
    /// <summary>The name of the area it creates (<c>vmalloc(4 KiB) -&gt; V</c>).</summary>
    NewArea,
    /// <summary>The register the value read goes to (<c>load x -&gt; r1</c>).</summary>
    Register,
}

/// <summary>What a step does to the tasks of its thread group, which the schedule must follow.</summary>
public enum StepEffect
{
    None,
    /// <summary>Creates a process (<c>fork</c>).</summary>
    CreatesProcess,
    /// <summary>Creates a thread of the caller's group (<c>clone</c>).</summary>
    CreatesThread,
    /// <summary>Replaces the program: de_thread() ends the group's other threads (<c>exec</c>).</summary>
    ReplacesProgram,
    /// <summary>Ends the task (<c>exit</c>).</summary>
    EndsTask,
}

/// <summary>
/// A step a scenario writes (<c>ioperm(…)</c>, <c>outb PORT</c>), declared once where its kernel code is: how it is
/// written, its typed parameters and result, what it models, and the <see cref="Hosting.ScenarioRun"/> factory the
/// generated code calls with, in order, the <see cref="Fixed"/> arguments, then the parameters' values, then the result's
/// name for steps that create or bind one, then the expected outcome for steps that have one.
/// </summary>
public sealed record StepDeclaration(string Name, StepForm Form, IReadOnlyList<ParameterDeclaration> Parameters, ResultKind Result, string Factory, string Models)
{
    /// <summary>Constant arguments the factory takes first: the mnemonic and width of a port instruction, whether an access writes.</summary>
    public IReadOnlyList<object> Fixed { get; init; } = [];

    /// <summary>The fault a <see cref="ResultKind.Fault"/> step can raise.</summary>
    public Outcome? Fault { get; init; }

    public StepEffect Effect { get; init; }

    /// <summary>Whether a CPU runs it in kernel context, with no task (<c>cpu0 kernel: vmalloc(4 KiB) -&gt; V</c>) as well as in a task.</summary>
    public bool RunsWithoutTask { get; init; }

    /// <summary>The points where it can be made to fail (<c>fork failing at alloc_pid</c>).</summary>
    public IReadOnlyList<string> FaultPoints { get; init; } = [];

    /// <summary>How many arguments must be written: the parameters up to the first with a default.</summary>
    public int Required => Parameters.TakeWhile(p => p.Default is null).Count();

    /// <summary>The step as written, with its parameters and result: <c>ioperm(from, num, on | off)</c>, <c>load WORD -&gt; REGISTER</c>.</summary>
    public string Signature
    {
        get
        {
            var parameters = Parameters.Select((p, i) => i >= Required ? $"[{p.Spelling}]" : p.Spelling).ToArray();
            var written = Form == StepForm.Call
                ? parameters.Length == 0 ? Name : $"{Name}({string.Join(", ", parameters)})"
                : parameters.Length == 0 ? Name : $"{Name} {string.Join(" = ", parameters)}";
            return Result switch
            {
                ResultKind.NewTask => $"{written} -> CHILD",
                ResultKind.NewArea => $"{written} -> AREA",
                ResultKind.Register => $"{written} -> REGISTER",
                ResultKind.Address => $"{written} -> ADDRESS",
                ResultKind.None or ResultKind.NoReturn or ResultKind.ReturnValue or ResultKind.Status or ResultKind.Fault or ResultKind.Eflags => written,
                _ => throw new ArgumentOutOfRangeException(nameof(Result), Result, "a result kind with no spelling"),
            };
        }
    }
}
