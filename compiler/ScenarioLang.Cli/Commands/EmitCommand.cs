using System.CommandLine;

namespace ScenarioLang.Cli.Commands;

/// <summary>kscn emit FILE: the C# a file compiles to.</summary>
internal static class EmitCommand
{
    public static Command Create(CliConsole console)
    {
        var file = Parsers.Paths("file", "The .kscn file whose generated C# to print.", ArgumentArity.OneOrMore);
        var command = new Command("emit", "Print the C# that a scenario file compiles to.") { file };
        command.SetAction(parse =>
        {
            if (parse.GetValue(file) is not [var path])
                return (int)console.Refuse("emit takes one file");
            var sources = SourceFiles.Load([path], console, allowDirectories: false);
            if (sources is null || SourceFiles.Check(sources, console) is not { } compilation)
                return (int)ExitCode.InputErrors;
            console.Out.Write(compilation.EmitCSharp(compilation.Units[0]).Text);
            return (int)ExitCode.Success;
        });
        return command;
    }
}
