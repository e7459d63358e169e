using System.Text;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Compiler.Diagnostics;

/// <summary>
/// Prints diagnostics with the source line and a caret under the span. The line is escaped as the trace escapes what a
/// file controls (<see cref="PrintableText"/>), and a long one is cut to a window around the caret, marked with '…', so
/// that many errors on one huge line print in proportion to their number, not to the line's length.
/// </summary>
public static class DiagnosticFormatter
{
    /// <summary>The most characters of a source line printed under a diagnostic.</summary>
    public const int MaxLineWidth = 120;

    /// <summary>How much of a cut line is kept before the caret, for context.</summary>
    private const int Lead = 40;

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
        var end = Math.Min(column + diagnostic.Span.Length, line.Length);
        var from = 0;
        var to = line.Length;
        if (line.Length > MaxLineWidth)
        {
            from = Math.Max(0, Math.Min(column - Lead, line.Length - MaxLineWidth));
            to = from + MaxLineWidth;
            end = Math.Min(end, to);
        }
        var segment = line[from..to];
        var (text, caret) = PrintableText.Escape(segment, column - from);
        var (_, caretEnd) = PrintableText.Escape(segment, end - from);
        var before = from > 0 ? "…" : "";
        var after = to < line.Length ? "…" : "";
        builder.Append("    ").Append(before).Append(text).Append(after).Append('\n');
        builder.Append("    ").Append(' ', before.Length + caret).Append('^', Math.Max(1, caretEnd - caret)).Append('\n');
        return builder.ToString();
    }

    public static string Format(IEnumerable<Diagnostic> diagnostics) => string.Concat(diagnostics.Select(Format));
}
