using System.Text;
using ScenarioLang.Compiler.Syntax;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Runtime.Catalog;

namespace ScenarioLang.Compiler.Services;

/// <summary>What a hover shows: Markdown, and the span of the text it is about.</summary>
public sealed record HoverInfo(TextSpan Span, string Markdown);

/// <summary>
/// What the catalog says about the word at a position: a step's signature, the kernel function it models and its
/// mechanism's variants; the code a variant models; a property's type and meaning; an object kind's, a pause point's;
/// and the diagnostics there, each code linked to its entry in docs/language.md.
/// </summary>
public static class Hover
{
    /// <param name="docsUri">Where docs/language.md is (a URI), for links to a code's entry; none without it.</param>
    public static HoverInfo? At(CompilationUnit unit, int offset, string? docsUri = null)
    {
        var found = Locate.ScenarioAt(unit.Syntax, offset) is { } scenario ? About(scenario.Statements, offset) : null;
        var diagnostics = unit.Diagnostics.Where(d => d.Span.Start <= offset && offset <= d.Span.End).ToList();
        if (found is null && diagnostics.Count == 0)
            return null;
        var b = new StringBuilder(found?.Markdown ?? "");
        foreach (var diagnostic in diagnostics)
        {
            if (b.Length > 0)
                b.Append("\n\n---\n\n");
            var code = DiagnosticDocs.Link(docsUri, diagnostic.Code) is { } link ? $"[{diagnostic.Code}]({link})" : diagnostic.Code;
            b.Append($"**{code}**: {diagnostic.Message}");
        }
        return new HoverInfo(found?.Span ?? diagnostics[0].Span, b.ToString());
    }

    private static HoverInfo? About(IEnumerable<StatementSyntax> statements, int offset)
    {
        foreach (var statement in statements.Where(s => s.Span.Start <= offset && offset <= s.Span.End))
        {
            var info = statement switch
            {
                KernelStatementSyntax k => Kernel(k, offset),
                StepStatementSyntax s => Step(s, offset),
                ContinueStatementSyntax { Until: { } until } when Within(until.Point.Span, offset) =>
                    new HoverInfo(until.Point.Span, PointText(KernelCatalog.Points.Where(p => p.Name == until.Point.Text))),
                ExpectStatementSyntax e => e.Conditions.Select(c => Condition(c, offset)).FirstOrDefault(h => h is not null),
                ExploreStatementSyntax e => About(e.Body, offset),
                RepeatStatementSyntax r => About(r.Body, offset),
                ForEachStatementSyntax f => About(f.Body, offset),
                _ => null,
            };
            if (info is not null)
                return info;
        }
        return null;
    }

    private static bool Within(TextSpan span, int offset) => span.Start <= offset && offset <= span.End;

    private static HoverInfo? Kernel(KernelStatementSyntax statement, int offset)
    {
        if (KernelCatalog.Find(statement.Mechanism.Text) is not { } mechanism)
            return null;
        if (Within(statement.Mechanism.Span, offset))
            return new HoverInfo(statement.Mechanism.Span, MechanismText(mechanism));
        return statement.Variants.FirstOrDefault(v => Within(v.Span, offset)) is { } written && mechanism.FindVariant(written.Text) is { } variant
            ? new HoverInfo(written.Span, VariantText(mechanism, variant))
            : null;
    }

    /// <summary>A mechanism: its summary and each variant with the code it models.</summary>
    public static string MechanismText(MechanismDeclaration mechanism) =>
        $"**kernel mechanism `{mechanism.Name}`**: {mechanism.Summary}\n\nVariants:\n{Completion.VariantList(mechanism)}";

    /// <summary>A variant: the posting or release it models.</summary>
    public static string VariantText(MechanismDeclaration mechanism, VariantDeclaration variant) =>
        $"**{mechanism.Name} = {variant.Name}**{(variant.Name == mechanism.Default ? " (the default)" : "")}\n\n{variant.Models}";

