using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Antlr4.Runtime;
using Antlr4.Runtime.Tree;
using ScenarioLang.Compiler.Diagnostics;
using ScenarioLang.Compiler.Syntax.Generated;
using ScenarioLang.Compiler.Text;
using P = ScenarioLang.Compiler.Syntax.Generated.KscnParser;

namespace ScenarioLang.Compiler.Syntax;

/// <summary>
/// Builds the AST from ANTLR's parse tree. A statement that error recovery left incomplete is
/// dropped: its syntax error is already reported, and the binder only sees whole statements.
/// </summary>
internal sealed class SyntaxTreeBuilder(DiagnosticBag diagnostics)
{
    public CompilationUnitSyntax Build(P.CompilationUnitContext context)
    {
        var scenarios = context.scenario()
            .Where(s => Present(s.name))
            .Select(BuildScenario)
            .ToImmutableArray();
        return new CompilationUnitSyntax(scenarios, SpanOf(context));
    }

    private ScenarioSyntax BuildScenario(P.ScenarioContext context)
    {
        var statements = context.statement()
            .Select(BuildStatement)
            .OfType<StatementSyntax>()
            .ToImmutableArray();
        return new ScenarioSyntax(Unquote(context.name.Text), SyntaxErrorListener.SpanOf(context.name), statements, SpanOf(context))
        {
            KnownFailure = BuildKnownFailure(context.knownFailure()),
        };
    }

    /// <summary>The mark, or null when there is none or error recovery left it incomplete (its error is reported).</summary>
    private static KnownFailureSyntax? BuildKnownFailure(P.KnownFailureContext? context)
    {
        if (context is null || context.exception is not null || HasErrorNode(context))
            return null;
        var variants = context.knownVariant();
        if (variants.Length == 0 || variants.Any(v => v.exception is not null || !Present(v.variant) || (v.ASSIGN() is not null && !Present(v.mechanism))))
            return null;
        return new KnownFailureSyntax([.. variants.Select(v => new KnownVariantSyntax(v.mechanism is null ? null : Name(v.mechanism), Name(v.variant), SpanOf(v)))], SpanOf(context));
    }

    private StatementSyntax? BuildStatement(P.StatementContext context)
    {
        // A block keeps the good statements of its body; an error inside one drops only that statement.
        if (context is P.RepeatStatementContext repeat)
            return BuildRepeat(repeat);
        if (context is P.ExploreStatementContext explore)
            return BuildExplore(explore);
        if (context is P.ForEachStatementContext forEach)
            return BuildForEach(forEach);
        // Error recovery adds error nodes for tokens it conjured up or skipped: such a statement is not what was written.
        if (context.exception is not null || HasErrorNode(context))
            return null;
        var span = SpanOf(context);
        return context switch
        {
            P.KernelStatementContext { variants: P.EveryVariantContext } k when Present(k.mechanism) =>
                new KernelStatementSyntax(Name(k.mechanism), [], Every: true, span),
            P.KernelStatementContext { variants: P.ListedVariantsContext listed } k when Present(k.mechanism) && listed._names.All(Present) =>
                new KernelStatementSyntax(Name(k.mechanism), [.. listed._names.Select(Name)], Every: false, span),
            P.MemoryStatementContext m when Present(m.model) => new MemoryStatementSyntax(Name(m.model), span),
            P.CpusStatementContext c when Present(c.count) => new CpusStatementSyntax(Number(c.count, null), span),
            P.TaskStatementContext t when Present(t.name) && Present(t.privilege) && (t.LBRACK() is null || Present(t.members)) =>
                new TaskStatementSyntax(Name(t.name), t.privilege.Type == P.ROOT ? PrivilegeKeyword.Root : PrivilegeKeyword.User, span, t.members is null ? null : Number(t.members, null)),
            P.SharedStatementContext sh when Present(sh.name) =>
                new SharedStatementSyntax(Name(sh.name), sh.initial is null ? null : Number(sh.initial, null), span),
            P.FileStatementContext f when Present(f.name) && f.size is { exception: null } size =>
                new FileStatementSyntax(Name(f.name), Quantity(size), f.filesystem is { } fs ? Name(fs) : null, span),
            P.CpuStatementContext c => BuildCpuStatement(Cpu(c.CPU().Symbol), c.cpuBody(), span),
            P.ExpectStatementContext e => BuildExpect(e.expectation(), span) is { } expect ? expect with { KnownFailure = BuildKnownFailure(e.knownFailure()) } : null,
            _ => null,
        };
    }

