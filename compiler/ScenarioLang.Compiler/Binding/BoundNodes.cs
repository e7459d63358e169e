using System.Collections.Immutable;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Catalog;

namespace ScenarioLang.Compiler.Binding;

/// <summary>
/// A task of a scenario: declared with <c>task</c> or created by <c>fork -> NAME</c>. A task created by a step the
/// schedule pauses or an explore block interleaves is <see cref="Deferred"/>: it exists only once that step returned,
/// so the generated code looks it up then instead of keeping it in a local.
/// </summary>
/// <remarks>
/// A member of a task group (<c>task W[1000] user</c>) has its <see cref="Group"/>; inside <c>for each W</c> the member the
/// body runs for is a <see cref="Cursor"/>, which the generated code names by the loop's variable, not by its name.
/// </remarks>
public sealed record TaskSymbol(string Name, Privilege Privilege, bool Declared, TextSpan Span, bool Deferred = false, TaskGroupSymbol? Group = null, bool Cursor = false);

/// <summary><c>task W[1000] user</c>: the group W of Count tasks, W0 to W999.</summary>
public sealed record TaskGroupSymbol(string Name, Privilege Privilege, int Count, TextSpan Span);

/// <summary>
/// A checked scenario: its machine, kernel, tasks and the statements in schedule order; <see cref="Mechanisms"/> are the
/// mechanisms it uses (<see cref="MechanismUse"/>), whose variants and costs its trace shows.
/// </summary>
public sealed record BoundScenario(
    string Name,
    SourceText Source,
    LinePosition Position,
    TextSpan Span,
    int Cpus,
    MemoryModel Memory,
    ImmutableArray<BoundVariantChoice> Variants,
    ImmutableArray<TaskSymbol> DeclaredTasks,
    ImmutableArray<BoundSharedWord> SharedWords,
    ImmutableArray<BoundFile> Files,
    ImmutableArray<BoundStatement> Statements,
    ImmutableArray<string> Mechanisms)
{
    /// <summary>The known-failure marks: the whole scenario's first, then the expectations', in the file's order.</summary>
    public ImmutableArray<BoundKnownFailure> KnownFailures { get; init; } = [];
}

/// <summary>
/// <c>known failure under ptshare=rfc-v2, locked</c> at <see cref="Position"/>: under any of <see cref="Under"/> the
/// expectation at <see cref="Target"/> (null: the whole scenario) is known to fail.
/// </summary>
public sealed record BoundKnownFailure(LinePosition Position, LinePosition? Target, ImmutableArray<(string Mechanism, string Variant)> Under);

/// <summary>
/// <c>kernel ioperm = merged</c>: the variants of a mechanism the scenario runs against, in the order written (<c>*</c>:
/// the catalog's order); with more than one, a matrix, run once per variant. Ordered by mechanism in a scenario.
/// </summary>
public sealed record BoundVariantChoice(string Mechanism, ImmutableArray<string> Variants, TextSpan Span);

/// <summary><c>shared x = 1</c>: a word of shared memory and its value when the scenario starts.</summary>
public sealed record BoundSharedWord(string Name, long Initial);

/// <summary><c>file db = 1 GiB [hugetlbfs]</c>: a file with its address space, created before the schedule runs.</summary>
public sealed record BoundFile(string Name, long Size, bool Hugetlbfs, LinePosition Position);

/// <summary>A statement with its place in the file and its text as the trace prints it.</summary>
public abstract record BoundStatement(LinePosition Position, string Text);

/// <summary>A context switch; Next is null for idle. Implicit switches put a task on an idle CPU.</summary>
public sealed record BoundSwitch(LinePosition Position, string Text, int Cpu, TaskSymbol? Next) : BoundStatement(Position, Text);

/// <summary>
/// The body runs <see cref="Count"/> times; the binder checked that every iteration binds as the first. <see cref="Steps"/>
/// is what the repeat runs with its iterations unrolled, saturated just past <see cref="Binder.MaxSteps"/>.
/// </summary>
public sealed record BoundRepeat(LinePosition Position, string Text, int Count, ImmutableArray<BoundStatement> Body, long Steps) : BoundStatement(Position, Text);

/// <summary>
/// <c>for each W { ... }</c>: the body runs once per member of the group, which the body names W; the binder bound it for
/// every member (the body here is W0's, its member a <see cref="TaskSymbol.Cursor"/>) and found each run alike.
/// <see cref="Steps"/> is as a repeat's.
/// </summary>
public sealed record BoundForEach(LinePosition Position, string Text, TaskGroupSymbol Group, ImmutableArray<BoundStatement> Body, long Steps) : BoundStatement(Position, Text);

