using System.CommandLine;

namespace ScenarioLang.Cli.Commands;

/// <summary>
/// kscn completion bash|zsh|fish|pwsh: prints a script that completes kscn's verbs, options and their values (the
/// --variant names of the catalog among them) in that shell. The scripts hold no lists: each asks kscn, through
/// System.CommandLine's [suggest:POSITION] directive, for the candidates at the cursor.
/// </summary>
internal static class CompletionCommand
{
    /// <summary>Each shell and the script it gets (an embedded resource, Completion/ in this project).</summary>
    private static readonly (string Shell, string Script)[] Shells = [("bash", "kscn.bash"), ("zsh", "kscn.zsh"), ("fish", "kscn.fish"), ("pwsh", "kscn.ps1")];

    public static Command Create(CliConsole console)
    {
        var shell = new Argument<string>("shell") { Description = "The shell: " + string.Join(", ", Shells.Select(s => s.Shell)) + "." };
        shell.AcceptOnlyFromAmong([.. Shells.Select(s => s.Shell)]);
        var command = new Command("completion", "Print a script that completes kscn's verbs, options and --variant values in bash, zsh, fish or pwsh.") { shell };
        command.SetAction(parse =>
        {
            console.Out.Write(Script(parse.GetValue(shell)!));
            return (int)ExitCode.Success;
        });
        return command;
    }

    public static string Script(string shell)
    {
        var name = Array.Find(Shells, s => s.Shell == shell).Script ?? throw new ArgumentOutOfRangeException(nameof(shell), shell, "not a shell kscn completes in");
        using var stream = typeof(CompletionCommand).Assembly.GetManifestResourceStream("completion/" + name)
            ?? throw new InvalidOperationException($"the completion script {name} is not embedded in kscn");
        return new StreamReader(stream).ReadToEnd();
    }
}
