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
        var files = new Argument<string[]>("files") { Description = "The .kscn files to check.", Arity = ArgumentArity.ZeroOrMore };
        var format = new Option<string>("--format") { Description = "text (default): diagnostics with carets on stderr; json: one JSON object on stdout (see docs/language.md).", DefaultValueFactory = _ => "text", HelpName = "text|json" };
        format.AcceptOnlyFromAmong("text", "json");
        var stdinPath = new Option<string?>("--stdin-path") { Description = "Check the text on standard input as the file PATH (an editor's unsaved buffer), instead of files.", HelpName = "path" };
        var command = new Command("check", "Parse and check scenarios; print every diagnostic with file, line, column and code.") { files, format, stdinPath };
        command.SetAction(parse =>
        {
            var paths = parse.GetValue(files)!;
            var fromStdin = parse.GetValue(stdinPath);
            if ((paths.Length == 0) == (fromStdin is null))
            {
                console.Error.Write("kscn: check takes files, or --stdin-path with the text on standard input, not both\n");
                return (int)ExitCode.InputErrors;
            }
            IReadOnlyList<SourceText>? sources = fromStdin is null
                ? SourceFiles.Load(paths, console, allowDirectories: false)
                : [SourceText.From(console.In.ReadToEnd(), fromStdin)];
            if (sources is null)
                return (int)ExitCode.InputErrors;
            return (int)(parse.GetValue(format) == "json" ? ReportJson(sources, console) : ReportText(sources, console));
        });
        return command;
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
