namespace ScenarioLang.Tests.Fuzzing.Engine;

internal enum TokenKind
{
    Space,
    Comment,
    String,
    Number,
    Word,
    Punctuation,
    Other,
}

internal readonly record struct Token(TokenKind Kind, string Text)
{
    public bool IsTrivia => Kind is TokenKind.Space or TokenKind.Comment;
}

/// <summary>
/// A rough lexer of .kscn text for the mutator: close enough to the grammar that token edits hit whole words, numbers
/// and operators, and lossless (the tokens concatenate to the input) so any text, even broken, splits.
/// </summary>
internal static class KscnTokens
{
    private static readonly string[] Operators = ["->", "==", "!=", "<=", ">=", "#GP", "#PF", "/*", "//"];

    public static List<Token> Split(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            var kind = Scan(text, ref i);
            tokens.Add(new Token(kind, text[start..i]));
        }
        return tokens;
    }

    private static TokenKind Scan(string text, ref int i)
    {
        var c = text[i];
        if (char.IsWhiteSpace(c))
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
                i++;
            return TokenKind.Space;
        }
        if (At(text, i, "//"))
        {
            while (i < text.Length && text[i] != '\n')
                i++;
            return TokenKind.Comment;
        }
        if (At(text, i, "/*"))
        {
            var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
            i = end < 0 ? text.Length : end + 2;
            return TokenKind.Comment;
        }
        if (c == '"')
        {
            i++;
            while (i < text.Length && text[i] is not ('"' or '\n'))
                i += text[i] == '\\' && i + 1 < text.Length ? 2 : 1;
            if (i < text.Length && text[i] == '"')
                i++;
            return TokenKind.String;
        }
        if (char.IsAsciiDigit(c))
        {
            i++;
            while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i])))
                i++;
            return TokenKind.Number;
        }
        if (char.IsAsciiLetter(c) || c == '_')
        {
            i++;
            while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'
                   || (text[i] == '-' && i + 1 < text.Length && (char.IsAsciiLetterOrDigit(text[i + 1]) || text[i + 1] == '_'))
                   || (text[i] == '.' && char.IsAsciiDigit(text[i - 1]))))
                i++;
            return TokenKind.Word;
        }
        foreach (var op in Operators)
        {
            if (At(text, i, op))
            {
                i += op.Length;
                return TokenKind.Punctuation;
            }
        }
        i += char.IsHighSurrogate(c) && i + 1 < text.Length ? 2 : 1;
        return "{}()[],:.=|-<>".Contains(c) ? TokenKind.Punctuation : TokenKind.Other;
    }

    private static bool At(string text, int i, string what) => string.CompareOrdinal(text, i, what, 0, what.Length) == 0;
}
