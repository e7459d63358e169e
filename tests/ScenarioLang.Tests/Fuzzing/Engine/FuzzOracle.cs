using System.Text;
using ScenarioLang.Cli;
using ScenarioLang.Compiler;
using ScenarioLang.Compiler.Text;

namespace ScenarioLang.Tests.Fuzzing.Engine;

/// <summary>A case kscn got wrong: the input, the command, what was wrong, and what kscn printed.</summary>
internal sealed record FuzzFinding(FuzzInput Input, string Command, string Problem, int? ExitCode, string Out, string Error, string SavedAs)
{
    /// <summary>The seed, the problem, where the input was kept, and the input and output themselves (escaped, cut).</summary>
    public string Report() =>
        $"{Command} {Input}\n  problem: {Problem}\n  exit code: {ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}\n" +
        $"  input kept in: {SavedAs}\n  input: {Start(Encoding.UTF8.GetString(Input.Bytes), 2000)}\n" +
        $"  stderr: {Start(Error, 600)}\n  stdout: {Start(Out, 300)}\n";

    private static string Start(string text, int length) => Mutator.Ascii(text.Length <= length ? text : text[..length] + "...");
}

/// <summary>How one case ended: kscn's exit code (none when it threw or got stuck), and the finding if it was wrong.</summary>
internal readonly record struct FuzzVerdict(int? ExitCode, FuzzFinding? Finding);

/// <summary>
/// Runs kscn check (or run) in process on one generated input, written to a file under <paramref name="directory"/>,
/// and judges the result: exit 0, 1 or 2 (run: or 4), never 3 nor an exception; diagnostics in their promised form;
/// output consistent with the exit code; done long before <see cref="FuzzLimits.StuckAfter"/>.
/// A failing input is kept with a note of the finding, so that <c>kscn check FILE</c> reproduces it.
/// </summary>
internal sealed class FuzzOracle(string directory)
{
    /// <summary>Set when a case got stuck: its thread cannot be stopped, so later cases would share the machine with it.</summary>
    public bool Stuck { get; private set; }

    public FuzzVerdict Check(FuzzInput input) => Judge(input, "check");

    public FuzzVerdict Run(FuzzInput input) => Judge(input, "run");

    /// <summary>Whether a run of this input stays small (see <see cref="FuzzLimits"/>): the mutator for run keeps to such edits, splices may not.</summary>
    public static bool SmallToRun(string text) => !KscnTokens.Split(text).Any(t => t.Text == "explore") && SmallWork(text);

