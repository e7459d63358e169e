using System.Collections.Immutable;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Kernel;

namespace ScenarioLang.Compiler.Binding;

/// <summary>A task of a scenario: declared with <c>task</c> or created by <c>fork -> NAME</c>.</summary>
public sealed record TaskSymbol(string Name, Privilege Privilege, bool Declared, TextSpan Span);

/// <summary>A checked scenario: its machine, kernel, tasks and the statements in schedule order.</summary>
public sealed record BoundScenario(
    string Name,
    SourceText Source,
    LinePosition Position,
    int Cpus,
    MemoryModel Memory,
    ImmutableSortedDictionary<string, string> Variants,
    ImmutableArray<TaskSymbol> DeclaredTasks,
    ImmutableArray<BoundStatement> Statements);

/// <summary>A statement with its place in the file and its text as the trace prints it.</summary>
public abstract record BoundStatement(LinePosition Position, string Text);

/// <summary>A context switch; Next is null for idle. Implicit switches put a task on an idle CPU.</summary>
public sealed record BoundSwitch(LinePosition Position, string Text, int Cpu, TaskSymbol? Next) : BoundStatement(Position, Text);

/// <summary>ioperm(); with <see cref="PreemptAt"/> the task is preempted at that point and finishes when switched back in.</summary>
public sealed record BoundIoperm(LinePosition Position, string Text, int Cpu, TaskSymbol Task, ulong From, ulong Num, bool TurnOn, string? PreemptAt, Outcome? Expected)
    : BoundStatement(Position, Text);

public sealed record BoundIopl(LinePosition Position, string Text, int Cpu, TaskSymbol Task, ulong Level, Outcome? Expected)
    : BoundStatement(Position, Text);

/// <summary>
/// fork, or clone of a thread (<see cref="Thread"/>). With a <see cref="Fault"/> the syscall is made to fail
/// there and creates no task, so <see cref="Child"/> is null.
/// </summary>
public sealed record BoundFork(LinePosition Position, string Text, int Cpu, TaskSymbol Parent, bool Thread, TaskSymbol? Child, ForkFault Fault, Outcome? Expected)
    : BoundStatement(Position, Text);

public sealed record BoundSetresuid(LinePosition Position, string Text, int Cpu, TaskSymbol Task, uint Ruid, uint Euid, uint Suid, Outcome? Expected)
    : BoundStatement(Position, Text);

/// <summary>cli or sti in user mode.</summary>
public sealed record BoundInterruptFlag(LinePosition Position, string Text, int Cpu, TaskSymbol Task, bool Set, Outcome? Expected)
    : BoundStatement(Position, Text);

/// <summary>pushf in user mode: reads the EFLAGS value user mode sees.</summary>
public sealed record BoundPushf(LinePosition Position, string Text, int Cpu, TaskSymbol Task, ulong? ExpectedFlags) : BoundStatement(Position, Text);

/// <summary>The body runs <see cref="Count"/> times; the binder checked that every iteration binds as the first.</summary>
public sealed record BoundRepeat(LinePosition Position, string Text, int Count, ImmutableArray<BoundStatement> Body) : BoundStatement(Position, Text);

public sealed record BoundExec(LinePosition Position, string Text, int Cpu, TaskSymbol Task, Outcome? Expected) : BoundStatement(Position, Text);

public sealed record BoundExit(LinePosition Position, string Text, int Cpu, TaskSymbol Task) : BoundStatement(Position, Text);

public sealed record BoundPortAccess(LinePosition Position, string Text, int Cpu, TaskSymbol Task, int Width, int Port, Outcome? Expected)
    : BoundStatement(Position, Text);

/// <summary>The argument a property is read for: a CPU, a task, or nothing (machine-wide).</summary>
public abstract record BoundSubjectArgument;

public sealed record BoundNoArgument : BoundSubjectArgument;

public sealed record BoundCpuArgument(int Cpu) : BoundSubjectArgument;

public sealed record BoundTaskArgument(TaskSymbol Task) : BoundSubjectArgument;

/// <summary>A property read for its argument, e.g. tss(cpu0).prev_max.</summary>
public sealed record BoundPropertyRead(PropertyInfo Property, BoundSubjectArgument Argument);

/// <summary>A constant of a property's type: a number (counts and bytes), a flag, or an io_bitmap_base value.</summary>
public sealed record BoundConstant(PropertyType Type, long Number, bool Flag, Runtime.Machine.IoBitmapBase Base);

public sealed record BoundComparison(LinePosition Position, string Text, BoundPropertyRead Read, Comparison Operator, BoundConstant Value)
    : BoundStatement(Position, Text);

/// <summary><c>X is Y</c>; Right is null for <c>is none</c>.</summary>
public sealed record BoundIdentity(LinePosition Position, string Text, BoundPropertyRead Left, BoundPropertyRead? Right, bool Same)
    : BoundStatement(Position, Text);
