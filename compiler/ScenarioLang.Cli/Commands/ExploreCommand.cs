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
        var noReduction = new Option<bool>("--no-reduction") { Description = "Run every interleaving, without sleep sets; verdicts and final states do not change." };
        var max = new Option<int>("--max-executions") { Description = "Stop after this many executions; a cut search fails its explore block.", DefaultValueFactory = _ => new ExploreOptions().MaxExecutions };
        var save = new Option<string?>("--save") { Description = "Write the first counterexample as a scenario with an explicit schedule, to replay with kscn run.", HelpName = "file" };
        var points = new Option<bool>("--points") { Description = "List the pause points of every step kind, for 'until', and exit." };
        var command = new Command("explore", "Run scenarios and report how their explore blocks were explored.") { files, variant, noReduction, max, save, points };
        command.SetAction(parse =>
        {
            if (parse.GetValue(points))
                return (int)ListPoints(console);
            var paths = parse.GetValue(files)!;
            if (paths.Length == 0)
            {
                console.Error.Write("kscn: explore needs a file\n");
                return (int)ExitCode.InputErrors;
            }
            if (parse.GetValue(max) < 1)
            {
                console.Error.Write("kscn: --max-executions must be at least 1\n");
                return (int)ExitCode.InputErrors;
            }
            var options = new ExploreOptions(Reduce: !parse.GetValue(noReduction), MaxExecutions: parse.GetValue(max));
            return (int)RunCommand.Execute(paths, parse.GetValue(variant), console, new ExploreSettings(options, parse.GetValue(save)));
        });
        return command;
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
            .Select(r => (r.Scenario, Counterexample: r.Result.Exploration?.Expectations.FirstOrDefault(e => e.Counterexample is not null)?.Counterexample))
            .FirstOrDefault(r => r.Counterexample is not null);
        if (first.Counterexample is null)
        {
            console.Error.Write("kscn: no expectation failed in any execution: nothing to save\n");
            return;
        }
        File.WriteAllText(path, ReplayWriter.Write(first.Scenario.Bound, first.Counterexample));
        console.Error.Write($"kscn: wrote execution {first.Counterexample.Execution} of \"{first.Scenario.Bound.Name}\" to {path}\n");
    }
}

/// <summary>What kscn explore adds to a run: the search options, the statistics, and where to save a counterexample.</summary>
internal sealed record ExploreSettings(ExploreOptions Options, string? SavePath);
