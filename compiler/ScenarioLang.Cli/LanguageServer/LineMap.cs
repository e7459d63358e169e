using ScenarioLang.Compiler.Text;

namespace ScenarioLang.Cli.LanguageServer;

/// <summary>A 0-based line and character (UTF-16 code units), as LSP counts positions.</summary>
internal readonly record struct LspPosition(int Line, int Character);

/// <summary>
/// Offsets of a text to LSP positions and back. A line ends at \n, \r\n or a lone \r, as LSP and <see cref="SourceText"/>
/// both say; a position past a line's end is its end, and past the last line the text's end.
/// </summary>
internal sealed class LineMap
{
    private readonly string _text;
    private readonly int[] _starts;

    public LineMap(string text)
    {
        _text = text;
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.Length || text[i + 1] != '\n')))
                starts.Add(i + 1);
        }
        _starts = [.. starts];
    }

    public int OffsetOf(LspPosition position)
    {
        if (position.Line < 0)
            return 0;
        if (position.Line >= _starts.Length)
            return _text.Length;
        var start = _starts[position.Line];
        var end = position.Line + 1 < _starts.Length ? _starts[position.Line + 1] : _text.Length;
        // The line's content ends before its line break.
        while (end > start && _text[end - 1] is '\n' or '\r')
            end--;
        return start + Math.Clamp(position.Character, 0, end - start);
    }

    public LspPosition PositionOf(int offset)
    {
        offset = Math.Clamp(offset, 0, _text.Length);
        var line = Array.BinarySearch(_starts, offset);
        if (line < 0)
            line = ~line - 1;
        return new LspPosition(line, offset - _starts[line]);
    }

    public (LspPosition Start, LspPosition End) RangeOf(TextSpan span) => (PositionOf(span.Start), PositionOf(span.End));

    /// <summary>The length of a 0-based line's content, without its line break.</summary>
    public int LineLength(int line) => line < 0 || line >= _starts.Length ? 0 : OffsetOf(new LspPosition(line, int.MaxValue)) - _starts[line];
}
