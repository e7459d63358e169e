using System.Text.RegularExpressions;

namespace ScenarioLang.Tests.Fuzzing.Engine;

/// <summary>
/// Whether kscn's text diagnostics for one file have the promised form: each is
/// <c>path(line,col): error KSCdddd: message</c> with a position inside the file, then the source line and a caret line;
/// the last line counts the errors. Lenient where issue 17 is changing the output (escaped and windowed source lines,
/// a closing "N more errors" line, line breaks other than LF): it checks the form, not the exact echo.
/// </summary>
internal static partial class DiagnosticShape
{
    [GeneratedRegex(@"^\((\d+),(\d+)\): (error|warning) KSC\d{4}: \S.*$")]
    private static partial Regex Header();

    [GeneratedRegex(@"^    ( *)\^+$")]
    private static partial Regex Caret();

    [GeneratedRegex(@"^(\d+) errors?$")]
    private static partial Regex Count();

    /// <summary>Null when <paramref name="stderr"/> is well-formed diagnostics of <paramref name="text"/>; otherwise what is wrong.</summary>
    public static string? Problem(string stderr, string path, string text, bool errorsExpected)
    {
        if (stderr.Length > 0 && !stderr.EndsWith('\n'))
            return "stderr does not end with a line break";
        var lines = stderr.Length == 0 ? [] : stderr[..^1].Split('\n');
        var errors = 0;
        int? counted = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (counted is not null)
                return $"line {i + 1} follows the error count: {Mutator.Ascii(line)}";
            if (Count().Match(line) is { Success: true } count)
            {
                counted = int.Parse(count.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                continue;
            }
            if (line.Contains(" more error", StringComparison.Ordinal))
                continue;
            var header = line.StartsWith(path + "(", StringComparison.Ordinal) ? Header().Match(line[path.Length..]) : Match.Empty;
            if (!header.Success)
                return $"line {i + 1} is not a diagnostic: {Mutator.Ascii(Head(line))}";
            var (row, column) = (long.Parse(header.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), long.Parse(header.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
            if (!Inside(text, row, column))
                return $"line {i + 1}: ({row},{column}) is not a position in the file: {Mutator.Ascii(Head(line))}";
            if (i + 2 >= lines.Length || !lines[i + 1].StartsWith("    ", StringComparison.Ordinal))
                return $"line {i + 1}: no source line after the diagnostic: {Mutator.Ascii(Head(line))}";
            if (Caret().Match(lines[i + 2]) is not { Success: true } caret)
                return $"line {i + 3}: no caret line under the source line of: {Mutator.Ascii(Head(line))}";
            if (caret.Groups[1].Length > lines[i + 1].Length - 4)
                return $"line {i + 3}: the caret is right of the echoed source line";
            if (header.Groups[3].Value == "error")
                errors++;
            i += 2;
        }
        if (!errorsExpected)
            return errors == 0 && counted is null ? null : $"{errors} errors printed with a success exit";
        if (errors == 0)
            return "no error printed with exit 2";
        if (counted is null)
            return "no closing error count";
        return counted < errors ? $"the count says {counted} errors, {errors} are printed" : null;
    }

    /// <summary>
    /// Whether (line, column) is a character of the text, or just past the end of its line, with lines ended as kscn ends
    /// them: LF, CRLF or a lone CR (not NEL, FF or U+2028, which .NET's ReplaceLineEndings would also take).
    /// </summary>
    internal static bool Inside(string text, long line, long column) =>
        InsideLines(text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n'), line, column);

    private static bool InsideLines(string[] lines, long line, long column) =>
        line >= 1 && line <= lines.Length && column >= 1 && column <= lines[line - 1].Length + 1;

    private static string Head(string line) => line.Length <= 160 ? line : line[..160] + "...";
}
