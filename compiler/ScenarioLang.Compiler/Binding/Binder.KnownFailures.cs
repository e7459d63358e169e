using System.Collections.Immutable;
using ScenarioLang.Compiler.Syntax;
using ScenarioLang.Runtime.Catalog;

namespace ScenarioLang.Compiler.Binding;

public sealed partial class Binder
{
    /// <summary>
    /// The scenario's known-failure marks: the whole scenario's (first in its body) and each expectation's, checked
    /// against the catalog (a mechanism and a variant that exist, of a mechanism the scenario uses) and against what
    /// they mark (an expectation that can fail, judged once: not inside a repeat).
    /// </summary>
    private ImmutableArray<BoundKnownFailure> BindKnownFailures(ScenarioSyntax syntax, ImmutableArray<BoundStatement> bound, ImmutableArray<string> used)
    {
        var marks = ImmutableArray.CreateBuilder<BoundKnownFailure>();
        var whole = syntax.KnownFailure is { } scenarioMark ? BindKnownFailure(scenarioMark, null, used) : null;
        if (whole is not null)
            marks.Add(whole);
        var steps = BoundSteps(bound);

        void Walk(ImmutableArray<StatementSyntax> statements, string? repeat)
        {
            foreach (var statement in statements)
            {
                switch (statement)
                {
                    case RepeatStatementSyntax r:
                        Walk(r.Body, repeat ?? "repeat " + SyntaxPrinter.Print(r.Count));
                        break;
                    case ForEachStatementSyntax f:
                        Walk(f.Body, repeat ?? "for each " + f.Group.Text);
                        break;
                    case ExploreStatementSyntax e:
                        Walk(e.Body, repeat);
                        break;
                    case ExpectStatementSyntax { KnownFailure: { } mark }:
                        Mark(statement, mark, repeat, canFail: true);
                        break;
                    // A step's result is an expectation only when it states an outcome ('-> C' after fork names a child); a
                    // step that did not bind has its error already.
                    case StepStatementSyntax { KnownFailure: { } mark } step when steps.TryGetValue(Position(step), out var hasOutcome):
                        Mark(statement, mark, repeat, canFail: hasOutcome);
                        break;
                }
            }
        }

        void Mark(StatementSyntax statement, KnownFailureSyntax mark, string? repeat, bool canFail)
        {
            if (!canFail)
            {
                _diagnostics.ReportKnownFailureWithoutExpectation(mark.Span, SyntaxPrinter.Print(statement));
                return;
            }
            if (repeat is not null)
            {
                _diagnostics.ReportKnownFailureInRepeat(mark.Span, repeat);
                return;
            }
            if (BindKnownFailure(mark, Position(statement), used) is not { } known)
                return;
            if (whole is not null && known.Under.FirstOrDefault(whole.Under.Contains) is { Mechanism: not null } both)
            {
                _diagnostics.ReportKnownFailureUnderMarkedScenario(mark.Span, $"{both.Mechanism}={both.Variant}", whole.Position.Line);
                return;
            }
            marks.Add(known);
        }

        Walk(syntax.Statements, null);
        return marks.ToImmutable();
    }

    /// <summary>The mark's variants, each with its mechanism (a bare one takes the mechanism before it); null after an error.</summary>
    private BoundKnownFailure? BindKnownFailure(KnownFailureSyntax mark, Text.LinePosition? target, ImmutableArray<string> used)
    {
        var under = ImmutableArray.CreateBuilder<(string Mechanism, string Variant)>();
        MechanismDeclaration? previous = null;
        foreach (var variant in mark.Variants)
        {
            MechanismDeclaration? mechanism;
            if (variant.Mechanism is null)
            {
                if (previous is null)
                {
                    // The mechanisms the scenario uses that have a variant of that name: one is what was meant.
                    var owners = used.Select(KernelCatalog.Find).OfType<MechanismDeclaration>().Where(m => m.FindVariant(variant.Variant.Text) is not null).ToList();
                    _diagnostics.ReportKnownVariantWithoutMechanism(variant.Span, variant.Variant.Text, owners.Count == 1 ? owners[0].Name : null);
                    return null;
                }
                mechanism = previous;
            }
            else if ((mechanism = KernelCatalog.Find(variant.Mechanism.Text)) is null)
            {
                _diagnostics.ReportUnknownMechanism(variant.Mechanism.Span, variant.Mechanism.Text, KernelCatalog.Mechanisms.Select(m => m.Name));
                return null;
            }
            else if (!used.Contains(mechanism.Name))
            {
                _diagnostics.ReportKnownFailureOfUnusedMechanism(variant.Mechanism.Span, mechanism.Name, used);
                return null;
            }
            if (mechanism.FindVariant(variant.Variant.Text) is null)
            {
                _diagnostics.ReportUnknownVariant(variant.Variant.Span, mechanism.Name, variant.Variant.Text, mechanism.Variants.Select(v => v.Name).ToList());
                return null;
            }
            if (under.Contains((mechanism.Name, variant.Variant.Text)))
            {
                _diagnostics.ReportKnownVariantTwice(variant.Span, $"{mechanism.Name}={variant.Variant.Text}");
                return null;
            }
            under.Add((mechanism.Name, variant.Variant.Text));
            previous = mechanism;
        }
        return new BoundKnownFailure(_source.GetPosition(mark.Span.Start), target, under.ToImmutable());
    }

    /// <summary>Where the bound steps are, each with whether it states an expected outcome: what a step's mark can be about.</summary>
    private static Dictionary<Text.LinePosition, bool> BoundSteps(ImmutableArray<BoundStatement> statements)
    {
        var positions = new Dictionary<Text.LinePosition, bool>();

        void Add(IEnumerable<BoundStatement> block)
        {
            foreach (var statement in block)
            {
                switch (statement)
                {
                    case BoundThreadStep step:
                        positions[step.Position] = positions.GetValueOrDefault(step.Position) || step.Expected is not null;
                        break;
                    case BoundExplore e:
                        Add(e.Steps);
                        break;
                    case BoundRepeat r:
                        Add(r.Body);
                        break;
                    case BoundForEach f:
                        Add(f.Body);
                        break;
                }
            }
        }

        Add(statements);
        return positions;
    }
}
