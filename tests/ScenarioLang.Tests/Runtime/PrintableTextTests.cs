using ScenarioLang.Runtime.Tracing;
using Xunit;

namespace ScenarioLang.Tests.Runtime;

public sealed class PrintableTextTests
{
    [Theory]
    [InlineData("plain title, with \\ and é", "plain title, with \\ and é")]
    [InlineData("a\u001B]0;owned\u0007b", "a\\e]0;owned\\ab")]
    [InlineData("\u001B[2J", "\\e[2J")]
    [InlineData("x\ry\0z", "x\\ry\\0z")]
    [InlineData("nel\u0085csi\u009B", "nel\\x85csi\\x9B")]
    [InlineData("sep\u2028par\u2029", "sep\\u2028par\\u2029")]
    [InlineData("\u202Eevil\u2066\u2069\u200F\u061C", "\\u202Eevil\\u2066\\u2069\\u200F\\u061C")]
    [InlineData("del\u007F", "del\\x7F")]
    [InlineData("pair\uD83D\uDE00", "pair\uD83D\uDE00")]
    // Printable characters past ASCII before the one to escape: the scan goes on past each.
    [InlineData("1× r0=0; é\u001B[2J", "1× r0=0; é\\e[2J")]
    [InlineData("1× r0=0 × r1=1", "1× r0=0 × r1=1")]
    public void Escapes_only_what_drives_a_terminal(string text, string expected) =>
        Assert.Equal(expected, PrintableText.Escape(text));

    // Attribute arguments cannot carry a lone surrogate (it becomes U+FFFD), so this case is a fact of its own.
    [Fact]
    public void A_lone_surrogate_is_spelled_out() => Assert.Equal("lone\\uD800", PrintableText.Escape("lone\uD800"));

    [Fact]
    public void The_caret_column_follows_the_escapes_before_it()
    {
        // "\u001B[31mX": X is at index 5; escaped "\e[31mX" puts it at index 6.
        var (text, column) = PrintableText.Escape("\u001B[31mX", 5);
        Assert.Equal("\\e[31mX", text);
        Assert.Equal('X', text[column]);
        Assert.Equal((text, text.Length), PrintableText.Escape("\u001B[31mX", 6));
        Assert.Equal(("abc", 2), PrintableText.Escape("abc", 2));
    }
}
