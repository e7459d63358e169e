using System.Collections.Immutable;
using System.Diagnostics;
using ScenarioLang.Compiler.Diagnostics;
using ScenarioLang.Compiler.Syntax;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Catalog;

namespace ScenarioLang.Compiler.Binding;

public sealed partial class Binder
{
    private BoundStatement? BindExpectation(ScenarioScope scope, ExpectStatementSyntax syntax, bool inRepeat)
    {
        if (syntax.Conditions.Any(c => c is FindingExpectationSyntax))
            return BindFindingExpectation(syntax, inRepeat);
        // After an explore block every execution has its own final state: a plain expectation would not say which.
        if (scope.Explored && syntax.Quantifier is null)
        {
            _diagnostics.ReportUnquantifiedAfterExplore(syntax.Span, SyntaxPrinter.Print(syntax));
            return null;
        }
        var conditions = syntax.Conditions.Select(c => BindCondition(scope, c)).ToArray();
        return conditions.Any(c => c is null)
            ? null
            : new BoundExpectation(Position(syntax), SyntaxPrinter.Print(syntax), syntax.Quantifier is { } q ? Keywords.Quantifier(q) : null, conditions.Select(c => c!).ToImmutableArray());
    }

    /// <summary>
    /// Findings are judged when the scenario ends, whatever the expectation's place: one without a quantifier means
    /// always, even after an explore block, but one inside a repeat would be stated once per iteration.
    /// </summary>
    private BoundFindingExpectation? BindFindingExpectation(ExpectStatementSyntax syntax, bool inRepeat)
    {
        if (inRepeat)
        {
            _diagnostics.ReportNotRepeatable(syntax.Span, SyntaxPrinter.Print(syntax));
            return null;
        }
        var patterns = ImmutableArray.CreateBuilder<FindingPattern>();
        foreach (var condition in syntax.Conditions)
        {
            switch (condition)
            {
                case FindingExpectationSyntax f when KernelCatalog.ObjectKinds.Any(k => k.Name == f.ObjectKind.Text):
                    patterns.Add(new FindingPattern(Keywords.Finding(f.Kind), f.ObjectKind.Text));
                    break;
                case FindingExpectationSyntax f:
                    _diagnostics.ReportUnknownObjectKind(f.ObjectKind.Span, f.ObjectKind.Text, KernelCatalog.ObjectKinds.Select(k => k.Name));
                    break;
                default:
                    _diagnostics.ReportFindingsMixed(condition.Span, SyntaxPrinter.Print(condition));
                    break;
            }
        }
        return patterns.Count == syntax.Conditions.Length
            ? new BoundFindingExpectation(Position(syntax), SyntaxPrinter.Print(syntax), syntax.Quantifier is { } quantifier ? Keywords.Quantifier(quantifier) : Quantifier.Always, patterns.ToImmutable())
            : null;
    }

    private BoundCondition? BindCondition(ScenarioScope scope, ExpectationSyntax syntax)
    {
        switch (syntax)
        {
            case ComparisonExpectationSyntax c:
            {
                var read = BindSubject(scope, c.Subject);
                if (read is null)
                    return null;
                var property = read.Property;
                if (property.Type == PropertyType.Object)
                {
                    _diagnostics.ReportValueDoesNotFit(c.Value.Span, property.Display, "'is' another object or 'is none'");
                    return null;
                }
                if (property.Type is PropertyType.Flag or PropertyType.Name && c.Operator is not (ComparisonOperator.Equal or ComparisonOperator.NotEqual))
                {
                    _diagnostics.ReportOperatorNotAllowed(c.OperatorSpan, c.OperatorText, property.Display);
                    return null;
                }
                if (RightSubject(scope, property, c.Value) is { } other)
                    return BindSubjectComparison(scope, c, read, other);
                var value = BindConstant(property, c.Value);
                return value is null ? null : new BoundComparison(SyntaxPrinter.Print(c.Subject), read, Keywords.Comparison(c.Operator), value);
            }
            case IdentityExpectationSyntax i:
            {
                var left = BindObject(scope, i.Left);
                var right = i.Right is null ? null : BindObject(scope, i.Right);
                if (left is null || (i.Right is not null && right is null))
                    return null;
                return new BoundIdentity(SyntaxPrinter.Print(i.Left), left, right, !i.Negated);
            }
            default:
                return null;
        }
    }

    /// <summary>
    /// The right side of a comparison when it is another subject: one written with an argument, index or field, or a bare
    /// name that is a register or shared word where the left side is a number (elsewhere a bare name is a constant such
    /// as valid-map).
    /// </summary>
    private static SubjectSyntax? RightSubject(ScenarioScope scope, PropertyDeclaration left, ValueSyntax value) => value switch
    {
        SubjectValueSyntax s => s.Subject,
        NameValueSyntax { Name: var name } when left.Type is PropertyType.Count or PropertyType.Bytes or PropertyType.Register
            && (scope.Registers.Contains(name.Text) || scope.SharedWords.ContainsKey(name.Text)) => new SubjectSyntax(name, null, null, null, name.Span),
        _ => null,
    };

