using System.CommandLine;
using ScenarioLang.Compiler;
using ScenarioLang.Compiler.Diagnostics;
using ScenarioLang.Compiler.Text;

namespace ScenarioLang.Cli.Commands;

/// <summary>
/// kscn check FILE...: diagnostics only, nothing runs. As text with carets for people, or as one JSON object
/// (<see cref="DiagnosticJson"/>) for editors, which also pass an unsaved buffer on stdin with --stdin-path.
/// </summary>
internal static class CheckCommand
{
    public static Command Create(CliConsole console)
    {
        var files = Parsers.Paths("files", "The .kscn files to check.", ArgumentArity.ZeroOrMore);
        var format = new Option<string>("--format") { Description = "text (default): diagnostics with carets on stderr; json: one JSON object on stdout (see the language reference kscn --help names).", DefaultValueFactory = _ => "text", HelpName = "text|json" };
        format.AcceptOnlyFromAmong("text", "json");
        var stdinPath = new Option<string?>("--stdin-path") { Description = "Check the text on standard input as the file PATH (an editor's unsaved buffer), instead of files.", HelpName = "path" };
        var command = new Command("check", "Parse and check scenarios; print every diagnostic with file, line, column and code.") { files, format, stdinPath };
        command.SetAction(parse =>
        {
            var paths = parse.GetValue(files)!;
            var fromStdin = parse.GetValue(stdinPath);
            if (paths.Length == 0 && fromStdin is null)
                return (int)console.Refuse("check needs files, or --stdin-path PATH with the text on standard input");
            if (paths.Length > 0 && fromStdin is not null)
                return (int)console.Refuse("check takes files or --stdin-path, not both");
            var sources = fromStdin is null ? SourceFiles.Load(paths, console, allowDirectories: false) : FromStdin(fromStdin, console);
            if (sources is null)
                return (int)ExitCode.InputErrors;
            return (int)(parse.GetValue(format) == "json" ? ReportJson(sources, console) : ReportText(sources, console));
        });
        return command;
    }

    /// <summary>
    /// The text on standard input as the file <paramref name="path"/>. Standard input at its end is an empty text (an
    /// editor's empty buffer); one that is closed, or cannot be read, is reported, never waited on.
    /// </summary>
    private static IReadOnlyList<SourceText>? FromStdin(string path, CliConsole console)
    {
        string? text;
        string problem;
        try
        {
            text = SourceFiles.ReadBounded(console.In, out problem);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            (text, problem) = (null, e.Message);
        }
        if (text is not null)
            return [SourceText.From(text, path)];
        console.Refuse($"--stdin-path: cannot read standard input: {problem}");
        return null;
    }

    private static ExitCode ReportText(IReadOnlyList<SourceText> sources, CliConsole console)
    {
        if (SourceFiles.Check(sources, console) is not { } compilation)
            return ExitCode.InputErrors;
        var scenarios = compilation.Units.Sum(u => u.Scenarios.Length);
        console.Out.Write($"{sources.Count} file{(sources.Count == 1 ? "" : "s")}, {scenarios} scenario{(scenarios == 1 ? "" : "s")}: no errors\n");
        return ExitCode.Success;
    }

    private static ExitCode ReportJson(IReadOnlyList<SourceText> sources, CliConsole console)
    {
        var compilation = Compilation.Create(sources);
        console.Out.Write(DiagnosticJson.Write(compilation));
        return compilation.HasErrors ? ExitCode.InputErrors : ExitCode.Success;
    }
}
