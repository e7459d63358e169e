using Antlr4.Runtime;
using Antlr4.Runtime.Misc;
using ScenarioLang.Compiler.Diagnostics;
using ScenarioLang.Compiler.Syntax.Generated;
using ScenarioLang.Compiler.Text;

namespace ScenarioLang.Compiler.Syntax;

/// <summary>
/// Turns ANTLR's syntax errors into our diagnostics: tokens by their display names, lexical
/// problems (stray characters, unterminated strings) by their own codes, one error per token.
/// </summary>
internal sealed class SyntaxErrorListener(DiagnosticBag diagnostics) : BaseErrorListener
{
    private static readonly int[] Comparisons = [KscnLexer.EQEQ, KscnLexer.NEQ, KscnLexer.LT, KscnLexer.LE, KscnLexer.GT, KscnLexer.GE];
    private readonly HashSet<int> _reported = [];

    public override void SyntaxError(TextWriter output, IRecognizer recognizer, IToken offendingSymbol, int line, int charPositionInLine, string msg, RecognitionException e)
    {
        // ANTLR may report several errors at one token while it recovers; the first one says it best.
        if (!_reported.Add(offendingSymbol.StartIndex))
            return;
        var span = SpanOf(offendingSymbol);
        switch (offendingSymbol.Type)
        {
            case KscnLexer.UNEXPECTED_CHAR:
                var (fault, written) = ClosestFault((Parser)recognizer, offendingSymbol);
                diagnostics.ReportUnexpectedCharacter(span, offendingSymbol.Text, fault, written);
                return;
            case KscnLexer.UNTERMINATED_STRING:
                diagnostics.ReportUnterminatedString(span);
                return;
        }
        var parser = (Parser)recognizer;
        var expected = e?.GetExpectedTokens() ?? parser.GetExpectedTokens();
        var described = parser.Context switch
        {
            // Where a step goes, a name is a step: the binder knows the catalog's, the parser only their shape.
            KscnParser.ActionContext when expected.Contains(KscnLexer.WORD) => "a step (a call such as fork or ioperm(0x80, 1, on), or an instruction such as outb 0x80)",
            // 'cpu0 ioperm(…)': the name taken for the task was the step.
            KscnParser.StepBodyContext { task: { } task } when offendingSymbol.Type == KscnLexer.LPAREN =>
                $"the task that runs the step, then ':' (cpu0 A: {task.Text}(…))",
            _ => Describe(expected),
        };
        diagnostics.ReportUnexpectedToken(span, Found(offendingSymbol), described, ClosestKeyword(offendingSymbol, expected));
    }

    /// <summary>The keyword expected here that a mistyped name is closest to: 'iopem' where a syscall goes is ioperm.</summary>
    private static string? ClosestKeyword(IToken found, IntervalSet expected) =>
        found.Type == KscnLexer.WORD
            ? Spelling.Closest(found.Text, expected.ToList().Select(KeywordOf).OfType<string>())
            : null;

    private static string? KeywordOf(int type) =>
        KscnLexer.DefaultVocabulary.GetLiteralName(type) is { Length: > 2 } literal && char.IsLetter(literal[1]) ? literal[1..^1] : null;

    /// <summary>'#gp' is a '#' the lexer cannot start a token with, then a name: the fault it was meant to be, if close, and the span of both.</summary>
    private static (string? Closest, TextSpan? Written) ClosestFault(Parser parser, IToken hash)
    {
        if (hash.Text != "#" || parser.InputStream is not ITokenStream tokens || hash.TokenIndex + 1 >= tokens.Size)
            return (null, null);
        var next = tokens.Get(hash.TokenIndex + 1);
        return next.Type == KscnLexer.WORD && next.StartIndex == hash.StopIndex + 1
            ? (Spelling.Closest("#" + next.Text, [KscnLexer.DefaultVocabulary.GetLiteralName(KscnLexer.GP)[1..^1], KscnLexer.DefaultVocabulary.GetLiteralName(KscnLexer.PF)[1..^1]]),
                TextSpan.FromBounds(hash.StartIndex, next.StopIndex + 1))
            : (null, null);
    }

    internal static TextSpan SpanOf(IToken token) =>
        token.Type == TokenConstants.EOF || token.StartIndex < 0
            ? new TextSpan(Math.Max(0, token.StartIndex), 0)
            : TextSpan.FromBounds(token.StartIndex, token.StopIndex + 1);

    /// <summary>How the offending token reads in a message; a long one is cut, since a message does not window it.</summary>
    private static string Found(IToken token) =>
        token.Type == TokenConstants.EOF ? "end of file" : token.Text.Length > MaxQuoted ? $"'{token.Text[..MaxQuoted]}…'" : $"'{token.Text}'";

    private const int MaxQuoted = 40;

    private static string Describe(IntervalSet expected)
    {
        var types = expected.ToList().Where(t => t is not KscnLexer.UNEXPECTED_CHAR and not KscnLexer.UNTERMINATED_STRING).ToList();
        var names = new List<string>();
        Group(types, names, Comparisons, "a comparison (==, !=, <, <=, >, >=)");
        names.AddRange(types.Select(DisplayName));
        return names.Count switch
        {
            0 => "nothing more",
            1 => names[0],
            _ => string.Join(", ", names.Take(names.Count - 1)) + " or " + names[^1],
        };
    }

    private static void Group(List<int> types, List<string> names, int[] group, string name)
    {
        if (!group.All(types.Contains))
            return;
        types.RemoveAll(group.Contains);
        names.Add(name);
    }

    /// <summary>How a token type reads in a message.</summary>
    internal static string DisplayName(int type) => type switch
    {
        TokenConstants.EOF => "end of file",
        KscnLexer.WORD => "a name",
        KscnLexer.INT => "a number",
        KscnLexer.STRING => "a string",
        KscnLexer.CPU => "a CPU (cpu0, cpu1, ...)",
        _ => KscnLexer.DefaultVocabulary.GetLiteralName(type) ?? KscnLexer.DefaultVocabulary.GetDisplayName(type),
    };
}
