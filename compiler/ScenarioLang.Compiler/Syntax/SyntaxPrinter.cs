
namespace ScenarioLang.Compiler.Syntax;

/// <summary>Prints statements in the canonical form the trace shows: one space between parts, numbers as written.</summary>
public static class SyntaxPrinter
{
    public static string Print(StatementSyntax statement) => statement switch
    {
        KernelStatementSyntax k => $"kernel {k.Mechanism.Text} = {(k.Every ? "*" : string.Join(", ", k.Variants.Select(v => v.Text)))}",
        MemoryStatementSyntax m => $"memory {m.Model.Text}",
        CpusStatementSyntax c => $"cpus {c.Count.Text}",
        TaskStatementSyntax t => $"task {t.Name.Text}{(t.Members is null ? "" : $"[{Print(t.Members)}]")} {t.Privilege.ToString().ToLowerInvariant()}",
        SharedStatementSyntax s => $"shared {s.Name.Text}" + (s.Value is null ? "" : " = " + Print(s.Value)),
        FileStatementSyntax f => $"file {f.Name.Text} = {Print(f.Size)}" + (f.FileSystem is null ? "" : " " + f.FileSystem.Text),
        ContinueStatementSyntax c => $"{Cpu(c.Cpu)} continue" + (c.Until is null ? "" : " until " + c.Until.Label),
        DrainStatementSyntax d => $"{Cpu(d.Cpu)} drain" + (d.Count is null ? "" : " " + Print(d.Count)),
        ExploreStatementSyntax => "explore",
        SwitchStatementSyntax s => $"{Cpu(s.Cpu)} switch {s.Target?.Text ?? "idle"}",
        StepStatementSyntax s => $"{(s.Preempts is { } preempted ? $"{Cpu(s.Cpu)} {s.Task.Text} preempts {preempted.Text}: {Print(s.Action)}" : StepAction(s))}{Print(s.Modifier)}{(s.Result is null ? "" : " " + StepResult(s.Result))}",
        RepeatStatementSyntax r => $"repeat {Print(r.Count)}",
        ForEachStatementSyntax f => $"for each {f.Group.Text}",
        ExpectStatementSyntax e => "expect " + (e.Quantifier is { } q ? q.ToString().ToLowerInvariant() + " " : "") + string.Join(" and ", e.Conditions.Select(Print)),
        _ => throw new ArgumentOutOfRangeException(nameof(statement)),
    };

    /// <summary>A step up to its modifier: "cpu0 P: fork", as a printed schedule writes it before "until …".</summary>
    public static string StepAction(StepStatementSyntax step) => $"{Cpu(step.Cpu)} {step.Task.Text}: {Print(step.Action)}";

    public static string StepResult(ResultSyntax result) => "-> " + Print(result);

    public static string Print(CallSyntax call) => call.Form switch
    {
        CallForm.Bare => call.Name.Text,
        CallForm.Parenthesized => $"{call.Name.Text}({string.Join(", ", call.Arguments.Select(Print))})",
        CallForm.Operand => $"{call.Name.Text} {string.Join(" = ", call.Arguments.Select(Print))}",
        _ => throw new ArgumentOutOfRangeException(nameof(call)),
    };

    private static string Print(StepModifierSyntax? modifier) => modifier switch
    {
        null => "",
        { Kind: StepModifierKind.Preempted } => $" preempted at {modifier.Point.Text}",
        { Kind: StepModifierKind.Until } => $" until {modifier.Label}",
        _ => $" failing at {modifier.Point.Text}",
    };

    public static string Print(NumberSyntax number) =>
        number.Unit == SizeUnit.None ? number.Text : $"{number.Text} {number.Unit}";

    public static string Print(ArgumentSyntax argument) => argument switch
    {
        NumberArgumentSyntax n => Print(n.Number),
        SwitchArgumentSyntax s => s.On ? "on" : "off",
        FlagSetArgumentSyntax f => string.Join(" | ", f.Names.Select(n => n.Text)),
        NegativeArgumentSyntax n => "-" + Print(n.Magnitude),
        _ => throw new ArgumentOutOfRangeException(nameof(argument)),
    };

    public static string Print(ResultSyntax result) => result switch
    {
        NumberResultSyntax n => Print(n.Number),
        NameResultSyntax n => n.Name.Text,
        FaultResultSyntax f => f.PageFault ? "#PF" : "#GP",
        OkResultSyntax => "ok",
        AlternativeResultsSyntax a => string.Join(" | ", a.Alternatives.Select(Print)),
        _ => throw new ArgumentOutOfRangeException(nameof(result)),
    };

    public static string Print(ExpectationSyntax expectation) => expectation switch
    {
        ComparisonExpectationSyntax c => $"{Print(c.Subject)} {c.OperatorText} {Print(c.Value)}",
        IdentityExpectationSyntax i => $"{Print(i.Left)} is {(i.Negated ? "not " : "")}{(i.Right is null ? "none" : Print(i.Right))}",
        FindingExpectationSyntax f => $"{FindingWord(f.Kind)} {f.ObjectKind.Text}",
        _ => throw new ArgumentOutOfRangeException(nameof(expectation)),
    };

    public static string Print(SubjectSyntax subject) =>
        subject.Object.Text + (subject.Argument is null ? "" : $"({subject.Argument.Text})") + (subject.Index is null ? "" : $"[{subject.Index.Text}]")
        + (subject.Field is null ? "" : "." + subject.Field.Text);

    private static string Print(ValueSyntax value) => value switch
    {
        NumberValueSyntax n => Print(n.Number),
        NameValueSyntax n => n.Name.Text,
        SwitchValueSyntax s => s.On ? "on" : "off",
        SubjectValueSyntax s => Print(s.Subject),
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };

    private static string Cpu(CpuSyntax cpu) => $"cpu{cpu.Index}";

    /// <summary>How a finding is written: <c>leak</c>, <c>use-after-free</c>, <c>double-free</c>, <c>refcount-misuse</c>, <c>warn</c>, <c>oops</c>.</summary>
    public static string FindingWord(FindingKeyword kind) => kind switch
    {
        FindingKeyword.Leak => "leak",
        FindingKeyword.UseAfterFree => "use-after-free",
        FindingKeyword.DoubleFree => "double-free",
        FindingKeyword.RefcountMisuse => "refcount-misuse",
        FindingKeyword.Warn => "warn",
        FindingKeyword.Oops => "oops",
        _ => throw new System.Diagnostics.UnreachableException($"finding keyword {kind}"),
    };
}
