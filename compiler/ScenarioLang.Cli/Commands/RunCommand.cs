using System.CommandLine;
using ScenarioLang.Compiler;
using ScenarioLang.Compiler.Emit;
using ScenarioLang.Compiler.Hosting;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Cli.Commands;

/// <summary>
/// kscn run FILE...: every scenario's trace and verdict; with several variants (--variant ioperm=*) a matrix
/// instead, one row per variant with its verdict and cost counters side by side.
/// </summary>
internal static class RunCommand
{
    public static Command Create(CliConsole console)
    {
        var files = Parsers.Paths("files", "The .kscn files to run.", ArgumentArity.OneOrMore);
        var variant = VariantOption.Create();
        var noCache = CacheOption.Create();
        var command = new Command("run", "Compile and run scenarios; print each step, what the kernel did, and the verdicts.") { files, variant, noCache };
        command.SetAction(parse => (int)Execute(parse.GetValue(files)!, parse.GetValue(variant), CacheOption.Resolve(parse, noCache, console), console, explore: null));
        return command;
    }

    /// <summary>Runs and prints; with <paramref name="explore"/> (kscn explore) the search options, statistics and saving apply.</summary>
    public static ExitCode Execute(string[] paths, string[]? variants, CompileCache? cache, CliConsole console, ExploreSettings? explore)
    {
        if (SourceFiles.Prepare(paths, variants, console, allowDirectories: false, explore is null ? "run" : "explore") is not (var compilation, var overrides))
            return ExitCode.InputErrors;
        PhaseTimings.End("parse and bind");
        var ran = Run(compilation, overrides, cache, console, explore?.Options, _ => true);
        if (ran.InternalError || explore?.SavePath is not { } save)
            return ran.Exit;
        return ExitCodes.Worst(ran.Exit, ExploreCommand.Save(save, ran.Results, console));
    }

    /// <summary>
    /// Runs the scenarios of a checked compilation that <paramref name="only"/> selects, once per configuration, and prints
    /// each one's trace (or matrix) and, with <paramref name="explore"/>, its search statistics: what kscn run and kscn
    /// explore print, and what the language server's kscn/run returns for one scenario of a buffer.
    /// </summary>
    public static RunOutcome Run(Compilation compilation, IReadOnlyList<IReadOnlyDictionary<string, string>> overrides, CompileCache? cache, CliConsole console,
        Runtime.ExploreOptions? explore, Func<CompiledScenario, bool> only)
    {
        using var assembly = compilation.CompileAndLoad(cache);
        PhaseTimings.End("compile and load");
        var exit = ExitCode.Success;
        var first = true;
        var explored = new List<(CompiledScenario, Runtime.ScenarioResult)>();
        foreach (var scenario in assembly.Scenarios.Where(only))
        {
            if (!first)
                console.Out.Write("\n");
            first = false;
            var results = new List<Runtime.ScenarioResult>();
            var times = new List<TimeSpan>();
            foreach (var config in overrides.SelectMany(o => ScenarioRunner.ConfigsFor(scenario, o)))
            {
                var progress = new ExploreProgress(console, scenario.Bound.Name, config.DescribeFor(scenario.Bound.Mechanisms));
                var run = ScenarioRunner.Run(assembly, scenario, config, explore is null ? null : progress.Attach(explore));
                times.Add(progress.Finish());
                PhaseTimings.End("run");
                if (run.Result is null)
                    return new RunOutcome(console.InternalError(run.InternalError!, run.Cause), explored, InternalError: true);
                results.Add(run.Result);
                explored.Add((scenario, run.Result));
                exit = ExitCodes.Worst(exit, ExitCodes.Of(run.Result.Verdict));
            }
            if (results.Count == 1)
                TraceFormatter.Write(results[0], console.Out);
            else
                console.Out.Write(MatrixFormatter.Format(results));
            PhaseTimings.End("format");
            if (explore is not null)
            {
                foreach (var (result, time) in results.Zip(times).Where(r => r.First.Exploration is not null))
                {
                    console.Out.Write(ExplorationFormatter.Statistics(result));
                    ExploreProgress.Timing(result, time, console);
                }
            }
            // A scenario's whole result at once, before the next one runs: standard output is buffered.
            console.Out.Flush();
        }
        return new RunOutcome(exit, explored, InternalError: false);
    }
}

/// <summary>What a run did: its exit code, each scenario's result per configuration, and whether it stopped at an internal error.</summary>
internal sealed record RunOutcome(ExitCode Exit, IReadOnlyList<(CompiledScenario Scenario, Runtime.ScenarioResult Result)> Results, bool InternalError);
