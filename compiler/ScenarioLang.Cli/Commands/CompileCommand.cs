using System.CommandLine;
using ScenarioLang.Compiler.Emit.TestProject;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Cli.Commands;

/// <summary>
/// kscn compile PATH... --xunit -o DIR: the scenarios as a standalone xunit project, a test per scenario and kernel
/// configuration, that <c>dotnet test DIR</c> runs without kscn. --xunit is the only output for now and is required,
/// so that a plainer output (the .g.cs files alone) can later be the default without changing what this one means.
/// </summary>
internal static class CompileCommand
{
    public static Command Create(CliConsole console)
    {
        var paths = Parsers.Paths("paths", "Files, or directories searched for .kscn files.", ArgumentArity.OneOrMore);
        var xunit = new Option<bool>("--xunit") { Description = "Write an xunit test project (required: the only output for now)." };
        var output = new Option<string>("--output", "-o")
        {
            Description = "The project's directory: new, empty, or an earlier output of kscn compile, whose files are replaced.",
            HelpName = "dir",
            Required = true,
        };
        var variant = VariantOption.Create();
        var command = new Command("compile", "Write the scenarios as an xunit project that 'dotnet test DIR' runs: a test per scenario and kernel configuration.")
        {
            paths, xunit, output, variant,
        };
        command.SetAction(parse => (int)Execute(parse.GetValue(paths)!, parse.GetValue(xunit), parse.GetValue(output)!, parse.GetValue(variant), console));
        return command;
    }

    private static ExitCode Execute(string[] paths, bool xunit, string directory, string[]? variants, CliConsole console)
    {
        if (!xunit)
        {
            console.Error.Write("kscn compile: --xunit is required; it is the only output for now ('kscn emit FILE' prints a file's C#)\n");
            return ExitCode.InputErrors;
        }
        // Absolute paths reach the #line directives and the traces, so failures point at the .kscn files from wherever the project is.
        if (SourceFiles.Prepare(paths.Select(Path.GetFullPath), variants, console, allowDirectories: true, "compile") is not (var compilation, var overrides))
            return ExitCode.InputErrors;
        var project = XunitProjectWriter.Create(compilation, overrides, XunitProjectWriter.ProjectName(directory));
        try
        {
            ProjectDirectory.Write(project, directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            console.Error.Write($"kscn compile: cannot write '{directory}': {e.Message}\n");
            return ExitCode.InputErrors;
        }
        console.Out.Write($"wrote {Path.Join(directory, project.Name + ".csproj")}: {Units.Count(project.TestCount, "test")} " +
                          $"from {Units.Count(compilation.Units.Length, "file")}; run them with: dotnet test {directory}\n");
        return ExitCode.Success;
    }
}
