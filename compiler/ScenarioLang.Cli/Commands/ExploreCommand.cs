using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ScenarioLang.Compiler;
using ScenarioLang.Compiler.Hosting;
using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Catalog;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Cli.Commands;

/// <summary>
/// kscn explore FILE...: run, with the statistics of each explore block, and the options of the search: no reduction,
/// a bound on executions, saving the first counterexample as a replayable scenario, writing a shard's results to a file
/// and merging every shard's file into the whole search's report (<see cref="ShardFiles"/>), listing the pause points.
/// </summary>
internal static class ExploreCommand
{
    /// <summary>PCT changes priorities at depth - 1 points of every execution; research uses depths up to 5, and a depth
    /// past the steps of an execution changes nothing more, so a larger one is a mistake, not a wish.</summary>
    private const int MaxPctDepth = 1000;

    /// <summary>About 31 years: far beyond any search, and well within what a TimeSpan holds.</summary>
    private const int MaxTimeoutSeconds = 1_000_000_000;

    public static Command Create(CliConsole console)
    {
        var files = Parsers.Paths("files", "The .kscn files to explore.", ArgumentArity.ZeroOrMore);
        var variant = VariantOption.Create();
        var reduction = new Option<string>("--reduction") { Description = "dpor (default: source-DPOR with sleep sets), sleep-sets (sleep sets alone) or none (every interleaving); verdicts and final states do not change.", DefaultValueFactory = _ => "dpor", HelpName = "name" };
        reduction.AcceptOnlyFromAmong("dpor", "sleep-sets", "none");
        var noReduction = new Option<bool>("--no-reduction") { Description = "The same as --reduction none." };
        var max = new Option<int?>("--max-executions") { Description = "Stop after this many executions; with no violation seen, a cut search is inconclusive (exit 4). For random and pct, how many to sample (default 1000).", HelpName = "n", CustomParser = r => Parsers.WholeNumber(r) };
        // No default value in the help: "[default: 2]" would differ from one machine to the next.
        var jobs = new Option<int?>("--jobs") { Description = "Threads that search at once (default: every core); the result is the same for any number.", HelpName = "n", CustomParser = r => Parsers.WholeNumber(r) };
        var shard = new Option<string?>("--shard") { Description = "Search only part i of n of the tree (1/4 … 4/4), for a matrix of CI jobs; a violation fails the shard that finds it (exit 1), a shard without one is inconclusive (exit 4).", HelpName = "i/n" };
        var strategy = new Option<string>("--strategy") { Description = "exhaustive (default), random (random walks) or pct (probabilistic concurrency testing): the last two sample, with a printed seed.", DefaultValueFactory = _ => "exhaustive", HelpName = "name" };
        strategy.AcceptOnlyFromAmong("exhaustive", "random", "pct");
        var seed = new Option<int>("--seed") { Description = "The seed of random and pct (default 1).", DefaultValueFactory = _ => 1, HelpName = "n", CustomParser = Parsers.WholeNumber };
        var depth = new Option<int>("--pct-depth") { Description = $"The bug depth pct aims at: priorities change at depth - 1 steps (default 3, at most {MaxPctDepth}).", DefaultValueFactory = _ => 3, HelpName = "d", CustomParser = Parsers.WholeNumber };
        var preemptions = new Option<int?>("--preemption-bound") { Description = "Explore only executions with at most n preemptions (without reduction); a bound that leaves executions out makes the search inconclusive.", HelpName = "n", CustomParser = r => Parsers.WholeNumber(r) };
        var buffers = new Option<int?>("--buffer-bound") { Description = "Keep at most n stores in each store buffer: a store waits for a drain.", HelpName = "n", CustomParser = r => Parsers.WholeNumber(r) };
        var timeout = new Option<double?>("--timeout") { Description = $"Stop the search after this many seconds (at most {MaxTimeoutSeconds}); the result then depends on the machine's speed.", HelpName = "seconds", CustomParser = r => Parsers.Seconds(r) };
        var stopAtFirst = new Option<bool>("--stop-at-first") { Description = "Stop at the first violation in search order (an always/never failing, a finding, a deadlock), for bug hunting; without one the search runs to its end." };
        var shardOutput = new Option<string?>("--shard-output") { Description = "With --shard: write what this shard found to a file for --merge, and exit 0 once it is written (the verdict is the merge's).", HelpName = "file" };
        var merge = new Option<string[]>("--merge") { Description = "Merge the files of every shard of a search (--shard i/n --shard-output) into what the whole search prints, verdicts and exit code included; give the same files and options as the shards. A shard missing or twice, or written for another search, is refused.", HelpName = "shard-files", AllowMultipleArgumentsPerToken = true, Arity = ArgumentArity.OneOrMore };
        var save = new Option<string?>("--save") { Description = "Write the first counterexample as a scenario with an explicit schedule, to replay with kscn run.", HelpName = "file" };
        var noCache = CacheOption.Create();
        var verify = new Option<bool>("--verify-independence") { Description = "Check that every event the search takes as independent of earlier ones can run before them with the same outcome, and that an execution started on a machine rewound to its explore block ends as from the scenario's start: one more run per event; a violation is an internal error." };
        var points = new Option<bool>("--points") { Description = "List the pause points of every step kind, for 'until', and exit." };
        var command = new Command("explore", "Run scenarios and report how their explore blocks were explored.")
        {
            files, variant, reduction, noReduction, max, jobs, shard, shardOutput, merge, strategy, seed, depth, preemptions, buffers, timeout, stopAtFirst, save, noCache, verify, points,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(points))
                return (int)ListPoints(console);
            var paths = parse.GetValue(files)!;
            var shardFiles = parse.GetValue(merge) is { Length: > 0 } named ? named : null;
            if (paths.Length == 0)
                return (int)console.Refuse(shardFiles is null ? "explore needs a file" : "explore --merge needs the .kscn files the shards searched, before --merge");
            var chosen = parse.GetValue(strategy) switch
            {
                "random" => ExploreStrategy.Random,
                "pct" => ExploreStrategy.Pct,
                "exhaustive" => ExploreStrategy.Exhaustive,
                var other => throw new UnreachableException($"--strategy {other} passed AcceptOnlyFromAmong"),
            };
            var executions = parse.GetValue(max) ?? (chosen == ExploreStrategy.Exhaustive ? new ExploreOptions().MaxExecutions : 1000);
            (string Name, int? Value, int Least, int Most)[] bounded =
            [
                ("--max-executions", executions, 1, int.MaxValue), ("--jobs", parse.GetValue(jobs), 1, int.MaxValue),
                ("--pct-depth", parse.GetValue(depth), 1, MaxPctDepth),
                ("--preemption-bound", parse.GetValue(preemptions), 0, int.MaxValue), ("--buffer-bound", parse.GetValue(buffers), 1, int.MaxValue),
            ];
            if (bounded.FirstOrDefault(b => b.Value < b.Least || b.Value > b.Most) is { Name: not null } bad)
                return (int)console.Refuse(bad.Most == int.MaxValue ? $"{bad.Name} must be at least {bad.Least}, not {bad.Value}" : $"{bad.Name} must be from {bad.Least} to {bad.Most}, not {bad.Value}");
            // NaN fails both comparisons; past the maximum, a TimeSpan cannot hold the value.
            if (parse.GetValue(timeout) is { } limit && !(limit > 0 && limit <= MaxTimeoutSeconds))
                return (int)console.Refuse(string.Create(CultureInfo.InvariantCulture, $"--timeout takes a number of seconds above 0 and at most {MaxTimeoutSeconds}, not {limit}"));
            var shardText = parse.GetValue(shard);
            var part = shardText is null ? null : ParseShard(shardText);
            if (shardText is not null && part is null)
                return (int)console.Refuse($"--shard takes i/n with 1 <= i <= n, as in 2/4, not '{shardText}'");
            var output = parse.GetValue(shardOutput);
            if (ShardFiles.Refusal(part, output, shardFiles, parse.GetValue(timeout) is not null) is { } refusal)
                return (int)console.Refuse(refusal);
            var options = new ExploreOptions(
                Reduction: parse.GetValue(noReduction) ? Reduction.None : parse.GetValue(reduction) switch
                {
                    "sleep-sets" => Reduction.SleepSets,
                    "none" => Reduction.None,
                    "dpor" => Reduction.Dpor,
                    var other => throw new UnreachableException($"--reduction {other} passed AcceptOnlyFromAmong"),
                },
                MaxExecutions: executions,
                Jobs: parse.GetValue(jobs) ?? Environment.ProcessorCount,
                Shard: part,
                Strategy: chosen,
                Seed: parse.GetValue(seed),
                PctDepth: parse.GetValue(depth),
                PreemptionBound: parse.GetValue(preemptions),
                BufferBound: parse.GetValue(buffers),
                Timeout: parse.GetValue(timeout) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                StopAtFirst: parse.GetValue(stopAtFirst),
                VerifyIndependence: parse.GetValue(verify));
            if (parse.GetValue(save) is { } savePath && CannotWrite(savePath) is { } problem)
                return (int)console.Refuse($"--save: cannot write '{savePath}': {problem}");
            if (output is not null && CannotWrite(output) is { } unwritable)
                return (int)console.Refuse($"--shard-output: cannot write '{output}': {unwritable}");
            var identity = output is null && shardFiles is null ? null : ShardFiles.Identity(paths, parse.GetValue(variant), options);
            if (shardFiles is not null)
            {
                if (ShardFiles.Merge(shardFiles, identity!, out var problems) is not { } combined)
                    return (int)console.Refuse("--merge: " + problems);
                options = options with { Merge = combined };
            }
            var record = output is null ? null : new ShardFile(identity!, part!);
            var exit = RunCommand.Execute(paths, parse.GetValue(variant), CacheOption.Resolve(parse, noCache, console), console, new ExploreSettings(options with { ShardOutput = record }, parse.GetValue(save)));
            return (int)(record is null || exit is ExitCode.InputErrors or ExitCode.InternalError ? exit : ShardFiles.Write(output!, record, console));
        });
        return command;
    }

    private static ExploreShard? ParseShard(string text)
    {
        var parts = text.Split('/');
        return parts.Length == 2 && int.TryParse(parts[0], out var index) && int.TryParse(parts[1], out var count) && index >= 1 && index <= count
            ? new ExploreShard(index, count)
            : null;
    }

    private static ExitCode ListPoints(CliConsole console)
    {
        foreach (var group in PausePoints.All.GroupBy(p => p.Step))
        {
            console.Out.Write(group.Key + "\n");
            foreach (var point in group)
                console.Out.Write($"  {(point.Indexed ? point.Name + "[N]" : point.Name),-22} {point.Description}\n");
        }
        console.Out.Write($"every step\n  {PausePoints.Return,-22} the body has run, the step has not returned: its stores are still buffered\n");
        return ExitCode.Success;
    }

    /// <summary>
    /// Why <paramref name="path"/> cannot take a counterexample, if it cannot: asked before the search, so that a
    /// missing directory or a directory named as the file is not found out only after it. The file is opened as
    /// for writing, and removed again if that made it.
    /// </summary>
    internal static string? CannotWrite(string path)
    {
        if (Directory.Exists(path))
            return "it is a directory";
        var existed = File.Exists(path);
        try
        {
            new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write).Dispose();
            if (!existed)
                File.Delete(path);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    /// <summary>Writes the first counterexample of the results, if any, as a replay scenario; an input error if it cannot.</summary>
    public static ExitCode Save(string path, IEnumerable<(CompiledScenario Scenario, ScenarioResult Result)> results, CliConsole console)
    {
        if (FirstCounterexample(results) is not var (scenario, counterexample, text))
        {
            console.Error.Write("kscn: no expectation failed in any execution: nothing to save\n");
            return ExitCode.Success;
        }
        try
        {
            File.WriteAllText(path, text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Writable before the search (a full disk, /dev/full), or no longer.
            return console.Refuse($"--save: cannot write '{path}': {e.Message}");
        }
        console.Error.Write($"kscn: wrote execution {counterexample.Execution} of {TraceFormatter.Quote(scenario.Bound.Name)} to {path}\n");
        return ExitCode.Success;
    }

    /// <summary>
    /// The first counterexample of the results, in their order, and the replay scenario --save writes for it (the
    /// language server's kscn/run returns the same text); null when no expectation failed in any execution.
    /// </summary>
    public static (CompiledScenario Scenario, Counterexample Counterexample, string Text)? FirstCounterexample(IEnumerable<(CompiledScenario Scenario, ScenarioResult Result)> results)
    {
        var first = results
            .Select(r => (r.Scenario, r.Result.Config, Counterexample: r.Result.Exploration?.Expectations.FirstOrDefault(e => e.Counterexample is not null)?.Counterexample))
            .FirstOrDefault(r => r.Counterexample is not null);
        return first.Counterexample is null ? null : (first.Scenario, first.Counterexample, ReplayWriter.Write(first.Scenario.Bound, first.Counterexample, first.Config));
    }
}

/// <summary>What kscn explore adds to a run: the search options, the statistics, and where to save a counterexample.</summary>
internal sealed record ExploreSettings(ExploreOptions Options, string? SavePath);
