using System.CommandLine;

namespace ScenarioLang.Cli.Commands;

/// <summary>kscn check FILE...: diagnostics only, nothing runs.</summary>
internal static class CheckCommand
{
    public static Command Create(CliConsole console)
    {
        var files = new Argument<string[]>("files") { Description = "The .kscn files to check.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("check", "Parse and check scenarios; print every diagnostic with file, line, column and code.") { files };
        command.SetAction(parse =>
        {
            var sources = SourceFiles.Load(parse.GetValue(files)!, console, allowDirectories: false);
            if (sources is null || SourceFiles.Check(sources, console) is not { } compilation)
                return (int)ExitCode.InputErrors;
            var scenarios = compilation.Units.Sum(u => u.Scenarios.Length);
            console.Out.Write($"{sources.Count} file{(sources.Count == 1 ? "" : "s")}, {scenarios} scenario{(scenarios == 1 ? "" : "s")}: no errors\n");
            return (int)ExitCode.Success;
        });
        return command;
    }
}
