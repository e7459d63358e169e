using System.Runtime.CompilerServices;
using ScenarioLang.Cli.Server;
using ScenarioLang.Compiler.Hosting;

namespace ScenarioLang.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        var progressOnStderr = Terminal.ShowsProgressOnStderr();
        var terminal = Terminal.OfProcess();
        var attempt = ServerClient.TryRun(args, progressOnStderr, terminal);
        if (attempt.Exit is { } served)
            return served;
        var exit = RunInProcess(args, progressOnStderr, terminal);
        if (attempt.StartServer)
            ServerClient.StartInBackground();
        return exit;
    }

    /// <summary>
    /// Kept out of Main, so that a run the server takes never loads System.CommandLine or the compiler: their types
    /// are bound when this method is first compiled or its precompiled code first fixed up, not when Main is.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int RunInProcess(string[] args, bool progressOnStderr, Terminal terminal)
    {
        PhaseTimings.MainEntered();
        var exit = KscnCli.Run(args, StandardOutput.Process(), Console.Error, progressOnStderr, stdin: new StandardInput(), terminal);
        PhaseTimings.Report(Console.Error);
        return exit;
    }
}
