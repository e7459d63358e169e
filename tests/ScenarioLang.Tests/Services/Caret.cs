using ScenarioLang.Compiler;
using ScenarioLang.Compiler.Services;
using ScenarioLang.Compiler.Text;

namespace ScenarioLang.Tests.Services;

/// <summary>A buffer with the position of the caret marked <c>$$</c>, analysed as an editor's language services see it.</summary>
internal static class Caret
{
    public const string Marker = "$$";

    public static (CompilationUnit Unit, int Offset) Parse(string marked)
    {
        var offset = marked.IndexOf(Marker, StringComparison.Ordinal);
        Assert.True(offset >= 0, "the text marks the caret with $$");
        return (Analysis.Of(SourceText.From(marked.Remove(offset, Marker.Length), "test.kscn")), offset);
    }

    /// <summary>A scenario with tasks A and B, file db, shared x and area V, and <paramref name="lines"/> in it (one with the caret).</summary>
    public static string InScenario(string lines, string settings = "") =>
        $"scenario \"s\" {{\n{settings}  task A root\n  task B user\n  shared x\n  file db = 2 MiB\n  cpu0 kernel: vmalloc(4 KiB) -> V\n{lines}\n}}\n";

    /// <summary>The offset of the <paramref name="nth"/> occurrence (from 0) of <paramref name="word"/> in the unit's text, plus <paramref name="into"/>.</summary>
    public static int OffsetOf(CompilationUnit unit, string word, int nth = 0, int into = 1)
    {
        var at = -1;
        for (var i = 0; i <= nth; i++)
        {
            at = unit.Source.Text.IndexOf(word, at + 1, StringComparison.Ordinal);
            Assert.True(at >= 0, $"'{word}' occurs {nth + 1} times");
        }
        return at + into;
    }
}
