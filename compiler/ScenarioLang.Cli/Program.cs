using System.Runtime.CompilerServices;
using ScenarioLang.Cli.Server;
using ScenarioLang.Compiler.Hosting;

namespace ScenarioLang.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        // A terminal shows the live progress line, unless a CI log is being written.
        var progressOnStderr = !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("CI") is null;
        var attempt = ServerClient.TryRun(args, progressOnStderr);
        if (attempt.Exit is { } served)
            return served;
        var exit = RunInProcess(args, progressOnStderr);
        if (attempt.StartServer)
            ServerClient.StartInBackground();
        return exit;
    }

    /// <summary>
    /// Kept out of Main, so that a run the server takes never loads System.CommandLine or the compiler: their types
    /// are bound when this method is first compiled or its precompiled code first fixed up, not when Main is.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int RunInProcess(string[] args, bool progressOnStderr)
    {
        PhaseTimings.MainEntered();
        var exit = KscnCli.Run(args, Console.Out, Console.Error, progressOnStderr, stdin: new StandardInput());
        PhaseTimings.Report(Console.Error);
        return exit;
    }
}
