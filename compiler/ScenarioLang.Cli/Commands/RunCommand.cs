using System.CommandLine;
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
        var files = new Argument<string[]>("files") { Description = "The .kscn files to run.", Arity = ArgumentArity.OneOrMore };
        var variant = VariantOption.Create();
        var command = new Command("run", "Compile and run scenarios; print each step, what the kernel did, and the verdicts.") { files, variant };
        command.SetAction(parse => (int)Execute(parse.GetValue(files)!, parse.GetValue(variant), console));
        return command;
    }

    private static ExitCode Execute(string[] paths, string[]? variants, CliConsole console)
    {
        if (SourceFiles.Prepare(paths, variants, console, allowDirectories: false) is not (var compilation, var overrides))
            return ExitCode.InputErrors;
        using var assembly = compilation.CompileAndLoad();
        var exit = ExitCode.Success;
        var first = true;
        foreach (var scenario in assembly.Scenarios)
        {
            if (!first)
                console.Out.Write("\n");
            first = false;
            var results = new List<Runtime.ScenarioResult>();
            foreach (var config in overrides.Select(o => ScenarioRunner.ConfigFor(scenario, o)))
            {
                var run = ScenarioRunner.Run(assembly, scenario, config);
                if (run.Result is null)
                {
                    console.Error.Write(run.InternalError + "\n");
                    return ExitCode.InternalError;
                }
                results.Add(run.Result);
                if (!run.Passed)
                    exit = ExitCode.Failed;
            }
            console.Out.Write(results.Count == 1 ? TraceFormatter.Format(results[0]) : MatrixFormatter.Format(results));
        }
        return exit;
    }
}
