using System.Text;
using ScenarioLang.Cli;
using ScenarioLang.Compiler;
using ScenarioLang.Compiler.Text;

namespace ScenarioLang.Tests.Fuzzing.Engine;

/// <summary>A case kscn got wrong: the case (its seed and how it was made), its input, the command, what was wrong, and what kscn printed.</summary>
internal sealed record FuzzFinding(string Case, string Input, string Command, string Problem, int? ExitCode, string Out, string Error, string SavedAs)
{
    /// <summary>The seed, the problem, where the input was kept, and the input and output themselves (escaped, cut).</summary>
    public string Report() =>
        $"{Command} {Case}\n  problem: {Problem}\n  exit code: {ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}\n" +
        $"  input kept in: {SavedAs}\n  input: {Start(Input, 2000)}\n" +
        $"  stderr: {Start(Error, 600)}\n  stdout: {Start(Out, 300)}\n";

    private static string Start(string text, int length) => Mutator.Ascii(text.Length <= length ? text : text[..length] + "...");
}

/// <summary>How one case ended: kscn's exit code (none when it threw or got stuck), and the finding if it was wrong.</summary>
internal readonly record struct FuzzVerdict(int? ExitCode, FuzzFinding? Finding);

/// <summary>
/// Runs kscn check (or run, or explore) in process on one generated input, written to a file under <paramref name="directory"/>,
/// and judges the result: exit 0, 1 or 2 (run and explore: or 4), never 3 nor an exception; diagnostics in their promised form;
/// output consistent with the exit code; done long before <see cref="FuzzLimits.StuckAfter"/>; explore's output the
/// same for any number of threads and for shards merged.
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

    /// <summary>
    /// kscn explore on a file that checks, the ways a user splits a search (docs/language.md, explore blocks): with one
    /// thread, with two, and in three shards written to files and merged. Each must print the same bytes on stdout and
    /// exit with the same code, also when the budget cuts the search; the first must keep run's promises.
    /// </summary>
    public FuzzVerdict Explore(FuzzInput input)
    {
        var path = Write(input, "explore");
        string[] budget = ["--max-executions", FuzzLimits.ExploreBudget(input.Seed)];
        var one = Invoke(["explore", path, "--jobs", "1", .. budget], input);
        var problem = one.Failure ?? RunProblem(one.Exit!.Value, one.Out, one.Error, path, File.ReadAllText(path));
        // A file kscn refuses (exit 2) has no search to split.
        if (problem is null && one.Exit != 2)
            problem = Split(path, budget, input, one);
        return Verdict(input, "explore", path, one, problem);
    }

    /// <summary>What differs from <paramref name="one"/> when the search runs on two threads, or in three shards merged.</summary>
    private string? Split(string path, string[] budget, FuzzInput input, Invocation one)
    {
        var two = Invoke(["explore", path, "--jobs", "2", .. budget], input);
        if ((two.Failure ?? Difference("--jobs 2", one, two)) is { } threads)
            return threads;
        var shards = Enumerable.Range(1, 3).Select(i => $"{path}.shard{i}").ToArray();
        for (var i = 0; i < shards.Length; i++)
        {
            var shard = Invoke(["explore", path, "--shard", $"{i + 1}/3", "--shard-output", shards[i], "--jobs", "1", .. budget], input);
            if ((shard.Failure ?? (shard.Exit == 0 ? null : $"--shard {i + 1}/3 --shard-output exited {shard.Exit}: {shard.Error}")) is { } failed)
                return failed;
        }
        var merged = Invoke(["explore", path, "--merge", .. shards, .. budget], input);
        foreach (var shard in shards)
            File.Delete(shard);
        return merged.Failure ?? Difference("three shards merged", one, merged);
    }

    /// <summary>The first line where <paramref name="other"/>'s stdout differs from <paramref name="one"/>'s, or its other exit code; null if the same.</summary>
    private static string? Difference(string how, Invocation one, Invocation other)
    {
        if (one.Exit == other.Exit && one.Out == other.Out)
            return null;
        var (a, b) = (one.Out.Split('\n'), other.Out.Split('\n'));
        var line = Enumerable.Range(0, Math.Min(a.Length, b.Length)).FirstOrDefault(i => a[i] != b[i], Math.Min(a.Length, b.Length));
        return $"{how}: exit {other.Exit} against {one.Exit}; stdout line {line + 1}: '{(line < b.Length ? b[line] : "(end)")}' against '{(line < a.Length ? a[line] : "(end)")}'";
    }

    private FuzzVerdict Judge(FuzzInput input, string command)
    {
        var path = Write(input, command);
        var text = File.ReadAllText(path);
        var invocation = Invoke([command, path], input);
        var problem = invocation.Failure ?? (command == "check"
            ? CheckProblem(invocation.Exit!.Value, invocation.Out, invocation.Error, path, text)
            : RunProblem(invocation.Exit!.Value, invocation.Out, invocation.Error, path, text));
        return Verdict(input, command, path, invocation, problem);
    }

    private string Write(FuzzInput input, string command)
    {
        var path = Path.Combine(directory, $"{command}-{input.Seed}.kscn");
        File.WriteAllBytes(path, input.Bytes);
        return path;
    }

    /// <summary>The case passed (its file is deleted) or it is a finding, kept with its note.</summary>
    private static FuzzVerdict Verdict(FuzzInput input, string command, string path, Invocation invocation, string? problem)
    {
        if (problem is null)
        {
            File.Delete(path);
            return new FuzzVerdict(invocation.Exit, null);
        }
        return new FuzzVerdict(invocation.Exit, Keep(new FuzzFinding(input.ToString(), input.Text, command, problem, invocation.Exit, invocation.Out, invocation.Error, path), path));
    }

    /// <summary>How one kscn invocation ended: its exit code and output, or why it has none (stuck, or an exception).</summary>
    private readonly record struct Invocation(int? Exit, string Out, string Error, string? Failure);

    private Invocation Invoke(string[] args, FuzzInput input) => Invoke(args, $"a {input.Bytes.Length}-byte input");

    /// <summary>
    /// kscn in process on <paramref name="args"/> (with <paramref name="stdin"/> as its standard input, else an empty
    /// one), <see cref="Guarded"/>.
    /// </summary>
    private Invocation Invoke(string[] args, string what, TextReader? stdin = null)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var console = new CliConsole(stdout, stderr) { ShowsStack = true, In = stdin ?? TextReader.Null };
        var (exit, failure) = Guarded(() => KscnCli.Run(args, console), $"kscn {args.FirstOrDefault()} on {what}");
        return failure is null ? new Invocation(exit, stdout.ToString(), stderr.ToString(), null) : new Invocation(null, stdout.ToString(), stderr.ToString(), failure);
    }

    /// <summary>
    /// The editor's services on the input (<see cref="ServicesOracle"/>): none throws, every span they answer with lies
    /// in the text, and all are done long before <see cref="FuzzLimits.StuckAfter"/>. Counted as exit 0 when they are.
    /// </summary>
    public FuzzVerdict Services(FuzzInput input)
    {
        var (answer, failure) = Guarded(() => ServicesOracle.Problem(input.Text, new FuzzRandom(input.Seed)), $"the services on a {input.Bytes.Length}-byte input");
        if ((failure ?? answer) is not { } problem)
            return new FuzzVerdict(0, null);
        var path = Write(input, "services");
        return new FuzzVerdict(null, Keep(new FuzzFinding(input.ToString(), input.Text, "services", problem, null, "", "", path), path));
    }

    /// <summary>
    /// <paramref name="work"/> on a thread of its own: its result, or why there is none. Still running after
    /// <see cref="FuzzLimits.StuckAfter"/>, it is stuck, and its thread cannot be stopped (<see cref="Stuck"/>).
    /// </summary>
    private (T? Result, string? Failure) Guarded<T>(Func<T> work, string what)
    {
        var task = Task.Run(work);
        // WaitAny, unlike Wait, does not throw when the work threw: that is judged here, with the input named.
        if (Task.WaitAny([task], FuzzLimits.StuckAfter) < 0)
        {
            Stuck = true;
            return (default, $"{what} still running after {FuzzLimits.StuckAfter.TotalSeconds} s (stuck, not slow: a case takes milliseconds)");
        }
        return task.Exception is { } exception ? (default, "exception: " + exception.InnerException) : (task.Result, null);
    }

    /// <summary>
    /// kscn on an odd command line (<see cref="CommandLineMutator"/>), with a scenario on standard input for
    /// <c>--stdin-path</c> and <c>-</c>: exit 0, 1, 2 or 4, never 3 nor an exception; a refusal (exit 2) says why; no
    /// stack trace; done long before <see cref="FuzzLimits.StuckAfter"/>.
    /// </summary>
    public FuzzVerdict CommandLine(FuzzCommandLine line, string stdin)
    {
        var invocation = Invoke(line.Args, $"a {line.Args.Length}-argument command line", new StringReader(stdin));
        var problem = invocation.Failure ?? CommandLineProblem(invocation.Exit!.Value, invocation.Out, invocation.Error);
        if (problem is null)
            return new FuzzVerdict(invocation.Exit, null);
        var path = Path.Combine(directory, $"args-{line.Seed}");
        return new FuzzVerdict(invocation.Exit, Keep(new FuzzFinding(line.ToString(), string.Join('\n', line.Args), "kscn", problem, invocation.Exit, invocation.Out, invocation.Error, path), path));
    }

    internal static string? CommandLineProblem(int exit, string stdout, string stderr) => exit switch
    {
        _ when stderr.Contains("\n   at ", StringComparison.Ordinal) || stdout.Contains("\n   at ", StringComparison.Ordinal) => "a stack trace in the output",
        0 or 1 or 4 => stderr.Contains("internal error", StringComparison.Ordinal) ? "an internal error with a verdict exit code" : null,
        // check --format json reports its errors on stdout.
        2 => stderr.Trim().Length == 0 && stdout.Trim().Length == 0 ? "exit 2 without a word" : null,
        _ => $"exit {exit}",
    };

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
