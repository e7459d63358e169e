using System.Collections.Immutable;
using ScenarioLang.Compiler.Diagnostics;
using ScenarioLang.Compiler.Text;

namespace ScenarioLang.Compiler.Services;

/// <summary>A quick fix: its title, the diagnostic it fixes, and its edit.</summary>
public sealed record CodeFix(string Title, Diagnostic Diagnostic, TextEdit Edit);

/// <summary>The quick fixes of the "did you mean" diagnostics whose spans meet a range: each replaces the name with the one meant.</summary>
public static class CodeFixes
{
    public static ImmutableArray<CodeFix> For(CompilationUnit unit, TextSpan range) =>
    [
        .. unit.Diagnostics
            .Where(d => d.Fix is not null && d.Span.Start <= range.End && range.Start <= d.Span.End)
            .Select(d => new CodeFix($"Change '{unit.Source.ToString(d.Fix!.Span)}' to '{d.Fix.Replacement}'", d, new TextEdit(d.Fix.Span, d.Fix.Replacement))),
    ];
}
