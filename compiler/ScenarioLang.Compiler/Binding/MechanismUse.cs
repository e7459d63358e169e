using System.Collections.Immutable;
using System.Diagnostics;
using ScenarioLang.Compiler.Syntax;
using ScenarioLang.Runtime.Catalog;

namespace ScenarioLang.Compiler.Binding;

/// <summary>
/// The mechanisms a scenario uses: those it names in a <c>kernel</c> statement, and those that declare a step, a pause
/// or preemption point, a property or an object kind it writes. Its trace and matrix show only these mechanisms'
/// variants and costs, so a litmus test does not print an ioperm variant it never touches.
/// </summary>
internal static class MechanismUse
{
    /// <summary>The names of the mechanisms <paramref name="statements"/> use, in the catalog's order.</summary>
    public static ImmutableArray<string> Of(ImmutableArray<StatementSyntax> statements)
    {
        var used = new HashSet<MechanismDeclaration>();
        foreach (var statement in statements)
            Collect(statement, used);
        return [.. KernelCatalog.Mechanisms.Where(used.Contains).Select(m => m.Name)];
    }

    private static void Collect(StatementSyntax statement, HashSet<MechanismDeclaration> used)
    {
        void Add(MechanismDeclaration? mechanism)
        {
            if (mechanism is not null)
                used.Add(mechanism);
        }

        switch (statement)
        {
            case KernelStatementSyntax k:
                Add(KernelCatalog.Find(k.Mechanism.Text));
                break;
            case StepStatementSyntax s:
                if (KernelCatalog.FindStep(s.Action.Name.Text) is not { } step)
                    break;
                Add(KernelCatalog.OwnerOf(step));
                if (s.Modifier is { } modifier)
                    Add(KernelCatalog.OwnerOfPoint(step.Name, modifier.Point.Text));
                break;
            case ExpectStatementSyntax e:
                foreach (var condition in e.Conditions)
                    Collect(condition, Add);
                break;
            case RepeatStatementSyntax or ExploreStatementSyntax or ForEachStatementSyntax:
                foreach (var inner in Body(statement))
                    Collect(inner, used);
                break;
        }
    }

    private static ImmutableArray<StatementSyntax> Body(StatementSyntax block) => block switch
    {
        RepeatStatementSyntax r => r.Body,
        ExploreStatementSyntax x => x.Body,
        ForEachStatementSyntax f => f.Body,
        _ => throw new UnreachableException($"{block.GetType().Name} has no body"),
    };

    private static void Collect(ExpectationSyntax condition, Action<MechanismDeclaration?> add)
    {
        void Subject(SubjectSyntax? subject)
        {
            if (subject is not null && KernelCatalog.FindProperty(subject.Object.Text, subject.Field?.Text) is { } property)
                add(KernelCatalog.OwnerOf(property));
        }

        switch (condition)
        {
            case ComparisonExpectationSyntax c:
                Subject(c.Subject);
                Subject((c.Value as SubjectValueSyntax)?.Subject);
                break;
            case IdentityExpectationSyntax i:
                Subject(i.Left);
                Subject(i.Right);
                break;
            case FindingExpectationSyntax f:
                add(KernelCatalog.OwnerOfObjectKind(f.ObjectKind.Text));
                break;
            default:
                throw new UnreachableException($"expectation {condition.GetType().Name}");
        }
    }
}
