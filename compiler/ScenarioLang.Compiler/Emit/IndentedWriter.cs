using System.Text;

namespace ScenarioLang.Compiler.Emit;

/// <summary>Writes C# text line by line at the current indentation; braces open and close blocks.</summary>
internal sealed class IndentedWriter
{
    private const string Indent = "    ";
    private readonly StringBuilder _builder = new();
    private int _depth;

    public IndentedWriter Line(string text = "")
    {
        if (text.Length > 0)
        {
            for (var i = 0; i < _depth; i++)
                _builder.Append(Indent);
            _builder.Append(text);
        }
        _builder.Append('\n');
        return this;
    }

    /// <summary>A preprocessor directive, which C# wants at the start of the line.</summary>
    public IndentedWriter Directive(string text)
    {
        _builder.Append(text).Append('\n');
        return this;
    }

    public IndentedWriter OpenBlock(string header)
    {
        Line(header);
        Line("{");
        _depth++;
        return this;
    }

    public IndentedWriter CloseBlock(string suffix = "")
    {
        _depth--;
        return Line("}" + suffix);
    }

    public override string ToString() => _builder.ToString();
}
