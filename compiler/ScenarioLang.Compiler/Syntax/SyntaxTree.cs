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

    public static SyntaxTree Parse(SourceText source)
    {
        var diagnostics = new DiagnosticBag(source);
        var listener = new SyntaxErrorListener(diagnostics);
        var lexer = new KscnLexer(new AntlrInputStream(source.Text));
        lexer.RemoveErrorListeners();
        var parser = new KscnParser(new CommonTokenStream(lexer));
        parser.RemoveErrorListeners();
        parser.AddErrorListener(listener);
        var tree = parser.compilationUnit();
        var root = new SyntaxTreeBuilder(diagnostics).Build(tree);
        return new SyntaxTree(source, root, diagnostics);
    }
}
