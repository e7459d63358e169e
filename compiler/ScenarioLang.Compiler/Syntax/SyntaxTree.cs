using Antlr4.Runtime;
using ScenarioLang.Compiler.Diagnostics;
using ScenarioLang.Compiler.Syntax.Generated;
using ScenarioLang.Compiler.Text;

namespace ScenarioLang.Compiler.Syntax;

/// <summary>A parsed .kscn file: its AST and the syntax diagnostics.</summary>
public sealed class SyntaxTree
{
    private SyntaxTree(SourceText source, CompilationUnitSyntax root, DiagnosticBag diagnostics)
    {
        Source = source;
        Root = root;
        Diagnostics = diagnostics;
    }

    public SourceText Source { get; }

    public CompilationUnitSyntax Root { get; }

    public DiagnosticBag Diagnostics { get; }

    /// <summary>How deep repeat and explore blocks may nest inside a scenario (docs/language.md, limits).</summary>
    public const int MaxNesting = 32;

    public static SyntaxTree Parse(SourceText source)
    {
        var diagnostics = new DiagnosticBag(source);
        var listener = new SyntaxErrorListener(diagnostics);
        var lexer = new KscnLexer(new AntlrInputStream(source.Text));
        lexer.RemoveErrorListeners();
        var tokens = new CommonTokenStream(lexer);
        tokens.Fill();
        // The parser recurses once per block; past the limit it is not asked to, so no input can overflow its stack
        // (nor the C# the emitter nests as deep).
        if (FirstTooDeep(tokens.GetTokens()) is { } brace)
        {
            diagnostics.ReportNestingTooDeep(SyntaxErrorListener.SpanOf(brace), MaxNesting);
            return new SyntaxTree(source, new CompilationUnitSyntax([], new TextSpan(0, source.Text.Length)), diagnostics);
        }
        var parser = new KscnParser(tokens);
        parser.RemoveErrorListeners();
        parser.AddErrorListener(listener);
        var tree = parser.compilationUnit();
        var root = new SyntaxTreeBuilder(diagnostics).Build(tree);
        return new SyntaxTree(source, root, diagnostics);
    }

    /// <summary>The first '{' that opens a block nested deeper than <see cref="MaxNesting"/>; the scenario's own is level 0.</summary>
    private static IToken? FirstTooDeep(IList<IToken> tokens)
    {
        var depth = 0;
        foreach (var token in tokens)
        {
            if (token.Type == KscnLexer.LBRACE && ++depth > MaxNesting + 1)
                return token;
            if (token.Type == KscnLexer.RBRACE && depth > 0)
                depth--;
        }
        return null;
    }
}
