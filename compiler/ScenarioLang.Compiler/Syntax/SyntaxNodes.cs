using System.Collections.Immutable;
using ScenarioLang.Compiler.Text;

namespace ScenarioLang.Compiler.Syntax;

// The AST of a .kscn file. It is built from ANTLR's parse tree by SyntaxTreeBuilder and carries
// spans for diagnostics; past that builder nothing depends on ANTLR.

public abstract record SyntaxNode(TextSpan Span);

// The words of the language as the parser read them; the binder gives each its meaning in the runtime, so the syntax
// knows nothing of the kernel.

/// <summary><c>root</c> or <c>user</c> in a task declaration.</summary>
public enum PrivilegeKeyword
{
    Root,
    User,
}

/// <summary><c>always</c>, <c>never</c> or <c>sometimes</c> before an expectation's conditions.</summary>
public enum QuantifierKeyword
{
    Always,
    Never,
    Sometimes,
}

/// <summary><c>==</c> <c>!=</c> <c>&lt;</c> <c>&lt;=</c> <c>&gt;</c> <c>&gt;=</c>.</summary>
public enum ComparisonOperator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

/// <summary><c>leak</c>, <c>use-after-free</c>, <c>double-free</c>, <c>refcount-misuse</c>, <c>warn</c>, <c>oops</c>.</summary>
public enum FindingKeyword
{
    Leak,
    UseAfterFree,
    DoubleFree,
    RefcountMisuse,
    Warn,
    Oops,
}

public sealed record NameSyntax(string Text, TextSpan Span) : SyntaxNode(Span);

public enum SizeUnit
{
    None,
    KiB,
    MiB,
    GiB,
}

/// <summary>A number as written (decimal or 0x hex) with an optional unit; Value is null when it overflowed.</summary>
public sealed record NumberSyntax(string Text, ulong? Value, SizeUnit Unit, TextSpan Span) : SyntaxNode(Span);

/// <summary>cpu0, cpu1, …; Index is null when the number overflowed.</summary>
public sealed record CpuSyntax(int? Index, TextSpan Span) : SyntaxNode(Span);

public sealed record CompilationUnitSyntax(ImmutableArray<ScenarioSyntax> Scenarios, TextSpan Span) : SyntaxNode(Span);

public sealed record ScenarioSyntax(string Name, TextSpan NameSpan, ImmutableArray<StatementSyntax> Statements, TextSpan Span) : SyntaxNode(Span)
{
    /// <summary>The mark first in its body: the whole scenario is known to fail under those variants.</summary>
    public KnownFailureSyntax? KnownFailure { get; init; }
}

/// <summary>
/// <c>known failure under ptshare=rfc-v2, locked</c>: after an expectation, or first in a scenario for the whole of it,
/// the kernel variants under which it is known to fail (a documented bug kept as a regression test).
/// </summary>
public sealed record KnownFailureSyntax(ImmutableArray<KnownVariantSyntax> Variants, TextSpan Span) : SyntaxNode(Span);

/// <summary><c>ptshare=rfc-v2</c>, or a bare <c>locked</c> after it: Mechanism is null, the one named before it.</summary>
public sealed record KnownVariantSyntax(NameSyntax? Mechanism, NameSyntax Variant, TextSpan Span) : SyntaxNode(Span);

public abstract record StatementSyntax(TextSpan Span) : SyntaxNode(Span);

/// <summary><c>kernel ioperm = merged</c>; several variants (<c>= pre-5.5, merged</c>) or <see cref="Every"/> one (<c>= *</c>) make a matrix.</summary>
public sealed record KernelStatementSyntax(NameSyntax Mechanism, ImmutableArray<NameSyntax> Variants, bool Every, TextSpan Span) : StatementSyntax(Span);

public sealed record MemoryStatementSyntax(NameSyntax Model, TextSpan Span) : StatementSyntax(Span);

public sealed record CpusStatementSyntax(NumberSyntax Count, TextSpan Span) : StatementSyntax(Span);

/// <summary><c>task A root</c>; with <see cref="Members"/>, <c>task W[1000] user</c>, a group of tasks W0 to W999.</summary>
public sealed record TaskStatementSyntax(NameSyntax Name, PrivilegeKeyword Privilege, TextSpan Span, NumberSyntax? Members = null) : StatementSyntax(Span);

/// <summary><c>shared x = 1</c>: a word of memory the CPUs share, for litmus tests; it starts at 0 unless given a value.</summary>
public sealed record SharedStatementSyntax(NameSyntax Name, NumberSyntax? Value, TextSpan Span) : StatementSyntax(Span);

/// <summary><c>file db = 1 GiB</c>: a file the tasks can map; FileSystem is the optional word after the size (<c>hugetlbfs</c>).</summary>
public sealed record FileStatementSyntax(NameSyntax Name, NumberSyntax Size, NameSyntax? FileSystem, TextSpan Span) : StatementSyntax(Span);

