using ScenarioLang.Compiler.Diagnostics;
using static ScenarioLang.Tests.Infrastructure.Kscn;

namespace ScenarioLang.Tests.Syntax;

/// <summary>Input built to hurt the front end (deep nesting, many errors, huge lines, terminal controls) gets bounded diagnostics.</summary>
public sealed class HostileInputTests
{
    private static string Nested(int depth) =>
        "scenario \"t\" {\n  task A root\n  cpu0 switch A\n" + string.Concat(Enumerable.Repeat("repeat 1 { ", depth)) + "cpu0 A: exec" + new string('}', depth) + "\n}\n";

    [Fact]
    public void Blocks_nest_up_to_the_limit()
    {
        Assert.Empty(Compile(Nested(SyntaxTreeLimit)).Diagnostics);
    }

    private const int SyntaxTreeLimit = ScenarioLang.Compiler.Syntax.SyntaxTree.MaxNesting;

    [Fact]
    public void One_level_deeper_is_KSC0005_at_its_brace()
    {
        var diagnostic = Assert.Single(Compile(Nested(SyntaxTreeLimit + 1)).Diagnostics);
        Assert.Equal("KSC0005", diagnostic.Code);
        Assert.Equal((4, 11 * SyntaxTreeLimit + 10), (diagnostic.Start.Line, diagnostic.Start.Column));
    }

    [Fact]
    public void A_megabyte_of_open_repeats_is_one_diagnostic_not_a_stack_overflow()
    {
        // ANTLR's recursive descent overflowed the stack at about 17,000 levels.
        var text = "scenario \"t\" {\n" + string.Concat(Enumerable.Repeat("repeat 1 {\n", 100_000));
        Assert.Equal(["KSC0005"], Compile(text).Diagnostics.Select(d => d.Code));
    }

    [Fact]
    public void Errors_past_the_hundredth_are_counted_in_one_KSC0006()
    {
        var text = "scenario \"t\" {\n  task A root\n" + string.Concat(Enumerable.Repeat("  cpu0 A: outb 0x10000\n", 150)) + "}\n";
        var diagnostics = Compile(text).Diagnostics;
        Assert.Equal(DiagnosticBag.MaxErrorsPerFile + 1, diagnostics.Length);
        Assert.All(diagnostics.Take(DiagnosticBag.MaxErrorsPerFile), d => Assert.Equal("KSC0207", d.Code));
        var last = diagnostics[^1];
        Assert.Equal(("KSC0006", 103), (last.Code, last.Start.Line));
        Assert.Equal("50 more errors in this file not shown: only the first 100 are; fix those and check again", last.Message);
    }

    [Fact]
    public void A_long_line_is_shown_as_a_window_around_the_caret()
    {
        var line = "  cpu0 A: exec" + string.Concat(Enumerable.Repeat(" cpu0 A: exec", 1000)) + " cpu0 A: outb 0x10000" + string.Concat(Enumerable.Repeat(" cpu0 A: exec", 1000));
        var diagnostic = Assert.Single(Compile("scenario \"t\" {\n  task A root\n" + line + "\n}\n").Diagnostics);
        var printed = DiagnosticFormatter.Format(diagnostic).Split('\n');
        // 40 characters before the caret and 120 in all, cut on both sides.
        var column = line.IndexOf("0x10000", StringComparison.Ordinal);
        Assert.Equal("    …" + line.Substring(column - 40, DiagnosticFormatter.MaxLineWidth) + "…", printed[1]);
        Assert.Equal(new string(' ', 4 + 1 + 40) + "^^^^^^^", printed[2]);
    }

    [Fact]
    public void A_long_line_is_cut_only_where_it_goes_on()
    {
        var line = "  cpu0 A: outb 0x10000" + string.Concat(Enumerable.Repeat(" cpu0 A: exec", 100));
        var diagnostic = Assert.Single(Compile("scenario \"t\" {\n  task A root\n" + line + "\n}\n").Diagnostics);
        var printed = DiagnosticFormatter.Format(diagnostic).Split('\n');
        Assert.Equal("    " + line[..DiagnosticFormatter.MaxLineWidth] + "…", printed[1]);
        Assert.Equal(new string(' ', 4 + 15) + "^^^^^^^", printed[2]);
    }

    [Fact]
    public void Terminal_controls_in_the_echoed_line_are_escaped_and_the_caret_stays_under_its_column()
    {
        var diagnostic = Assert.Single(Compile("scenario \"\u001b]0;pwned\u0007\u202e\" { cpus 99 }\n").Diagnostics);
        var printed = DiagnosticFormatter.Format(diagnostic).Split('\n');
        const string escaped = "scenario \"\\e]0;pwned\\a\\u202E\" { cpus 99 }";
        Assert.Equal("    " + escaped, printed[1]);
        Assert.Equal(new string(' ', 4 + escaped.IndexOf("99", StringComparison.Ordinal)) + "^^", printed[2]);
    }

    [Fact]
    public void A_quoted_character_is_escaped_in_the_message()
    {
        var diagnostics = Compile("scenario \"t\" {\n  task A root\n  cpu0 A: exec \u009b2J\n}\n").Diagnostics;
        var diagnostic = Assert.Single(diagnostics, d => d.Code == "KSC0003");
        Assert.Equal("test.kscn(3,16): error KSC0003: unexpected character '\\x9B'", diagnostic.ToString());
    }

    [Fact]
    public void Lone_carriage_returns_end_lines()
    {
        var diagnostic = Assert.Single(Compile("scenario \"t\" {\r  task A root\r  cpu0 B: exec\r}\r").Diagnostics);
        Assert.Equal(("KSC0108", 3, 8), (diagnostic.Code, diagnostic.Start.Line, diagnostic.Start.Column));
        Assert.Equal("      cpu0 B: exec", DiagnosticFormatter.Format(diagnostic).Split('\n')[1]);
    }

    [Fact]
    public void Mixed_line_endings_count_each_break_once()
    {
        var diagnostic = Assert.Single(Compile("scenario \"t\" {\r\n  task A root\n\r  cpu0 B: exec\n}\n").Diagnostics);
        Assert.Equal((4, 8), (diagnostic.Start.Line, diagnostic.Start.Column));
    }
}
