namespace ScenarioLang.Compiler.Text;

/// <summary>A span of characters in a source text.</summary>
public readonly record struct TextSpan(int Start, int Length)
{
    public int End => Start + Length;

    public static TextSpan FromBounds(int start, int end) => new(start, Math.Max(0, end - start));
}

/// <summary>A 1-based line and column, as diagnostics and traces print them.</summary>
public readonly record struct LinePosition(int Line, int Column);

/// <summary>The text of one .kscn file with its path and line starts.</summary>
public sealed class SourceText
{
    private readonly int[] _lineStarts;

    private SourceText(string path, string text)
    {
        Path = path;
        Text = text;
        // A line ends at \n, \r\n or a lone \r (old Mac files), as the lexer, which skips all three, sees it.
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.Length || text[i + 1] != '\n')))
                starts.Add(i + 1);
        }
        _lineStarts = starts.ToArray();
    }

    /// <summary>The path as the user gave it; diagnostics and generated #line directives use it.</summary>
    public string Path { get; }

    public string Text { get; }

    public static SourceText From(string text, string path = "scenario.kscn") => new(path, text);

    public static SourceText Load(string path) => new(path, File.ReadAllText(path));

    public int LineCount => _lineStarts.Length;

    public LinePosition GetPosition(int offset)
    {
        var line = Array.BinarySearch(_lineStarts, offset);
        if (line < 0)
            line = ~line - 1;
        return new LinePosition(line + 1, offset - _lineStarts[line] + 1);
    }

    /// <summary>The text of a 1-based line without its line break.</summary>
    public string GetLine(int line)
    {
        var start = _lineStarts[line - 1];
        var end = line < _lineStarts.Length ? _lineStarts[line] : Text.Length;
        return Text[start..end].TrimEnd('\r', '\n');
    }

    public string ToString(TextSpan span) => Text.Substring(span.Start, span.Length);
}