/// <summary><c>cpu0 switch B</c>; Target is null for <c>switch idle</c>.</summary>
public sealed record SwitchStatementSyntax(CpuSyntax Cpu, NameSyntax? Target, TextSpan Span) : StatementSyntax(Span);

/// <summary><c>cpu0 A: ioperm(…) -> 0</c>; Task is the keyword <c>kernel</c> for a step in kernel context, no task needed.</summary>
public sealed record StepStatementSyntax(CpuSyntax Cpu, NameSyntax Task, CallSyntax Action, StepModifierSyntax? Modifier, ResultSyntax? Result, TextSpan Span)
    : StatementSyntax(Span)
{
    public const string KernelContext = "kernel";

    public bool InKernelContext => Task.Text == KernelContext;

    /// <summary>The task named after <c>preempts</c> (<c>cpu0 B preempts A: …</c>): in an explore block, Task's step runs when it preempts that task.</summary>
    public NameSyntax? Preempts { get; init; }

    /// <summary>The variants under which the step's <c>-> result</c> is known not to come.</summary>
    public KnownFailureSyntax? KnownFailure { get; init; }
}

/// <summary><c>cpu0 continue</c>: the step paused on the CPU goes on, to its end or <c>until</c> another point.</summary>
public sealed record ContinueStatementSyntax(CpuSyntax Cpu, PauseSyntax? Until, TextSpan Span) : StatementSyntax(Span);

/// <summary><c>cpu0 drain</c>: the oldest store in the CPU's store buffer (or Count of them) reaches memory.</summary>
public sealed record DrainStatementSyntax(CpuSyntax Cpu, NumberSyntax? Count, TextSpan Span) : StatementSyntax(Span);

/// <summary><c>explore { … }</c>: the steps of each CPU form its program; every interleaving is explored.</summary>
public sealed record ExploreStatementSyntax(ImmutableArray<StatementSyntax> Body, TextSpan KeywordSpan, TextSpan Span) : StatementSyntax(Span);

/// <summary><c>repeat N { ... }</c>: the body runs N times in a row.</summary>
public sealed record RepeatStatementSyntax(NumberSyntax Count, ImmutableArray<StatementSyntax> Body, TextSpan KeywordSpan, TextSpan Span) : StatementSyntax(Span);

/// <summary><c>for each W { ... }</c>: the body runs once for each member of the task group W, which W names inside it.</summary>
public sealed record ForEachStatementSyntax(NameSyntax Group, ImmutableArray<StatementSyntax> Body, TextSpan KeywordSpan, TextSpan Span) : StatementSyntax(Span);

public enum StepModifierKind
{
    /// <summary><c>preempted at POINT</c>: the syscall stops at a named preemption point and the task stays in the kernel.</summary>
    Preempted,
    /// <summary><c>failing at POINT</c>: an injected fault makes the syscall fail at a named point.</summary>
    Failing,
    /// <summary><c>until POINT</c>: the step pauses before the point; its CPU waits for <c>continue</c>.</summary>
    Until,
}

/// <summary>A step modifier; Index is the loop iteration of an indexed pause point (<c>until copy_pgd[402]</c>).</summary>
public sealed record StepModifierSyntax(StepModifierKind Kind, NameSyntax Point, NameSyntax? Index, TextSpan Span) : SyntaxNode(Span)
{
    /// <summary>The point as the runtime labels it: <c>copy_pgd[402]</c>, or the bare name.</summary>
    public string Label => Index is null ? Point.Text : $"{Point.Text}[{Index.Text}]";
}

/// <summary>The <c>until POINT</c> of a continue.</summary>
public sealed record PauseSyntax(NameSyntax Point, NameSyntax? Index, TextSpan Span) : SyntaxNode(Span)
{
    public string Label => Index is null ? Point.Text : $"{Point.Text}[{Index.Text}]";
}

/// <summary><c>expect [always|never|sometimes] C1 and C2 …</c>; Quantifier is null for a plain expectation.</summary>
public sealed record ExpectStatementSyntax(QuantifierKeyword? Quantifier, ImmutableArray<ExpectationSyntax> Conditions, TextSpan Span) : StatementSyntax(Span)
{
    /// <summary>The variants under which the expectation is known to fail.</summary>
    public KnownFailureSyntax? KnownFailure { get; init; }
}

/// <summary>How a step was written, which its declaration in the kernel catalog must allow.</summary>
public enum CallForm
{
    /// <summary>Its name alone: <c>fork</c>, <c>cli</c>.</summary>
    Bare,
    /// <summary>A call with its arguments in parentheses: <c>ioperm(0x80, 1, on)</c>.</summary>
    Parenthesized,
    /// <summary>An instruction with its operand: <c>outb 0x80</c>, <c>load x</c>, <c>store x = 1</c>.</summary>
    Operand,
}

