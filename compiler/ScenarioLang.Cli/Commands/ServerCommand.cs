using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ScenarioLang.Cli.Server;

namespace ScenarioLang.Cli.Commands;

/// <summary>
/// kscn server status|stop|start: the resident process that runs invocations of this kscn build warm
/// (<see cref="ServerHost"/>). Any kscn invocation starts one when none runs, so start is rarely needed by hand.
/// </summary>
internal static class ServerCommand
{
    /// <summary>How long start waits for a new server to answer, and stop for the old one's process to end.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static Command Create(CliConsole console)
    {
        var status = new Command("status", "Say whether this kscn build's server runs: its pid, build, idle time and socket.");
        status.SetAction(_ => (int)WithEndpoint(console, endpoint => Status(endpoint, console)));
        var stop = new Command("stop", "Stop the server once the request it runs, if any, has ended; wait until its process is gone.");
        stop.SetAction(_ => (int)WithEndpoint(console, endpoint => Stop(endpoint, console)));
        var detached = new Option<bool>("--detached") { Description = "Run the server in this process, in a session of its own (how kscn starts it).", Hidden = true };
        var start = new Command("start", $"Start a server in the background if none runs. It exits after ${ServerHost.IdleVariable} seconds without a request (default 600).") { detached };
        start.SetAction(parse => (int)WithEndpoint(console, endpoint => parse.GetValue(detached) ? Serve(endpoint) : Start(endpoint, console)));
        return new Command("server", $"The resident kscn process that runs invocations warm; {ServerProtocol.ServerVariable}=0 keeps every invocation in its own process.")
        {
            status, stop, start,
        };
    }

    private static ExitCode WithEndpoint(CliConsole console, Func<ServerEndpoint, ExitCode> action)
    {
        if (ServerEndpoint.FromEnvironment() is { } endpoint)
            return action(endpoint);
        console.Error.Write("kscn server: this platform has no Unix domain sockets; every invocation runs in its own process\n");
        return ExitCode.InputErrors;
    }

    private static ExitCode Status(ServerEndpoint endpoint, CliConsole console)
    {
        console.Out.Write((ServerClient.Ask(endpoint, FrameKind.Status) ?? $"kscn server: not running (build {endpoint.Build}, socket {endpoint.SocketPath})") + "\n");
        return ExitCode.Success;
    }

    private static ExitCode Stop(ServerEndpoint endpoint, CliConsole console)
    {
        if (ServerClient.Ask(endpoint, FrameKind.Stop) is not { } answer || !int.TryParse(answer, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            console.Out.Write("kscn server: not running\n");
            return ExitCode.Success;
        }
        try
        {
            using var process = Process.GetProcessById(pid);
            if (!process.WaitForExit(Patience))
            {
                console.Error.Write($"kscn server: pid {pid} is still running after {Patience.TotalSeconds:F0} s (finishing a request?)\n");
                return ExitCode.Failed;
            }
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
        console.Out.Write($"kscn server: stopped pid {pid}\n");
        return ExitCode.Success;
    }

    private static ExitCode Start(ServerEndpoint endpoint, CliConsole console)
    {
        if (!endpoint.MakePrivate())
        {
            console.Error.Write($"kscn server: {endpoint.Directory} {endpoint.Problem()}: it must be a directory of yours with mode 0700\n");
            return ExitCode.InputErrors;
        }
        if (ServerClient.Ask(endpoint, FrameKind.Status) is null)
        {
            ServerClient.StartInBackground();
            var waited = Stopwatch.StartNew();
            while (ServerClient.Ask(endpoint, FrameKind.Status) is null)
            {
                if (waited.Elapsed > Patience)
                {
                    console.Error.Write($"kscn server: no server answered on {endpoint.SocketPath} within {Patience.TotalSeconds:F0} s\n");
                    return ExitCode.InternalError;
                }
                Thread.Sleep(50);
            }
        }
        return Status(endpoint, console);
    }

    /// <summary>The server itself, started by <see cref="ServerClient.StartInBackground"/>: quietly nothing when another one holds the lock.</summary>
    private static ExitCode Serve(ServerEndpoint endpoint)
    {
        // A session of its own: closing the terminal, or Ctrl-C in the job that started it, does not stop it.
        _ = Libc.CreateSession();
        // Each request sets the directory of its client; between requests the server keeps none busy (an unmount, say).
        Environment.CurrentDirectory = "/";
        new ServerHost(endpoint, ServerHost.IdleTimeoutFromEnvironment(), ServerHost.RunKscn).Run();
        return ExitCode.Success;
    }
}