    private RepeatStatementSyntax? BuildRepeat(P.RepeatStatementContext context)
    {
        if (context.exception is not null || !Present(context.count) || !Present(context.RBRACE()?.Symbol))
            return null;
        var body = context.statement().Select(BuildStatement).OfType<StatementSyntax>().ToImmutableArray();
        return new RepeatStatementSyntax(Number(context.count, null), body, SyntaxErrorListener.SpanOf(context.REPEAT().Symbol), SpanOf(context));
    }

    private ExploreStatementSyntax? BuildExplore(P.ExploreStatementContext context)
    {
        if (context.exception is not null || !Present(context.RBRACE()?.Symbol))
            return null;
        var body = context.statement().Select(BuildStatement).OfType<StatementSyntax>().ToImmutableArray();
        return new ExploreStatementSyntax(body, SyntaxErrorListener.SpanOf(context.EXPLORE().Symbol), SpanOf(context));
    }

    private ForEachStatementSyntax? BuildForEach(P.ForEachStatementContext context)
    {
        if (context.exception is not null || !Present(context.group) || !Present(context.RBRACE()?.Symbol))
            return null;
        var body = context.statement().Select(BuildStatement).OfType<StatementSyntax>().ToImmutableArray();
        var keyword = TextSpan.FromBounds(context.FOR().Symbol.StartIndex, context.EACH().Symbol.StopIndex + 1);
        return new ForEachStatementSyntax(Name(context.group), body, keyword, SpanOf(context));
    }

    private StatementSyntax? BuildCpuStatement(CpuSyntax cpu, P.CpuBodyContext? body, TextSpan span) => body switch
    {
        P.SwitchBodyContext s when s.switchTarget() is { } target =>
            new SwitchStatementSyntax(cpu, target.IDLE() is null ? Name(target.Start) : null, span),
        // "until" with no point: the parser has reported it, and there is no statement to build.
        P.ContinueBodyContext c when c.pause() is { } p && !Present(p.point) => null,
        P.ContinueBodyContext c => new ContinueStatementSyntax(cpu, c.pause() is { } p ? BuildPause(p) : null, span),
        P.DrainBodyContext d => new DrainStatementSyntax(cpu, d.count is null ? null : Number(d.count, null), span),
        P.StepBodyContext s when Present(s.task) && BuildAction(s.action()) is { } action => BuildStep(cpu, s, action, span),
        _ => null,
    };

    private StatementSyntax? BuildStep(CpuSyntax cpu, P.StepBodyContext context, CallSyntax action, TextSpan span)
    {
        ResultSyntax? result = null;
        if (context.ARROW() is not null)
        {
            var alternatives = context.result().Select(BuildResult).ToArray();
            if (alternatives.Length == 0 || alternatives.Any(r => r is null))
                return null;
            result = alternatives.Length == 1
                ? alternatives[0]
                : new AlternativeResultsSyntax([.. alternatives.Select(r => r!)], TextSpan.FromBounds(alternatives[0]!.Span.Start, alternatives[^1]!.Span.End));
        }
        StepModifierSyntax? modifier = null;
        if (context.stepModifier() is { } m)
        {
            if (m.exception is not null)
                return null;
            if (m.pause() is { } p)
            {
                if (!Present(p.point))
                    return null;
                var pause = BuildPause(p);
                modifier = new StepModifierSyntax(StepModifierKind.Until, pause.Point, pause.Index, pause.Span);
            }
            else
            {
                if (!Present(m.point))
                    return null;
                var kind = m.kind.Type == P.PREEMPTED ? StepModifierKind.Preempted : StepModifierKind.Failing;
                modifier = new StepModifierSyntax(kind, Name(m.point), null, SpanOf(m));
            }
        }
        NameSyntax? preempts = null;
        if (context.PREEMPTS() is not null)
        {
            if (!Present(context.preempted))
                return null;
            preempts = Name(context.preempted);
        }
        return new StepStatementSyntax(cpu, Name(context.task), action, modifier, result, span) { Preempts = preempts, KnownFailure = BuildKnownFailure(context.knownFailure()) };
    }

