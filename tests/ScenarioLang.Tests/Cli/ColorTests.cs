using System.Text.RegularExpressions;
using ScenarioLang.Cli;
using ScenarioLang.Tests.Infrastructure;
using static ScenarioLang.Tests.Infrastructure.Kscn;

namespace ScenarioLang.Tests.Cli;

/// <summary>Colour on a terminal: what turns it on and off, and that it only ever adds escape sequences.</summary>
public sealed partial class ColorTests
{
    private static readonly string Matrix = Repository.Full("samples/ioperm/andy-stale-tss-bits.kscn");
    private const string Green = "\e[32m", Red = "\e[1;31m", Reset = "\e[0m";

    [Fact]
    public void Color_forced_on_colours_verdicts_matrix_cells_and_diagnostics_and_adds_nothing_else()
    {
        var plain = Invoke("run", Matrix, "--variant", "ioperm=*");
        var colored = Invoke("run", Matrix, "--variant", "ioperm=*", "--color");

        Assert.Contains($"ioperm=pre-5.5     {Green}PASS{Reset}     7 hold", colored.Out);
        Assert.Contains($"ioperm=v1-05-09    {Red}FAIL{Reset}     1 of 7 failed", colored.Out);
        Assert.Equal(plain.Out, WithoutEscapes(colored.Out));
        Assert.Equal(plain.ExitCode, colored.ExitCode);

        var bad = WriteBadFile();
        var diagnostics = Invoke("check", bad, "--color", "always");
        Assert.Contains($"{Red}error{Reset} KSC0108:", diagnostics.Error);
        Assert.Equal(Invoke("check", bad).Error, WithoutEscapes(diagnostics.Error));
    }

    [Fact]
    public void A_test_run_colours_each_line_s_verdict_and_its_trace_marks()
    {
        // Its known failure is a pass; without the mark, the same run is a failure.
        var known = Invoke("test", Repository.Full("samples/ptshare/mode-never-set.kscn"), "--color=always");
        Assert.StartsWith($"{Green}known{Reset} ", known.Out);
        Assert.Contains($"] {Green}KNOWN FAILURE{Reset}: 1 of 5 expectations failed", known.Out);

        var output = Invoke("test", Repository.Unmarked("samples/ptshare/mode-never-set.kscn"), "--color=always");
        Assert.StartsWith($"{Red}FAIL{Reset}  ", output.Out);
        Assert.Contains($"] {Red}FAIL{Reset}: 1 of 5 expectations failed", output.Out);
    }

    [Theory]
    [InlineData(true, new string[0], true)]
    [InlineData(true, new[] { "--no-color" }, false)]
    [InlineData(true, new[] { "--color", "never" }, false)]
    [InlineData(true, new[] { "--color", "auto" }, true)]
    [InlineData(false, new string[0], false)]
    [InlineData(false, new[] { "--color", "always" }, true)]
    [InlineData(false, new[] { "--color", "auto" }, false)]
    public void The_options_override_what_the_terminal_allows(bool terminal, string[] options, bool colored)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var console = new CliConsole(stdout, new StringWriter()) { Terminal = new Terminal(terminal, terminal) };

        KscnCli.Run(["test", Matrix, .. options], console);

        Assert.Equal(colored, stdout.ToString().Contains('\e'));
    }

    [Theory]
    [InlineData(true, null, null, true)]
    [InlineData(false, null, null, false)]
    [InlineData(true, "1", null, false)]
    [InlineData(true, "", null, true)]
    [InlineData(true, null, "true", false)]
    [InlineData(true, null, "", false)]
    public void A_terminal_is_coloured_unless_NO_COLOR_is_non_empty_or_CI_is_set(bool isTerminal, string? noColor, string? ci, bool colored)
    {
        var environment = new Dictionary<string, string?> { ["NO_COLOR"] = noColor, ["CI"] = ci };

        var terminal = Terminal.From(isTerminal, isTerminal, name => environment[name]);

        Assert.Equal((colored, colored), (terminal.ColorsOut, terminal.ColorsError));
    }

    [Fact]
    public void A_bad_color_value_is_refused_with_the_choices()
    {
        var output = Invoke("test", Matrix, "--color", "sometimes");

        Assert.Equal(2, output.ExitCode);
        Assert.StartsWith("--color takes always, never, auto, not 'sometimes'\n", output.Error);
    }

    private static string WithoutEscapes(string text) => Escapes().Replace(text, "");

    private static string WriteBadFile()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("kscn-color-").FullName, "bad.kscn");
        File.WriteAllText(path, "scenario \"x\" {\n  task A root\n  cpu0 Z: exec\n}\n");
        return path;
    }

    [GeneratedRegex(@"\e\[[0-9;]*m")]
    private static partial Regex Escapes();
}
