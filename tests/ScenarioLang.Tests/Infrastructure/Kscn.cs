using ScenarioLang.Cli;
using ScenarioLang.Compiler;
using ScenarioLang.Compiler.Hosting;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Runtime;

namespace ScenarioLang.Tests.Infrastructure;

/// <summary>What one in-process kscn invocation printed and returned.</summary>
internal sealed record KscnOutput(int ExitCode, string Out, string Error)
{
    /// <summary>Exit code, stdout and stderr in one text, with the repository root made relative.</summary>
    public string Transcript => $"exit code: {ExitCode}\n--- stdout\n{Out}--- stderr\n{Error}".Replace(Repository.Root + "/", "", StringComparison.Ordinal);
}

/// <summary>Runs the kscn CLI in process, and the compiler on text.</summary>
internal static class Kscn
{
    public static KscnOutput Invoke(params string[] args) => InvokeWithInput(null, args);

    public static KscnOutput InvokeWithInput(string? stdin, params string[] args) =>
        Invoke((stdout, stderr) => new CliConsole(stdout, stderr) { In = stdin is null ? TextReader.Null : new StringReader(stdin) }, args);

    /// <summary>Runs kscn with a clock the test controls, as on a terminal (a progress line on stderr) or not.</summary>
    public static KscnOutput Invoke(TimeProvider clock, bool showsProgress, params string[] args) =>
        Invoke((stdout, stderr) => new CliConsole(stdout, stderr, showsProgress) { Clock = clock }, args);

    private static KscnOutput Invoke(Func<TextWriter, TextWriter, CliConsole> console, string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var exit = KscnCli.Run(args, console(stdout, stderr));
        return new KscnOutput(exit, stdout.ToString(), stderr.ToString());
    }

    public static Compilation Compile(string text, string path = "test.kscn") => Compilation.Create(SourceText.From(text, path));

    /// <summary>
    /// Compiles <paramref name="text"/>, which must have no diagnostics, and runs its one scenario with its default
    /// variants, its explore blocks with <paramref name="options"/> (kscn's defaults when null).
    /// </summary>
    public static ScenarioResult RunSingle(string text, ExploreOptions? options = null)
    {
        var compilation = Compile(text);
        Assert.Empty(compilation.Diagnostics);
        using var assembly = compilation.CompileAndLoad();
        var scenario = assembly.Scenarios.Single();
        var run = ScenarioRunner.Run(assembly, scenario, ScenarioRunner.ConfigsFor(scenario, new Dictionary<string, string>()).Single(), options);
        Assert.Null(run.InternalError);
        return run.Result!;
    }

    /// <summary>Wraps statements in a two-CPU scenario with root tasks A and B.</summary>
    public static string InScenario(string statements) =>
        "scenario \"t\" {\n  cpus 2\n  task A root\n  task B root\n" + statements + "\n}\n";
}