    private CallSyntax? BuildAction(P.ActionContext? context)
    {
        if (context is null || context.exception is not null || !Present(context.name))
            return null;
        var name = Name(context.name);
        if (context.argumentList() is { } list)
        {
            if (list.exception is not null || list.argument().Any(a => a.exception is not null))
                return null;
            return new CallSyntax(name, CallForm.Parenthesized, [.. list.argument().Select(BuildArgument)], SpanOf(context));
        }
        if (context.operand() is not { } operand)
            return new CallSyntax(name, CallForm.Bare, [], SpanOf(context));
        if (operand.exception is not null)
            return null;
        ArgumentSyntax[] arguments = Present(operand.port)
            ? [new NumberArgumentSyntax(Number(operand.port, null))]
            : Present(operand.location) ? [new FlagSetArgumentSyntax([Name(operand.location)], Name(operand.location).Span)] : [];
        if (arguments.Length == 0 || operand.ASSIGN() is not null && !Present(operand.written))
            return null;
        if (Present(operand.written))
            arguments = [.. arguments, new NumberArgumentSyntax(Number(operand.written, null))];
        return new CallSyntax(name, CallForm.Operand, [.. arguments], SpanOf(context));
    }

    private ArgumentSyntax BuildArgument(P.ArgumentContext context)
    {
        if (context.quantity() is { } q)
            return new NumberArgumentSyntax(Quantity(q));
        if (context.MINUS() is not null)
            return new NegativeArgumentSyntax(Number(context.INT().Symbol, null), SpanOf(context));
        var names = context.WORD();
        return names.Length > 0
            ? new FlagSetArgumentSyntax(names.Select(n => Name(n.Symbol)).ToImmutableArray(), SpanOf(context))
            : new SwitchArgumentSyntax(context.ON() is not null, SpanOf(context));
    }

    private ResultSyntax? BuildResult(P.ResultContext? context) => context switch
    {
        null => null,
        { exception: not null } => null,
        P.NumberResultContext n => new NumberResultSyntax(Number(n.INT().Symbol, null)),
        P.NameResultContext n => new NameResultSyntax(Name(n.WORD().Symbol)),
        P.FaultResultContext f => new FaultResultSyntax(f.fault.Type == P.PF, SpanOf(f)),
        P.OkResultContext o => new OkResultSyntax(SpanOf(o)),
        _ => null,
    };

    private PauseSyntax BuildPause(P.PauseContext context) =>
        new(Name(context.point), context.index is { } index ? Name(index) : null, SpanOf(context));

    private ExpectStatementSyntax? BuildExpect(P.ExpectationContext? context, TextSpan span)
    {
        if (context is null || context.exception is not null)
            return null;
        var conditions = context.condition().Select(BuildCondition).ToArray();
        if (conditions.Any(c => c is null))
            return null;
        QuantifierKeyword? quantifier = context.quantifier?.Type switch
        {
            null => null,
            P.ALWAYS => QuantifierKeyword.Always,
            P.NEVER => QuantifierKeyword.Never,
            P.SOMETIMES => QuantifierKeyword.Sometimes,
            var other => throw new UnreachableException($"token {P.DefaultVocabulary.GetSymbolicName(other.Value)} is not a quantifier"),
        };
        return new ExpectStatementSyntax(quantifier, conditions.Select(c => c!).ToImmutableArray(), span);
    }

    private ExpectationSyntax? BuildCondition(P.ConditionContext context)
    {
        if (context.exception is not null)
            return null;
        if (context is P.FindingConditionContext finding)
            return Present(finding.objectKind) ? new FindingExpectationSyntax(FindingKindOf(finding.finding.Type), Name(finding.objectKind), SpanOf(finding)) : null;
        if (context is not P.SubjectConditionContext condition || BuildSubject(condition.subject()) is not { } subject)
            return null;
        switch (condition.expectationBody())
        {
            case P.ComparisonBodyContext c when Present(c.op) && c.value() is { exception: null } value:
                var valueSyntax = BuildValue(value);
                return valueSyntax is null
                    ? null
                    : new ComparisonExpectationSyntax(subject, OperatorOf(c.op.Type), c.op.Text, SyntaxErrorListener.SpanOf(c.op), valueSyntax, SpanOf(context));
            case P.IdentityBodyContext i when i.NONE() is not null:
                return new IdentityExpectationSyntax(subject, i.NOT() is not null, null, SpanOf(context));
            case P.IdentityBodyContext i when i.subject() is { } right && BuildSubject(right) is { } rightSubject:
                return new IdentityExpectationSyntax(subject, i.NOT() is not null, rightSubject, SpanOf(context));
            default:
                return null;
        }
    }

