using System.Globalization;
using System.Text;

namespace ScenarioLang.Runtime.Tracing;

/// <summary>
/// Text a scenario file controls (titles, names, echoed source lines) made safe to print: a control character, a line
/// separator or a bidi control would let a file move the cursor, rewrite the terminal's title or reorder what a
/// reviewer reads, so each is shown escaped, as git quotes such a path. Everything else, backslash included, prints as is.
/// </summary>
public static class PrintableText
{
    /// <summary>Whether <paramref name="c"/> is printed escaped.</summary>
    public static bool IsEscaped(char c) =>
        char.IsControl(c) // C0 (NUL, BEL, CR, ESC…), DEL and C1 (NEL, CSI…)
        || c is '\u2028' or '\u2029' // line and paragraph separators
        || c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069'); // bidi controls

    /// <summary><paramref name="text"/> with every escaped character spelled out.</summary>
    public static string Escape(string text) => Escape(text, 0).Text;

    /// <summary>
    /// <paramref name="text"/> escaped, and where the character at 0-based <paramref name="column"/> ends up, so that a
    /// caret printed under the escaped line stays under the character it points at.
    /// </summary>
    public static (string Text, int Column) Escape(string text, int column)
    {
        if (!NeedsEscape(text))
            return (text, column);
        var builder = new StringBuilder(text.Length + 16);
        var mapped = column;
        for (var i = 0; i < text.Length; i++)
        {
            if (i == column)
                mapped = builder.Length;
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
                continue;
            }
            if (char.IsSurrogate(c))
                builder.Append(Hex(c)); // a lone surrogate cannot be encoded as UTF-8
            else if (IsEscaped(c))
                builder.Append(Spelling(c));
            else
                builder.Append(c);
        }
        if (column >= text.Length)
            mapped = builder.Length + (column - text.Length);
        return (builder.ToString(), mapped);
    }

    private static bool NeedsEscape(string text)
    {
        // Most text printed is printable ASCII, which a vectorised scan passes whole; only the characters it stops at are
        // looked at (SB-16 prints 65,536 state lines, each with one '×').
        var rest = text.AsSpan();
        for (var at = rest.IndexOfAnyExceptInRange(' ', '~'); at >= 0; at = rest.IndexOfAnyExceptInRange(' ', '~'))
        {
            if (IsEscaped(rest[at]) || char.IsSurrogate(rest[at]))
                return true;
            rest = rest[(at + 1)..];
        }
        return false;
    }

    private static string Spelling(char c) => c switch
    {
        '\0' => "\\0",
        '\a' => "\\a",
        '\b' => "\\b",
        '\t' => "\\t",
        '\n' => "\\n",
        '\v' => "\\v",
        '\f' => "\\f",
        '\r' => "\\r",
        '\u001B' => "\\e",
        _ => Hex(c),
    };

    private static string Hex(char c) => c <= '\u00FF'
        ? "\\x" + ((int)c).ToString("X2", CultureInfo.InvariantCulture)
        : "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture);
}
