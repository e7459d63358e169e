using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using ScenarioLang.Cli.Commands;
using ScenarioLang.Compiler;
using ScenarioLang.Compiler.Hosting;

namespace ScenarioLang.Cli;

/// <summary>The kscn command line: run, check, emit, test, explore, compile, server, lsp and completion, each with --help.</summary>
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
        ("lsp", LspCommand.Create),
        ("completion", CompletionCommand.Create),
    ];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool progressOnStderr = false, TextReader? stdin = null, Terminal? terminal = null) =>
        Run(args, new CliConsole(stdout, stderr, progressOnStderr) { In = stdin ?? TextReader.Null, Terminal = terminal ?? Terminal.None });

    public static int Run(string[] args, CliConsole console)
    {
        // Colour is decided once the options are parsed; the commands, built before, write through these writers.
        var output = new StandardOutput(console.Out);
        var (coloredOut, coloredError) = (new ColoredWriter(output), new ColoredWriter(output.Before(console.Error)));
        console = console with { Out = coloredOut, Error = coloredError };
        var (stdout, stderr) = (console.Out, console.Error);
        var root = new RootCommand("kscn: compiles ScenarioLang (.kscn) scenarios of x86 kernel mechanisms to C# and runs them on a simulated machine.\n"
            + $"Language reference: {LanguageReference.Path}");
        var (color, noColor) = (TerminalColor.ColorOption(), TerminalColor.NoColorOption());
        root.Add(color);
        root.Add(noColor);
        // Only the verb typed is built (its options, their descriptions, the catalogs they list): a verb's parse and
        // help never look at its siblings. kscn --help, or anything that is not a verb first, builds them all.
        var typed = Array.Find(Verbs, v => args is [var first, ..] && first == v.Name);
        foreach (var (_, create) in typed.Create is null ? Verbs : [typed])
            root.Add(create(console));
        var parse = root.Parse(args);
        PhaseTimings.End("command line");
        if (Refusal(parse) is { } refusal)
        {
            stderr.Write(refusal + "\nRun 'kscn --help' for usage.\n");
            return (int)ExitCode.InputErrors;
        }
        if (parse.Errors.Count > 0)
            return ReportParseErrors(parse, stderr);
        coloredOut.Enabled = TerminalColor.Decide(parse.GetValue(color), parse.GetValue(noColor), console.Terminal.ColorsOut);
        coloredError.Enabled = TerminalColor.Decide(parse.GetValue(color), parse.GetValue(noColor), console.Terminal.ColorsError);
        try
        {
            var exit = parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
            output.Flush();
            return exit;
        }
        catch (OutputFailedException e)
        {
            return (int)console.Refuse($"cannot write standard output: {e.Message}");
        }
        catch (Exception e)
        {
            // Whatever escapes a command is a bug of ours (bad input has diagnostics, a verdict has exit 1 or 4).
            return (int)console.InternalError("kscn: internal error: " + InternalErrors.Describe(e), e);
        }
    }

    /// <summary>
    /// Values no command may be given, refused here for every verb before any command sees them. An option whose value
    /// is missing takes the next option's name as its value (<c>--reduction --color never</c> gives --reduction the
    /// value '--color'), and System.CommandLine 2.0.0 passes it through AcceptOnlyFromAmong. An empty argument or value
    /// ('') names no file, no number and no variant, and .NET's file APIs throw on an empty path.
    /// </summary>
    private static string? Refusal(ParseResult parse)
    {
        var commands = new List<CommandResult>();
        for (var result = parse.CommandResult as SymbolResult; result is not null; result = result.Parent)
        {
            if (result is CommandResult command)
                commands.Add(command);
        }
        var names = commands.SelectMany(c => c.Command.Options).SelectMany(o => o.Aliases.Prepend(o.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var child in commands.SelectMany(c => c.Children))
        {
            switch (child)
            {
                case OptionResult option when option.Tokens.FirstOrDefault(t => names.Contains(t.Value) || t.Value.Length == 0) is { } taken:
                    var name = option.IdentifierToken?.Value ?? option.Option.Name;
                    return taken.Value.Length == 0 ? $"{name} takes a value, not ''" : $"{name} takes a value, not the option '{taken.Value}'";
                case ArgumentResult argument when argument.Tokens.Any(t => t.Value.Length == 0):
                    return "an argument is empty ('')";
            }
        }
        return null;
    }

    /// <summary>
    /// System.CommandLine's own report of what it could not parse, with its "did you mean" for an unknown verb or option,
    /// without the help page (kscn VERB --help shows it); exit 2, as for any bad request.
    /// </summary>
    private static int ReportParseErrors(ParseResult parse, TextWriter stderr)
    {
        if (parse.Action is ParseErrorAction action)
            action.ShowHelp = false;
        // Captured, so that its lines end in '\n' on any platform and its suggestions go to stderr with the errors.
        var report = new StringWriter { NewLine = "\n" };
        parse.Invoke(new InvocationConfiguration { Output = report, Error = report, EnableDefaultExceptionHandler = false });
        // Without the blank lines it leaves around a report with no suggestion, or after the errors.
        stderr.Write(report.ToString().Trim('\n') + "\n");
        stderr.Write("Run 'kscn --help' for usage.\n");
        return (int)ExitCode.InputErrors;
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

    /// <summary>Which streams are coloured unless an option says otherwise (<see cref="TerminalColor"/>); none by default.</summary>
    public Terminal Terminal { get; init; } = Terminal.None;

    /// <summary>Whether an internal error prints its stack trace after its line: KSCN_STACK=1, for kscn's developers.</summary>
    public bool ShowsStack { get; init; } = InternalErrors.StackWanted;

    /// <summary>Reports a bug of ours in one line, with the stack trace of <paramref name="cause"/> only if <see cref="ShowsStack"/>.</summary>
    internal ExitCode InternalError(string line, Exception? cause)
    {
        Error.Write(line + "\n");
        if (ShowsStack && cause is not null)
            Error.Write(cause + "\n");
        return ExitCode.InternalError;
    }

    /// <summary>Reports an option the command cannot use, naming it and its value: an input error.</summary>
    internal ExitCode Refuse(string message)
    {
        Error.Write($"kscn: {message}\n");
        return ExitCode.InputErrors;
    }
}