/// <summary>
/// A step: a name the binder looks up in the kernel catalog, and its arguments; an instruction's arguments are its
/// operand and, for <c>store x = 1</c>, the value after '='.
/// </summary>
public sealed record CallSyntax(NameSyntax Name, CallForm Form, ImmutableArray<ArgumentSyntax> Arguments, TextSpan Span) : SyntaxNode(Span);

public abstract record ArgumentSyntax(TextSpan Span) : SyntaxNode(Span);

public sealed record NumberArgumentSyntax(NumberSyntax Number) : ArgumentSyntax(Number.Span);

public sealed record SwitchArgumentSyntax(bool On, TextSpan Span) : ArgumentSyntax(Span);

/// <summary><c>PROT_READ | PROT_WRITE</c>: names joined by '|'; a lone name is also a file, a shared word or an area.</summary>
public sealed record FlagSetArgumentSyntax(ImmutableArray<NameSyntax> Names, TextSpan Span) : ArgumentSyntax(Span);

/// <summary><c>-1</c>: a number with a minus sign, which only mmap's file takes (no file).</summary>
public sealed record NegativeArgumentSyntax(NumberSyntax Magnitude, TextSpan Span) : ArgumentSyntax(Span);

public abstract record ResultSyntax(TextSpan Span) : SyntaxNode(Span);

public sealed record NumberResultSyntax(NumberSyntax Number) : ResultSyntax(Number.Span);

/// <summary>An errno name (EPERM) or, after fork, the child's name.</summary>
public sealed record NameResultSyntax(NameSyntax Name) : ResultSyntax(Name.Span);

/// <summary>#GP (general protection) or #PF (page fault).</summary>
public sealed record FaultResultSyntax(bool PageFault, TextSpan Span) : ResultSyntax(Span);

public sealed record OkResultSyntax(TextSpan Span) : ResultSyntax(Span);

/// <summary><c>ok | #GP</c>: the step passes when its outcome is any of the alternatives (two or more, none of them alternatives).</summary>
public sealed record AlternativeResultsSyntax(ImmutableArray<ResultSyntax> Alternatives, TextSpan Span) : ResultSyntax(Span);

/// <summary><c>tss(cpu0).prev_max</c>, <c>bitmap(A)</c>, <c>machine.live_bitmaps</c>, <c>pgd(C)[V]</c>, <c>vma(A)[0x40000000].shared_pt</c>, <c>r0</c>.</summary>
public sealed record SubjectSyntax(NameSyntax Object, SubjectArgumentSyntax? Argument, SubjectIndexSyntax? Index, NameSyntax? Field, TextSpan Span) : SyntaxNode(Span);

/// <summary>The <c>[…]</c> of a subject: a vmalloc area's name, or an address (Address is then the number).</summary>
public sealed record SubjectIndexSyntax(string Text, NumberSyntax? Address, TextSpan Span) : SyntaxNode(Span);

/// <summary>The argument of a subject: a task name or a CPU.</summary>
public sealed record SubjectArgumentSyntax(string Text, int? Cpu, TextSpan Span) : SyntaxNode(Span);

public abstract record ExpectationSyntax(TextSpan Span) : SyntaxNode(Span);

public sealed record ComparisonExpectationSyntax(SubjectSyntax Subject, ComparisonOperator Operator, string OperatorText, TextSpan OperatorSpan, ValueSyntax Value, TextSpan Span) : ExpectationSyntax(Span);

/// <summary><c>X is Y</c>, <c>X is not Y</c>, <c>X is none</c> (Right is null).</summary>
public sealed record IdentityExpectationSyntax(SubjectSyntax Left, bool Negated, SubjectSyntax? Right, TextSpan Span) : ExpectationSyntax(Span);

/// <summary><c>leak ptshare_data</c>: a finding of the object checker, of a kind of object.</summary>
public sealed record FindingExpectationSyntax(FindingKeyword Kind, NameSyntax ObjectKind, TextSpan Span) : ExpectationSyntax(Span);

public abstract record ValueSyntax(TextSpan Span) : SyntaxNode(Span);

public sealed record NumberValueSyntax(NumberSyntax Number) : ValueSyntax(Number.Span);

public sealed record NameValueSyntax(NameSyntax Name) : ValueSyntax(Name.Span);

public sealed record SwitchValueSyntax(bool On, TextSpan Span) : ValueSyntax(Span);

/// <summary>Another subject as the right side of a comparison: <c>bitmap(A).sequence</c> (a bare name is a <see cref="NameValueSyntax"/>).</summary>
public sealed record SubjectValueSyntax(SubjectSyntax Subject) : ValueSyntax(Subject.Span);