    private static HoverInfo? Step(StepStatementSyntax statement, int offset)
    {
        if (KernelCatalog.FindStep(statement.Action.Name.Text) is not { } step)
            return null;
        if (Within(statement.Action.Name.Span, offset))
            return new HoverInfo(statement.Action.Name.Span, StepText(step));
        if (statement.Modifier is { } modifier && Within(modifier.Point.Span, offset))
        {
            var points = modifier.Kind switch
            {
                StepModifierKind.Until => KernelCatalog.Points.Where(p => p.Step == step.Name && p.Name == modifier.Point.Text),
                StepModifierKind.Preempted => KernelCatalog.PreemptionPoints.Where(p => p.Step == step.Name && p.Name == modifier.Point.Text),
                StepModifierKind.Failing => [],
                _ => throw new ArgumentOutOfRangeException(nameof(statement), modifier.Kind, "a modifier kind"),
            };
            var text = modifier.Kind == StepModifierKind.Failing
                ? $"**{step.Name} failing at {modifier.Point.Text}**: an injected fault makes {step.Name} fail there"
                : modifier.Point.Text == PausePoints.Return
                    ? $"**{PausePoints.Return}**: the body has run, the step has not returned: its stores are still buffered"
                    : PointText(points);
            return new HoverInfo(modifier.Point.Span, text);
        }
        return null;
    }

    /// <summary>A step: its signature, what it models, and its mechanism's variants, whose code it runs.</summary>
    public static string StepText(StepDeclaration step)
    {
        var b = new StringBuilder($"```kscn\n{step.Signature}\n```\n\nModels `{step.Models}`");
        if (KernelCatalog.OwnerOf(step) is { } owner)
        {
            b.Append($"\n\nA step of `{owner.Name}`; what it does depends on the variant:\n");
            b.Append(Completion.VariantList(owner));
        }
        else
        {
            b.Append(" (the shared kernel: the same in every variant)");
        }
        if (step.FaultPoints.Count > 0)
            b.Append($"\n\nCan be made to fail at: {string.Join(", ", step.FaultPoints.Select(p => $"`{p}`"))}");
        return b.ToString();
    }

    private static string PointText(IEnumerable<PausePoint> points) =>
        string.Join("\n\n", points.Select(p => $"**{p.Step} until {p.Name}{(p.Indexed ? "[N]" : "")}**: {p.Description}")) is { Length: > 0 } text
            ? text
            : "no such pause point";

    private static HoverInfo? Condition(ExpectationSyntax condition, int offset) => condition switch
    {
        ComparisonExpectationSyntax c => Subject(c.Subject, offset) ?? (c.Value is SubjectValueSyntax v ? Subject(v.Subject, offset) : null),
        IdentityExpectationSyntax i => Subject(i.Left, offset) ?? (i.Right is { } r ? Subject(r, offset) : null),
        FindingExpectationSyntax f when Within(f.ObjectKind.Span, offset) && KernelCatalog.ObjectKinds.FirstOrDefault(k => k.Name == f.ObjectKind.Text) is { } kind =>
            new HoverInfo(f.ObjectKind.Span, $"**object kind `{kind.Name}`**: {kind.Meaning}" + (KernelCatalog.OwnerOfObjectKind(kind.Name) is { } owner ? $" (mechanism `{owner.Name}`)" : "")),
        _ => null,
    };

    private static HoverInfo? Subject(SubjectSyntax subject, int offset)
    {
        if (!Within(subject.Object.Span, offset) && !(subject.Field is { } field && Within(field.Span, offset)))
            return null;
        return KernelCatalog.FindProperty(subject.Object.Text, subject.Field?.Text) is { } property
            ? new HoverInfo(subject.Span, PropertyText(property))
            : null;
    }

    /// <summary>A property: how it is written, its type, its meaning and whose it is.</summary>
    public static string PropertyText(PropertyDeclaration property) =>
        $"**`{property.Display}`**: {Completion.TypeName(property)}\n\n{property.Meaning}"
        + (KernelCatalog.OwnerOf(property) is { } owner ? $"\n\nA property of `{owner.Name}`" : "");
}
