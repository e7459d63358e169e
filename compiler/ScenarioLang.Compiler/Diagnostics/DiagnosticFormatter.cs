using System.Text;

namespace ScenarioLang.Compiler.Diagnostics;

/// <summary>Prints diagnostics with the source line and a caret under the span.</summary>
public static class DiagnosticFormatter
{
    public static string Format(Diagnostic diagnostic)
    {
        var builder = new StringBuilder();
        builder.Append(diagnostic).Append('\n');
        var start = diagnostic.Start;
        if (start.Line > diagnostic.Source.LineCount)
            return builder.ToString();
        var line = diagnostic.Source.GetLine(start.Line).Replace('\t', ' ');
        var column = Math.Min(start.Column - 1, line.Length);
        // A span that runs past its line is underlined to the end of the line.
        var width = Math.Max(1, Math.Min(diagnostic.Span.Length, line.Length - column));
        builder.Append("    ").Append(line).Append('\n');
        builder.Append("    ").Append(' ', column).Append('^', width).Append('\n');
        return builder.ToString();
    }

    public static string Format(IEnumerable<Diagnostic> diagnostics) => string.Concat(diagnostics.Select(Format));
}