/// <summary>
/// What a step does: the catalog's step and its arguments' values, in the types its factory takes (ulong, uint, long,
/// int, bool, or a name as a string; null for mmap's -1). <see cref="Binds"/> is the name its result creates (a task, a
/// vmalloc area, a register); <see cref="Child"/> the task a fork or clone creates, null when it is made to fail
/// <see cref="FailingAt"/> a point. Every step runs as a kernel path (<see cref="BoundThreadStep"/>), whatever its kind.
/// </summary>
public sealed record BoundCall(StepDeclaration Step, ImmutableArray<object?> Arguments, string? Binds = null, TaskSymbol? Child = null, string? FailingAt = null);

/// <summary>
/// A step, run as a kernel path: in an explicit schedule, to its end or <see cref="Until"/> a pause point (where its
/// CPU waits for <c>continue</c>), or, when <see cref="Preempted"/>, to a preemption point where its task is switched
/// out (<c>preempted at</c>); in an explore block, as one step of its CPU's program. Task is null in kernel context.
/// Action and Result are the step as written around its modifier, so a printed schedule can put "until …" between them.
/// In an explore block, a step with <see cref="Preempts"/> is one of the steps Task runs when it preempts that task.
/// </summary>
public sealed record BoundThreadStep(LinePosition Position, string Text, int Cpu, TaskSymbol? Task, string Action, string? Result,
    BoundCall Operation, ExpectedOutcome? Expected, string? Until, bool Preempted = false, TaskSymbol? Preempts = null) : BoundStatement(Position, Text);

/// <summary><c>cpu0 continue</c>, optionally until another point.</summary>
public sealed record BoundContinue(LinePosition Position, string Text, int Cpu, string? Until) : BoundStatement(Position, Text);

/// <summary><c>cpu0 drain 2</c>: stores leave the CPU's store buffer, oldest first.</summary>
public sealed record BoundDrain(LinePosition Position, string Text, int Cpu, int Count) : BoundStatement(Position, Text);

/// <summary>An explore block: its steps, each CPU's in program order; BlockSpan is where a replayed schedule goes instead.</summary>
public sealed record BoundExplore(LinePosition Position, string Text, ImmutableArray<BoundThreadStep> Steps, TextSpan BlockSpan) : BoundStatement(Position, Text);

/// <summary>The argument a property is read for: a CPU, a task, or nothing (machine-wide).</summary>
public abstract record BoundSubjectArgument;

public sealed record BoundNoArgument : BoundSubjectArgument;

public sealed record BoundCpuArgument(int Cpu) : BoundSubjectArgument;

public sealed record BoundTaskArgument(TaskSymbol Task) : BoundSubjectArgument;

/// <summary>A register, shared word or file, read by its name.</summary>
public sealed record BoundNameArgument(string Name) : BoundSubjectArgument;

/// <summary>
/// A property read for its argument, e.g. tss(cpu0).prev_max; an indexed one has the vmalloc Area, pgd(C)[V], or the
/// Address, vma(A)[0x40000000].shared_pt, it is read for.
/// </summary>
public sealed record BoundPropertyRead(PropertyDeclaration Property, BoundSubjectArgument Argument, string? Area = null, ulong? Address = null);

/// <summary>A constant of a property's type: a number (counts and bytes), a flag, or one of the names the property takes.</summary>
public sealed record BoundConstant(PropertyType Type, long Number, bool Flag, string? Name);

/// <summary>One condition of an expectation; Subject is its left side as written, which a final state prints.</summary>
public abstract record BoundCondition(string Subject, BoundPropertyRead Read);

public sealed record BoundComparison(string Subject, BoundPropertyRead Read, Comparison Operator, BoundConstant Value) : BoundCondition(Subject, Read);

/// <summary><c>tss(cpu0).prev_sequence == bitmap(A).sequence</c>: two subjects of one type; RightSubject is the right one as written.</summary>
public sealed record BoundSubjectComparison(string Subject, BoundPropertyRead Read, Comparison Operator, string RightSubject, BoundPropertyRead Right)
    : BoundCondition(Subject, Read);

/// <summary><c>X is Y</c>; Right is null for <c>is none</c>.</summary>
public sealed record BoundIdentity(string Subject, BoundPropertyRead Read, BoundPropertyRead? Right, bool Same) : BoundCondition(Subject, Read);

/// <summary>
/// <c>expect [always|never|sometimes] C1 and C2 …</c>. A plain expectation (no quantifier) of one condition is judged as
/// it always was; a quantified one or a conjunction is judged over every execution of an explore block, or over the one
/// execution of an explicit schedule.
/// </summary>
public sealed record BoundExpectation(LinePosition Position, string Text, Quantifier? Quantifier, ImmutableArray<BoundCondition> Conditions)
    : BoundStatement(Position, Text);

/// <summary>
/// <c>expect [always|never|sometimes] leak ptshare_data and …</c>: findings of the object checker, judged when the scenario
/// ends; Quantifier is always when none is written.
/// </summary>
public sealed record BoundFindingExpectation(LinePosition Position, string Text, Quantifier Quantifier, ImmutableArray<FindingPattern> Patterns)
    : BoundStatement(Position, Text);
