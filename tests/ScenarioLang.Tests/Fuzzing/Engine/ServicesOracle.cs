using ScenarioLang.Compiler;
using ScenarioLang.Compiler.Services;
using ScenarioLang.Compiler.Text;

namespace ScenarioLang.Tests.Fuzzing.Engine;

/// <summary>
/// The editor's services on a mutated file, as the language server calls them while someone types: the outline and
/// the code lenses, then completion, hover, go to definition and rename at offsets of the text (its ends, every token's
/// start and end, and random ones), and the quick fixes of every diagnostic. None may throw, and every span they answer
/// with must lie in the text; a rename's edits must not overlap.
/// </summary>
internal static class ServicesOracle
{
    /// <summary>Names a rename may be asked for: valid, taken by keywords, empty, odd.</summary>
    private static readonly string[] NewNames = ["Renamed", "A", "B2", "scenario", "explore", "", "a b", "9x", "\u00fc", "x.y", new string('n', 300)];

    /// <summary>What a service got wrong on <paramref name="text"/>, or null; the offsets beyond the tokens' are drawn from <paramref name="random"/>.</summary>
    public static string? Problem(string text, FuzzRandom random)
    {
        var unit = Analysis.Of(SourceText.From(text, "fuzz.kscn"));
        string? Outside(string what, TextSpan span) =>
            span.Start >= 0 && span.Length >= 0 && span.Start + span.Length <= text.Length ? null : $"{what}: span {span.Start}+{span.Length} outside the text of {text.Length} characters";

        foreach (var symbol in Flatten(DocumentSymbols.Of(unit)))
        {
            if ((Outside($"document symbol '{symbol.Name}'", symbol.Span) ?? Outside($"document symbol '{symbol.Name}' (selection)", symbol.SelectionSpan)) is { } problem)
                return problem;
        }
        foreach (var lens in CodeLenses.Of(unit))
        {
            if (Outside($"code lens of '{lens.Scenario}'", lens.Span) is { } problem)
                return problem;
        }
        foreach (var fix in CodeFixes.For(unit, new TextSpan(0, text.Length)))
        {
            if (Outside($"quick fix '{fix.Title}'", fix.Edit.Span) is { } problem)
                return problem;
        }
        foreach (var offset in Offsets(text, random))
        {
            var completion = Completion.At(unit, offset);
            var problem = Outside($"completion at {offset}", completion.Replace)
                ?? (Hover.At(unit, offset) is { } hover ? Outside($"hover at {offset}", hover.Span) : null)
                ?? (Definition.At(unit, offset) is { } definition ? Outside($"definition at {offset}", definition) : null)
                ?? (Rename.Prepare(unit, offset) is { } name ? Outside($"rename at {offset}", name) ?? Renamed(unit, offset, random.Pick(NewNames), Outside) : null);
            if (problem is not null)
                return problem;
        }
        return null;
    }

    /// <summary>The rename's edits, each in the text and none overlapping the next.</summary>
    private static string? Renamed(CompilationUnit unit, int offset, string newName, Func<string, TextSpan, string?> outside)
    {
        var edits = Rename.At(unit, offset, newName).Edits.OrderBy(e => e.Span.Start).ToList();
        for (var i = 0; i < edits.Count; i++)
        {
            if (outside($"rename at {offset} to '{newName}'", edits[i].Span) is { } problem)
                return problem;
            if (i > 0 && edits[i - 1].Span.Start + edits[i - 1].Span.Length > edits[i].Span.Start)
                return $"rename at {offset} to '{newName}': edits at {edits[i - 1].Span.Start} and {edits[i].Span.Start} overlap";
        }
        return null;
    }

    /// <summary>0, the end, each token's start and end (the first 200 tokens), and 32 offsets at random.</summary>
    private static IEnumerable<int> Offsets(string text, FuzzRandom random)
    {
        var offsets = new SortedSet<int> { 0, text.Length };
        var at = 0;
        foreach (var token in KscnTokens.Split(text).Take(200))
        {
            offsets.Add(at);
            at += token.Text.Length;
            offsets.Add(Math.Min(at, text.Length));
        }
        for (var i = 0; i < 32; i++)
            offsets.Add(random.Next(text.Length + 1));
        return offsets;
    }

    private static IEnumerable<DocumentSymbol> Flatten(IEnumerable<DocumentSymbol> symbols) =>
        symbols.SelectMany(s => Flatten(s.Children).Prepend(s));
}
