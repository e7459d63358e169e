using System.Collections.Immutable;
using ScenarioLang.Compiler.Syntax;
using ScenarioLang.Compiler.Text;

namespace ScenarioLang.Compiler.Services;

public enum SymbolKind
{
    Scenario,
    Task,
    TaskGroup,
    Explore,
}

/// <summary>An entry of a file's outline: its name, what it is, the whole span and the span to select, and what it contains.</summary>
public sealed record DocumentSymbol(string Name, SymbolKind Kind, string? Detail, TextSpan Span, TextSpan SelectionSpan, ImmutableArray<DocumentSymbol> Children);

/// <summary>A file's outline: its scenarios, each with its tasks (declared or forked) and explore blocks.</summary>
public static class DocumentSymbols
{
    public static ImmutableArray<DocumentSymbol> Of(CompilationUnit unit) => [.. unit.Syntax.Root.Scenarios.Select(Scenario)];

    private static DocumentSymbol Scenario(ScenarioSyntax scenario)
    {
        var names = ScenarioNames.Of(scenario);
        var children = names.Occurrences
            .Where(o => o.IsDeclaration && o.Kind is NameKind.Task or NameKind.TaskGroup)
            .Select(o => new DocumentSymbol(o.Name, o.Kind == NameKind.Task ? SymbolKind.Task : SymbolKind.TaskGroup,
                o.Kind == NameKind.TaskGroup ? "task group" : "task", o.Span, o.Span, []))
            .Concat(Explores(scenario.Statements))
            .OrderBy(s => s.Span.Start)
            .ToImmutableArray();
        return new DocumentSymbol(scenario.Name, SymbolKind.Scenario, "scenario", scenario.Span, scenario.NameSpan, children);
    }

    private static IEnumerable<DocumentSymbol> Explores(IEnumerable<StatementSyntax> statements) => statements.SelectMany(s => s switch
    {
        ExploreStatementSyntax e => [new DocumentSymbol("explore", SymbolKind.Explore, $"{Steps(e.Body)} steps", e.Span, e.KeywordSpan, [])],
        RepeatStatementSyntax r => Explores(r.Body),
        ForEachStatementSyntax f => Explores(f.Body),
        _ => [],
    });

    private static int Steps(IEnumerable<StatementSyntax> body) => body.Count(s => s is StepStatementSyntax);
}
