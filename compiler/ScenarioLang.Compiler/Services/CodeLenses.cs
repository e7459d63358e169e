using System.Collections.Immutable;
using ScenarioLang.Compiler.Binding;
using ScenarioLang.Compiler.Syntax;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Runtime.Catalog;

namespace ScenarioLang.Compiler.Services;

/// <summary>What a code lens over a scenario does.</summary>
public enum ScenarioAction
{
    Run,
    /// <summary>Only over a scenario with an explore block.</summary>
    Explore,
    /// <summary>Only over a scenario that uses a mechanism with more than one variant: runs it once per variant.</summary>
    RunAllVariants,
}

/// <summary>A lens over the <c>scenario</c> line: the scenario, its line (0-based) and the action.</summary>
public sealed record ScenarioLens(string Scenario, int Line, TextSpan Span, ScenarioAction Action);

/// <summary>The lenses over each scenario of a file: Run; Explore when it has an explore block; Run all variants when there are several.</summary>
public static class CodeLenses
{
    public static ImmutableArray<ScenarioLens> Of(CompilationUnit unit)
    {
        var lenses = ImmutableArray.CreateBuilder<ScenarioLens>();
        foreach (var scenario in unit.Syntax.Root.Scenarios)
        {
            var line = unit.Source.GetPosition(scenario.Span.Start).Line - 1;
            var span = new TextSpan(scenario.Span.Start, "scenario".Length);
            lenses.Add(new ScenarioLens(scenario.Name, line, span, ScenarioAction.Run));
            if (HasExplore(scenario.Statements))
                lenses.Add(new ScenarioLens(scenario.Name, line, span, ScenarioAction.Explore));
            if (VariedMechanisms(scenario).Any())
                lenses.Add(new ScenarioLens(scenario.Name, line, span, ScenarioAction.RunAllVariants));
        }
        return lenses.ToImmutable();
    }

    /// <summary>The mechanisms the scenario uses that have more than one variant: what "Run all variants" runs with <c>--variant M=*</c>.</summary>
    public static IEnumerable<string> VariedMechanisms(ScenarioSyntax scenario) =>
        MechanismUse.Of(scenario.Statements).Where(m => KernelCatalog.Find(m)!.Variants.Count > 1);

    private static bool HasExplore(IEnumerable<StatementSyntax> statements) => statements.Any(s => s switch
    {
        ExploreStatementSyntax => true,
        RepeatStatementSyntax r => HasExplore(r.Body),
        ForEachStatementSyntax f => HasExplore(f.Body),
        _ => false,
    });
}