    /// <summary>Both sides are read when the expectation is judged; they must be of one type (a count with a count, bytes with bytes…).</summary>
    private BoundSubjectComparison? BindSubjectComparison(ScenarioScope scope, ComparisonExpectationSyntax syntax, BoundPropertyRead left, SubjectSyntax subject)
    {
        var right = BindSubject(scope, subject);
        if (right is null)
            return null;
        if (right.Property.Type != left.Property.Type)
        {
            _diagnostics.ReportSubjectsOfDifferentTypes(subject.Span, SyntaxPrinter.Print(syntax.Subject), TypeDescription(left.Property.Type),
                SyntaxPrinter.Print(subject), TypeDescription(right.Property.Type));
            return null;
        }
        return new BoundSubjectComparison(SyntaxPrinter.Print(syntax.Subject), left, Keywords.Comparison(syntax.Operator), SyntaxPrinter.Print(subject), right);
    }

    private static string TypeDescription(PropertyType type) => type switch
    {
        PropertyType.Count => "a count",
        PropertyType.Bytes => "a size in bytes",
        PropertyType.Register => "a register's bits",
        PropertyType.Flag => "a flag",
        PropertyType.Name => "a name",
        PropertyType.Object => "a kernel object (compare it with 'is')",
        _ => throw new System.Diagnostics.UnreachableException($"property type {type}"),
    };

    private BoundPropertyRead? BindObject(ScenarioScope scope, SubjectSyntax subject)
    {
        var read = BindSubject(scope, subject);
        if (read is null || read.Property.Type == PropertyType.Object)
            return read;
        _diagnostics.ReportNotAnObject(subject.Span, read.Property.Display);
        return null;
    }

    private BoundPropertyRead? BindSubject(ScenarioScope scope, SubjectSyntax subject)
    {
        // A bare name is a register a load wrote or a shared word, before it is a property.
        if (subject is { Argument: null, Index: null, Field: null, Object.Text: var name })
        {
            if (scope.Registers.Contains(name))
                return CheckNotPending(scope, "register", name, subject.Span) ? new BoundPropertyRead(PropertyDeclaration.Register(name), new BoundNameArgument(name)) : null;
            if (scope.SharedWords.ContainsKey(name))
                return new BoundPropertyRead(PropertyDeclaration.SharedWord(name), new BoundNameArgument(name));
        }
        var property = KernelCatalog.FindProperty(subject.Object.Text, subject.Field?.Text);
        if (property is null)
        {
            var (hint, fix) = PropertyHint(subject);
            _diagnostics.ReportUnknownProperty(subject.Span, SubjectName(subject), hint, fix?.Replacement, fix?.Span);
            return null;
        }
        BoundSubjectArgument? argument = (property.Argument, subject.Argument) switch
        {
            (PropertyArgument.None, null) => new BoundNoArgument(),
            (PropertyArgument.Cpu, { Cpu: { } cpu }) when cpu < scope.Current.Length => new BoundCpuArgument(cpu),
            (PropertyArgument.Cpu, { Cpu: { } cpu }) => ReportCpu(subject.Argument.Span, cpu, scope.Current.Length),
            (PropertyArgument.Task, { Cpu: null } a) => LookupTask(scope, new NameSyntax(a.Text, a.Span)) is { } task ? new BoundTaskArgument(task) : null,
            (PropertyArgument.File, { Cpu: null } a) => CheckFile(scope, a.Text, a.Span) ? new BoundNameArgument(a.Text) : null,
            _ => ReportArgument(subject, property),
        };
        if (argument is null)
            return null;
        if (property.ReadsMm && argument is BoundTaskArgument { Task: var owner } && scope.Exited.TryGetValue(owner, out var exitLine))
        {
            _diagnostics.ReportTaskHasNoMm(subject.Span, SyntaxPrinter.Print(subject), owner.Name, exitLine);
            return null;
        }
        if ((property.Index == PropertyIndex.None) != (subject.Index is null))
        {
            _diagnostics.ReportPropertyIndex(subject.Index?.Span ?? subject.Span, SubjectName(subject), property.Display);
            return null;
        }
        switch (property.Index, subject.Index)
        {
            case (PropertyIndex.Area, { Address: null } area):
                return CheckArea(scope, area.Text, area.Span) ? new BoundPropertyRead(property, argument, Area: area.Text) : null;
            case (PropertyIndex.Area, { } index):
                _diagnostics.ReportPropertyIndexKind(index.Span, property.Display, "the name of a vmalloc area, not an address");
                return null;
            case (PropertyIndex.Address, { Address: { } address }):
                // A null value overflowed, which is reported already.
                return address.Value is { } value ? new BoundPropertyRead(property, argument, Address: value) : null;
            case (PropertyIndex.Address, { } index):
                _diagnostics.ReportPropertyIndexKind(index.Span, property.Display, "an address such as 0x40000000, not a name");
                return null;
            default:
                return new BoundPropertyRead(property, argument);
        }
    }

