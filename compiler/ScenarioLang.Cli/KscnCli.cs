using System.CommandLine;
using ScenarioLang.Cli.Commands;
using ScenarioLang.Compiler;

namespace ScenarioLang.Cli;

/// <summary>The kscn command line: run, check, emit, test and explore, each with --help.</summary>
public static class KscnCli
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool progressOnStderr = false) =>
        Run(args, new CliConsole(stdout, stderr, progressOnStderr));

    public static int Run(string[] args, CliConsole console)
    {
        var (stdout, stderr) = (console.Out, console.Error);
        var root = new RootCommand("kscn: compiles ScenarioLang (.kscn) scenarios of x86 kernel mechanisms to C# and runs them on a simulated machine.")
        {
            RunCommand.Create(console),
            CheckCommand.Create(console),
            EmitCommand.Create(console),
            TestCommand.Create(console),
            ExploreCommand.Create(console),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
                stderr.Write($"kscn: {error.Message}\n");
            stderr.Write("Run 'kscn --help' for usage.\n");
            return (int)ExitCode.InputErrors;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (InternalCompilerException e)
        {
            stderr.Write($"kscn: internal error: {e.Message}\n");
            return (int)ExitCode.InternalError;
        }
    }
}

/// <summary>
/// Where commands write: stdout for results, stderr for diagnostics; always '\n' line ends. A live progress line goes
/// to stderr only when <paramref name="ShowsProgress"/>: stderr is a terminal and no CI variable is set.
/// </summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error, bool ShowsProgress = false)
{
    /// <summary>The time of progress lines and result files; tests set one they control, so that no test depends on timing.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Reports an option the command cannot use, naming it and its value: an input error.</summary>
    internal ExitCode Refuse(string message)
    {
        Error.Write($"kscn: {message}\n");
        return ExitCode.InputErrors;
    }
}