    private SubjectSyntax? BuildSubject(P.SubjectContext? context)
    {
        if (context is null || context.exception is not null || !Present(context.target))
            return null;
        SubjectArgumentSyntax? argument = null;
        if (context.subjectArgument() is { } a)
        {
            if (a.exception is not null)
                return null;
            argument = a.CPU() is { } cpu
                ? new SubjectArgumentSyntax(cpu.GetText(), Cpu(cpu.Symbol).Index, SpanOf(a))
                : new SubjectArgumentSyntax(a.GetText(), null, SpanOf(a));
        }
        var field = context.field is { } f && Present(f) ? Name(f) : null;
        var index = context.index is { } i && Present(i)
            ? new SubjectIndexSyntax(i.Text, i.Type == P.INT ? Number(i, null) : null, SyntaxErrorListener.SpanOf(i))
            : null;
        return new SubjectSyntax(Name(context.target), argument, index, field, SpanOf(context));
    }

    private ValueSyntax? BuildValue(P.ValueContext context)
    {
        if (context.quantity() is { } q)
            return new NumberValueSyntax(Quantity(q));
        if (context.subject() is { } s)
        {
            return BuildSubject(s) switch
            {
                null => null,
                { Argument: null, Index: null, Field: null } bare => new NameValueSyntax(bare.Object),
                var subject => new SubjectValueSyntax(subject),
            };
        }
        return context.ON() is not null || context.OFF() is not null
            ? new SwitchValueSyntax(context.ON() is not null, SpanOf(context))
            : null;
    }

    private NumberSyntax Quantity(P.QuantityContext context)
    {
        var unit = context.unit?.Type switch
        {
            P.KIB => SizeUnit.KiB,
            P.MIB => SizeUnit.MiB,
            P.GIB => SizeUnit.GiB,
            null => SizeUnit.None,
            var other => throw new UnreachableException($"token {P.DefaultVocabulary.GetSymbolicName(other.Value)} is not a size unit"),
        };
        return Number(context.INT().Symbol, unit, SpanOf(context));
    }

    private NumberSyntax Number(IToken token, SizeUnit? unit, TextSpan? span = null)
    {
        var text = token.Text;
        var tokenSpan = SyntaxErrorListener.SpanOf(token);
        var parsed = text.StartsWith("0x", StringComparison.Ordinal)
            ? ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        if (!parsed)
            diagnostics.ReportNumberTooLarge(tokenSpan, text);
        return new NumberSyntax(text, parsed ? value : null, unit ?? SizeUnit.None, span ?? tokenSpan);
    }

    private static CpuSyntax Cpu(IToken token)
    {
        var digits = token.Text.AsSpan("cpu".Length);
        var index = int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : (int?)null;
        return new CpuSyntax(index, SyntaxErrorListener.SpanOf(token));
    }

    private static NameSyntax Name(IToken token) => new(token.Text, SyntaxErrorListener.SpanOf(token));

    private static bool HasErrorNode(IParseTree tree) =>
        tree is IErrorNode || Enumerable.Range(0, tree.ChildCount).Any(i => HasErrorNode(tree.GetChild(i)));

    /// <summary>Whether a token is really in the text, not conjured up by error recovery.</summary>
    private static bool Present(IToken? token) => token is not null && token.StartIndex >= 0 && token.TokenIndex >= 0;

    private static TextSpan SpanOf(ParserRuleContext context)
    {
        var stop = context.Stop is { StartIndex: >= 0 } s && s.StopIndex >= context.Start.StartIndex ? s.StopIndex + 1 : context.Start.StopIndex + 1;
        return TextSpan.FromBounds(context.Start.StartIndex, stop);
    }

    private static string Unquote(string text) =>
        text[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);

    private static FindingKeyword FindingKindOf(int type) => type switch
    {
        P.LEAK => FindingKeyword.Leak,
        P.USE_AFTER_FREE => FindingKeyword.UseAfterFree,
        P.DOUBLE_FREE => FindingKeyword.DoubleFree,
        P.REFCOUNT_MISUSE => FindingKeyword.RefcountMisuse,
        P.WARN => FindingKeyword.Warn,
        P.OOPS => FindingKeyword.Oops,
        _ => throw new UnreachableException($"token {P.DefaultVocabulary.GetSymbolicName(type)} is not a finding of the grammar's findingCondition"),
    };

    private static ComparisonOperator OperatorOf(int type) => type switch
    {
        P.EQEQ => ComparisonOperator.Equal,
        P.NEQ => ComparisonOperator.NotEqual,
        P.LT => ComparisonOperator.Less,
        P.LE => ComparisonOperator.LessOrEqual,
        P.GT => ComparisonOperator.Greater,
        P.GE => ComparisonOperator.GreaterOrEqual,
        _ => throw new UnreachableException($"token {P.DefaultVocabulary.GetSymbolicName(type)} is not a comparison"),
    };
}