    private BoundSubjectArgument? ReportCpu(TextSpan span, int cpu, int cpus)
    {
        _diagnostics.ReportCpuOutOfRange(span, cpu, cpus);
        return null;
    }

    private BoundSubjectArgument? ReportArgument(SubjectSyntax subject, PropertyDeclaration property)
    {
        var expected = property.Argument switch
        {
            PropertyArgument.Cpu => "a CPU: " + property.Display.Replace("cpuN", "cpu0", StringComparison.Ordinal),
            PropertyArgument.Task => "a task name: " + property.Display.Replace("TASK", "A", StringComparison.Ordinal),
            PropertyArgument.File => "a file name: " + property.Display.Replace("FILE", "db", StringComparison.Ordinal),
            _ => "no argument: " + property.Display,
        };
        _diagnostics.ReportPropertyArgument(subject.Argument?.Span ?? subject.Object.Span, SubjectName(subject), expected);
        return null;
    }

    private BoundConstant? BindConstant(PropertyDeclaration property, ValueSyntax value)
    {
        switch (property.Type, value)
        {
            case (PropertyType.Count or PropertyType.Register, NumberValueSyntax { Number: { Unit: SizeUnit.None, Value: { } n } }) when n <= long.MaxValue:
                return new BoundConstant(property.Type, (long)n, false, null);
            case (PropertyType.Bytes, NumberValueSyntax { Number: var number }) when Scale(number) is { } bytes && bytes <= long.MaxValue:
                return new BoundConstant(property.Type, (long)bytes, false, null);
            case (PropertyType.Flag, SwitchValueSyntax s):
                return new BoundConstant(property.Type, 0, s.On, null);
            case (PropertyType.Flag, NameValueSyntax { Name.Text: "true" or "false" } n):
                return new BoundConstant(property.Type, 0, n.Name.Text == "true", null);
            case (PropertyType.Name, NameValueSyntax { Name.Text: var name }) when property.Names.Contains(name):
                return new BoundConstant(property.Type, 0, false, name);
            case (_, NumberValueSyntax { Number.Value: null }):
                return null; // already reported as too large
            default:
                _diagnostics.ReportValueDoesNotFit(value.Span, property.Display, property.Type switch
                {
                    PropertyType.Count or PropertyType.Register => "a whole number (no unit)",
                    PropertyType.Bytes => "a size such as 24, 0x18 or 8 KiB",
                    PropertyType.Flag => "on or off",
                    PropertyType.Name => string.Join(", ", property.Names.SkipLast(1)) + " or " + property.Names[^1],
                    PropertyType.Object => throw new UnreachableException("an object is compared with 'is', not a constant"),
                    _ => throw new UnreachableException($"property type {property.Type}"),
                });
                return null;
        }
    }

    /// <summary>
    /// For KSC0301: the property spelled closest to the one written, else the properties of its object, else where the
    /// docs list them all (forty are too many for a message).
    /// </summary>
    /// <remarks>
    /// The closest property is also an edit when it differs from the subject in its object alone or its field alone (the
    /// argument and index stay as written).
    /// </remarks>
    private static (string Hint, DiagnosticFix? Fix) PropertyHint(SubjectSyntax subject)
    {
        var byName = KernelCatalog.Properties.ToDictionary(p => p.Object + (p.Field is null ? "" : "." + p.Field), p => p, StringComparer.Ordinal);
        if (Spelling.Closest(SubjectName(subject), byName.Keys) is { } closest)
        {
            var meant = byName[closest];
            DiagnosticFix? fix = (subject.Object.Text == meant.Object, subject.Field?.Text == meant.Field) switch
            {
                (true, false) when subject.Field is { } field && meant.Field is not null => new DiagnosticFix(field.Span, meant.Field),
                (false, true) => new DiagnosticFix(subject.Object.Span, meant.Object),
                _ => null,
            };
            return ($"did you mean '{meant.Display}'?", fix);
        }
        var same = KernelCatalog.Properties.Where(p => p.Object == subject.Object.Text).Select(p => p.Display).ToList();
        return (same.Count > 0
            ? $"{subject.Object.Text} has {string.Join(", ", same)}"
            : "docs/language.md lists every property (section 9, Properties)", null);
    }

    private static string SubjectName(SubjectSyntax subject) =>
        subject.Object.Text + (subject.Field is null ? "" : "." + subject.Field.Text);
}
