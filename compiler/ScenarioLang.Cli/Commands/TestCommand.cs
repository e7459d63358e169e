using System.CommandLine;
using ScenarioLang.Compiler.Emit;
using ScenarioLang.Compiler.Hosting;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Cli.Commands;

/// <summary>kscn test PATH...: every scenario under the paths, one line each (per variant with a --variant list), compiled in one Roslyn compilation.</summary>
internal static class TestCommand
{
    public static Command Create(CliConsole console)
    {
        var paths = new Argument<string[]>("paths") { Description = "Files, or directories searched for .kscn files.", Arity = ArgumentArity.OneOrMore };
        var variant = VariantOption.Create();
        var noCache = CacheOption.Create();
        var command = new Command("test", "Run every scenario under the paths; one line per scenario and a closing 'N passed, N failed'.") { paths, variant, noCache };
        command.SetAction(parse => (int)Execute(parse.GetValue(paths)!, parse.GetValue(variant), CacheOption.Resolve(parse, noCache), console));
        return command;
    }

    private static ExitCode Execute(string[] paths, string[]? variants, CompileCache? cache, CliConsole console)
    {
        if (SourceFiles.Prepare(paths, variants, console, allowDirectories: true) is not (var compilation, var overrides))
            return ExitCode.InputErrors;
        using var assembly = compilation.CompileAndLoad(cache);
        int passed = 0, failed = 0;
        var internalError = false;
        foreach (var scenario in assembly.Scenarios)
        foreach (var config in overrides.SelectMany(o => ScenarioRunner.ConfigsFor(scenario, o)))
        {
            var run = ScenarioRunner.Run(assembly, scenario, config);
            var verdict = run.Result is null ? "error" : run.Passed ? "pass" : "FAIL";
            var detail = run.Result is null ? run.InternalError : TraceFormatter.Summary(run.Result);
            console.Out.Write($"{verdict,-5} {scenario.Bound.Source.Path}:{scenario.Bound.Position.Line} {TraceFormatter.Quote(scenario.Bound.Name)} [{run.Config}] {detail}\n");
            internalError |= run.Result is null;
            if (run.Passed)
                passed++;
            else
                failed++;
        }
        console.Out.Write($"{passed} passed, {failed} failed\n");
        return internalError ? ExitCode.InternalError : failed > 0 ? ExitCode.Failed : ExitCode.Success;
    }
}
