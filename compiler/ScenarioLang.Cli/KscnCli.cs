using System.CommandLine;
using ScenarioLang.Cli.Commands;
using ScenarioLang.Compiler;
using ScenarioLang.Compiler.Hosting;

namespace ScenarioLang.Cli;

/// <summary>The kscn command line: run, check, emit, test, explore, compile and server, each with --help.</summary>
public static class KscnCli
{
    /// <summary>The verbs, in the order kscn --help lists them.</summary>
    private static readonly (string Name, Func<CliConsole, Command> Create)[] Verbs =
    [
        ("run", RunCommand.Create),
        ("check", CheckCommand.Create),
        ("emit", EmitCommand.Create),
        ("test", TestCommand.Create),
        ("explore", ExploreCommand.Create),
        ("compile", CompileCommand.Create),
        ("server", ServerCommand.Create),
    ];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool progressOnStderr = false, TextReader? stdin = null) =>
        Run(args, new CliConsole(stdout, stderr, progressOnStderr) { In = stdin ?? TextReader.Null });

    public static int Run(string[] args, CliConsole console)
    {
        var (stdout, stderr) = (console.Out, console.Error);
        var root = new RootCommand("kscn: compiles ScenarioLang (.kscn) scenarios of x86 kernel mechanisms to C# and runs them on a simulated machine.");
        // Only the verb typed is built (its options, their descriptions, the catalogs they list): a verb's parse and
        // help never look at its siblings. kscn --help, or anything that is not a verb first, builds them all.
        var typed = Array.Find(Verbs, v => args is [var first, ..] && first == v.Name);
        foreach (var (_, create) in typed.Create is null ? Verbs : [typed])
            root.Add(create(console));
        var parse = root.Parse(args);
        PhaseTimings.End("command line");
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
        catch (Exception e) when (e is InternalCompilerException or Runtime.IndependenceViolationException)
        {
            stderr.Write($"kscn: internal error: {e.Message}\n");
            return (int)ExitCode.InternalError;
        }
    }
}

/// <summary>
/// Where commands write: stdout for results, stderr for diagnostics; always '\n' line ends. A live progress line goes
/// to stderr only when <paramref name="ShowsProgress"/>: stderr is a terminal and no CI variable is set. Standard input
/// is read only by kscn check --stdin-path.
/// </summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error, bool ShowsProgress = false)
{
    public TextReader In { get; init; } = TextReader.Null;

    /// <summary>The time of progress lines and result files; tests set one they control, so that no test depends on timing.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Reports an option the command cannot use, naming it and its value: an input error.</summary>
    internal ExitCode Refuse(string message)
    {
        Error.Write($"kscn: {message}\n");
        return ExitCode.InputErrors;
    }
}