    /// <summary>
    /// Whether one run of the scenario's statements stays small: no name past <see cref="FuzzLimits.MaxNameLengthForRun"/>
    /// and no more than <see cref="FuzzLimits.MaxRepeatWorkForRun"/> iterations of any nest of repeats. An explore
    /// block's search runs them once per execution, within its own budget.
    /// </summary>
    public static bool SmallWork(string text)
    {
        var tokens = KscnTokens.Split(text).Where(t => !t.IsTrivia).ToList();
        if (tokens.Any(t => t.Text.Length > FuzzLimits.MaxNameLengthForRun))
            return false;
        // The product of the counts of the repeats (and the sizes of the groups of for eaches) open at each brace: a bound
        // on the iterations of the innermost body.
        var cap = FuzzLimits.MaxRepeatWorkForRun + 1;
        var groups = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i + 4 < tokens.Count; i++)
        {
            if (tokens[i].Text == "task" && tokens[i + 2].Text == "[" && ulong.TryParse(tokens[i + 3].Text, out var members))
                groups[tokens[i + 1].Text] = (long)Math.Min(members, (ulong)cap);
        }
        var open = new Stack<long>();
        long most = 1;
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].Text == "{")
            {
                var count = i >= 2 && tokens[i - 2].Text == "repeat" && ulong.TryParse(tokens[i - 1].Text, out var n) ? (long)Math.Min(n, (ulong)cap)
                    : i >= 3 && tokens[i - 3].Text == "for" && tokens[i - 2].Text == "each" ? groups.GetValueOrDefault(tokens[i - 1].Text, 1)
                    : 1;
                open.Push(Math.Min((open.Count == 0 ? 1 : open.Peek()) * count, cap));
                most = Math.Max(most, open.Peek());
            }
            else if (tokens[i].Text == "}" && open.Count > 0)
            {
                open.Pop();
            }
        }
        return most <= FuzzLimits.MaxRepeatWorkForRun;
    }

    private FuzzVerdict Judge(FuzzInput input, string command)
    {
        var path = Path.Combine(directory, $"{command}-{input.Seed}.kscn");
        File.WriteAllBytes(path, input.Bytes);
        var text = File.ReadAllText(path);
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var console = new CliConsole(stdout, stderr) { ShowsStack = true };
        var invocation = Task.Run(() => KscnCli.Run([command, path], console));
        string? problem;
        int? exit = null;
        // WaitAny, unlike Wait, does not throw when the invocation threw: that is judged below, with the input named.
        if (Task.WaitAny([invocation], FuzzLimits.StuckAfter) < 0)
        {
            Stuck = true;
            problem = $"still running after {FuzzLimits.StuckAfter.TotalSeconds} s on a {input.Bytes.Length}-byte input (stuck, not slow: a case takes milliseconds)";
            return new FuzzVerdict(null, Keep(new FuzzFinding(input, command, problem, null, "", "", path), path));
        }
        if (invocation.Exception is { } exception)
            problem = "exception: " + exception.InnerException;
        else
        {
            exit = invocation.Result;
            problem = command == "check" ? CheckProblem(exit.Value, stdout.ToString(), stderr.ToString(), path, text) : RunProblem(exit.Value, stdout.ToString(), stderr.ToString(), path, text);
        }
        if (problem is null)
        {
            File.Delete(path);
            return new FuzzVerdict(exit, null);
        }
        return new FuzzVerdict(exit, Keep(new FuzzFinding(input, command, problem, exit, stdout.ToString(), stderr.ToString(), path), path));
    }

    internal static string? CheckProblem(int exit, string stdout, string stderr, string path, string text) => exit switch
    {
        0 when !stdout.StartsWith("1 file, ", StringComparison.Ordinal) || !stdout.EndsWith(": no errors\n", StringComparison.Ordinal) => "exit 0 without the 'no errors' line",
        0 => DiagnosticShape.Problem(stderr, path, text, errorsExpected: false),
        2 when stdout.Length > 0 => "exit 2 with output on stdout",
        2 => DiagnosticShape.Problem(stderr, path, text, errorsExpected: true),
        _ => $"check exited {exit}",
    };

    internal static string? RunProblem(int exit, string stdout, string stderr, string path, string text) => exit switch
    {
        0 or 1 or 4 when stdout.Length == 0 => $"exit {exit} with nothing on stdout",
        0 or 1 or 4 => stderr.Contains("internal error", StringComparison.Ordinal) ? "an internal error with a verdict exit code" : null,
        // A file without a scenario is refused in one line (docs/fuzzing.md, finding 1); any other exit 2 has diagnostics.
        2 when stderr == NothingToRun => stdout.Length == 0 && ScenarioCount(path, text) == 0 ? null : "'nothing to run' said of a file with a scenario",
        2 => DiagnosticShape.Problem(stderr, path, text, errorsExpected: true),
        _ => $"run exited {exit}",
    };

    private const string NothingToRun = "kscn: no scenario in 1 file: nothing to run\n";

    private static int ScenarioCount(string path, string text) =>
        Compilation.Create(SourceText.From(text, path)).Units.Sum(u => u.Scenarios.Length);

    /// <summary>Keeps the input beside a note saying what went wrong: the note's first lines are the seed and the reason.</summary>
    private static FuzzFinding Keep(FuzzFinding finding, string path)
    {
        File.WriteAllText(path + ".txt", finding.Report(), Encoding.UTF8);
        return finding;
    }
}
