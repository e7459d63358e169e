using System.CommandLine;
using ScenarioLang.Compiler;
using ScenarioLang.Compiler.Hosting;
using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Scheduling;

namespace ScenarioLang.Cli.Commands;

/// <summary>
/// kscn explore FILE...: run, with the statistics of each explore block, and the options of the search: no reduction,
/// a bound on executions, saving the first counterexample as a replayable scenario, listing the pause points.
/// </summary>
internal static class ExploreCommand
{
    public static Command Create(CliConsole console)
    {
        var files = new Argument<string[]>("files") { Description = "The .kscn files to explore.", Arity = ArgumentArity.ZeroOrMore };
        var variant = VariantOption.Create();
        var reduction = new Option<string>("--reduction") { Description = "dpor (default: source-DPOR with sleep sets), sleep-sets (sleep sets alone) or none (every interleaving); verdicts and final states do not change.", DefaultValueFactory = _ => "dpor", HelpName = "name" };
        reduction.AcceptOnlyFromAmong("dpor", "sleep-sets", "none");
        var noReduction = new Option<bool>("--no-reduction") { Description = "The same as --reduction none." };
        var max = new Option<int?>("--max-executions") { Description = "Stop after this many executions; with no violation seen, a cut search is inconclusive (exit 4). For random and pct, how many to sample (default 1000).", HelpName = "n" };
        var jobs = new Option<int>("--jobs") { Description = "Threads that search at once (default: every core); the result is the same for any number.", DefaultValueFactory = _ => Environment.ProcessorCount, HelpName = "n" };
        var shard = new Option<string?>("--shard") { Description = "Search only part i of n of the tree (1/4 … 4/4), for a matrix of CI jobs; a violation fails the shard that finds it (exit 1), a shard without one is inconclusive (exit 4).", HelpName = "i/n" };
        var strategy = new Option<string>("--strategy") { Description = "exhaustive (default), random (random walks) or pct (probabilistic concurrency testing): the last two sample, with a printed seed.", DefaultValueFactory = _ => "exhaustive", HelpName = "name" };
        strategy.AcceptOnlyFromAmong("exhaustive", "random", "pct");
        var seed = new Option<int>("--seed") { Description = "The seed of random and pct (default 1).", DefaultValueFactory = _ => 1, HelpName = "n" };
        var depth = new Option<int>("--pct-depth") { Description = "The bug depth pct aims at: priorities change at depth - 1 steps (default 3).", DefaultValueFactory = _ => 3, HelpName = "d" };
        var preemptions = new Option<int?>("--preemption-bound") { Description = "Explore only executions with at most n preemptions (without reduction); a bound that leaves executions out makes the search inconclusive.", HelpName = "n" };
        var buffers = new Option<int?>("--buffer-bound") { Description = "Keep at most n stores in each store buffer: a store waits for a drain.", HelpName = "n" };
        var timeout = new Option<double?>("--timeout") { Description = "Stop the search after this many seconds; the result then depends on the machine's speed.", HelpName = "seconds" };
        var stopAtFirst = new Option<bool>("--stop-at-first") { Description = "Stop at the first violation in search order (an always/never failing, a finding, a deadlock), for bug hunting; without one the search runs to its end." };
        var save = new Option<string?>("--save") { Description = "Write the first counterexample as a scenario with an explicit schedule, to replay with kscn run.", HelpName = "file" };
        var noCache = CacheOption.Create();
        var verify = new Option<bool>("--verify-independence") { Description = "Check that every event the search takes as independent of earlier ones can run before them with the same outcome: one more run per event; a violation is an internal error." };
        var points = new Option<bool>("--points") { Description = "List the pause points of every step kind, for 'until', and exit." };
        var command = new Command("explore", "Run scenarios and report how their explore blocks were explored.")
        {
            files, variant, reduction, noReduction, max, jobs, shard, strategy, seed, depth, preemptions, buffers, timeout, stopAtFirst, save, noCache, verify, points,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(points))
                return (int)ListPoints(console);
            var paths = parse.GetValue(files)!;
            if (paths.Length == 0)
                return (int)console.Refuse("explore needs a file");
            var chosen = parse.GetValue(strategy) switch
            {
                "random" => ExploreStrategy.Random,
                "pct" => ExploreStrategy.Pct,
                _ => ExploreStrategy.Exhaustive,
            };
            var executions = parse.GetValue(max) ?? (chosen == ExploreStrategy.Exhaustive ? new ExploreOptions().MaxExecutions : 1000);
            (string Name, double? Value, double Least)[] bounded =
            [
                ("--max-executions", executions, 1), ("--jobs", parse.GetValue(jobs), 1), ("--pct-depth", parse.GetValue(depth), 1),
                ("--preemption-bound", parse.GetValue(preemptions), 0), ("--buffer-bound", parse.GetValue(buffers), 1),
            ];
            if (bounded.FirstOrDefault(b => b.Value < b.Least) is { Name: not null } low)
                return (int)console.Refuse($"{low.Name} must be at least {low.Least}, not {low.Value}");
            if (parse.GetValue(timeout) is <= 0 and var limit)
                return (int)console.Refuse($"--timeout must be a positive number of seconds, not {limit}");
            var shardText = parse.GetValue(shard);
            var part = shardText is null ? null : ParseShard(shardText);
            if (shardText is not null && part is null)
                return (int)console.Refuse($"--shard takes i/n with 1 <= i <= n, as in 2/4, not '{shardText}'");
            var options = new ExploreOptions(
                Reduction: parse.GetValue(noReduction) ? Reduction.None : parse.GetValue(reduction) switch
                {
                    "sleep-sets" => Reduction.SleepSets,
                    "none" => Reduction.None,
                    _ => Reduction.Dpor,
                },
                MaxExecutions: executions,
                Jobs: parse.GetValue(jobs),
                Shard: part,
                Strategy: chosen,
                Seed: parse.GetValue(seed),
                PctDepth: parse.GetValue(depth),
                PreemptionBound: parse.GetValue(preemptions),
                BufferBound: parse.GetValue(buffers),
                Timeout: parse.GetValue(timeout) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                StopAtFirst: parse.GetValue(stopAtFirst),
                VerifyIndependence: parse.GetValue(verify));
            return (int)RunCommand.Execute(paths, parse.GetValue(variant), CacheOption.Resolve(parse, noCache, console), console, new ExploreSettings(options, parse.GetValue(save)));
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

    /// <summary>Writes the first counterexample of the results, if any, as a replay scenario.</summary>
    public static void Save(string path, IEnumerable<(CompiledScenario Scenario, ScenarioResult Result)> results, CliConsole console)
    {
        var first = results
            .Select(r => (r.Scenario, r.Result.Config, Counterexample: r.Result.Exploration?.Expectations.FirstOrDefault(e => e.Counterexample is not null)?.Counterexample))
            .FirstOrDefault(r => r.Counterexample is not null);
        if (first.Counterexample is null)
        {
            console.Error.Write("kscn: no expectation failed in any execution: nothing to save\n");
            return;
        }
        File.WriteAllText(path, ReplayWriter.Write(first.Scenario.Bound, first.Counterexample, first.Config));
        console.Error.Write($"kscn: wrote execution {first.Counterexample.Execution} of \"{first.Scenario.Bound.Name}\" to {path}\n");
    }
}

/// <summary>What kscn explore adds to a run: the search options, the statistics, and where to save a counterexample.</summary>
internal sealed record ExploreSettings(ExploreOptions Options, string? SavePath);
