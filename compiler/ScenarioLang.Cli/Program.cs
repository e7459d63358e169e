using ScenarioLang.Compiler.Hosting;

namespace ScenarioLang.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        PhaseTimings.MainEntered();
        var exit = KscnCli.Run(args, Console.Out, Console.Error, progressOnStderr: !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("CI") is null, stdin: Console.In);
        PhaseTimings.Report(Console.Error);
        return exit;
    }
}
