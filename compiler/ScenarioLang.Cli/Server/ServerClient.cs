using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace ScenarioLang.Cli.Server;

/// <summary>How a hand-over to the server went.</summary>
internal enum ServerOutcome
{
    /// <summary>No server answered (none runs, a stale socket, or it spoke garbage): run in-process.</summary>
    NoServer,
    /// <summary>The server is running another request: run in-process rather than wait.</summary>
    Busy,
    /// <summary>The server ran the invocation; its output has been relayed.</summary>
    Served,
}

/// <summary>
/// The client side of <c>kscn server</c>: hands an invocation to the server of this build and relays its stdout, stderr
/// and exit code as they come. It loads sockets and nothing of kscn's compiler, so when a server runs a kscn process
/// costs little more than starting .NET. Whatever goes wrong before the server has taken the invocation means running
/// in-process instead.
/// </summary>
internal static class ServerClient
{
    /// <summary>How long a server may take to answer: it takes or refuses a request at once, whatever runs.</summary>
    private static readonly TimeSpan FirstResponse = TimeSpan.FromSeconds(5);

    /// <summary>What <see cref="Program"/> does next: nothing (the server ran it, with this exit code), or run in-process and perhaps start a server.</summary>
    public readonly record struct Attempt(int? Exit, bool StartServer);

    public static Attempt TryRun(string[] args, bool progressOnStderr, Terminal terminal)
    {
        if (!ServerProtocol.Takes(args, Environment.GetEnvironmentVariable(ServerProtocol.ServerVariable)) || ServerEndpoint.FromEnvironment() is not { } endpoint)
            return new Attempt(null, StartServer: false);
        // Another user's directory, or one others may write to, could hold a socket answering in the server's place.
        if (Directory.Exists(endpoint.Directory) && endpoint.Problem() is { } problem)
        {
            Console.Error.Write($"kscn: not using the kscn server: {endpoint.Directory} {problem}\n");
            return new Attempt(null, StartServer: false);
        }
        ServerRequest request;
        try
        {
            request = ServerRequest.FromProcess(args, progressOnStderr, terminal, Console.OutputEncoding.CodePage);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Attempt(null, StartServer: false); // no current directory: in-process says what is wrong
        }
        using var stdout = Console.OpenStandardOutput();
        using var stderr = Console.OpenStandardError();
        var (outcome, exit) = Run(endpoint, request, stdout, stderr);
        if (outcome != ServerOutcome.Served)
            // Start one only where a server could listen: a directory of the wrong mode stays refused, every time.
            return new Attempt(null, StartServer: outcome == ServerOutcome.NoServer && (!Directory.Exists(endpoint.Directory) || endpoint.IsPrivate()));
        if (request.Environment["KSCN_TIMINGS"] == "1")
            ReportTimings(stderr);
        return new Attempt(exit, StartServer: false);
    }

    /// <summary>After the server's phases: that it served, and the whole client process. Apart, so System.Diagnostics.Process loads only for this.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ReportTimings(Stream stderr)
    {
        var took = DateTime.Now - Process.GetCurrentProcess().StartTime;
        stderr.Write(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"kscn timings: served by the kscn server; this client process took {took.TotalMilliseconds:F1} ms\n")));
    }

    /// <summary>Runs <paramref name="request"/> in the server at <paramref name="endpoint"/>, writing its output to the streams given.</summary>
    public static (ServerOutcome Outcome, int Exit) Run(ServerEndpoint endpoint, ServerRequest request, Stream stdout, Stream stderr)
    {
        using var connection = Connect(endpoint);
        if (connection is null)
            return (ServerOutcome.NoServer, 0);
        try
        {
            ServerProtocol.Write(connection, FrameKind.Run, request.Serialize());
            switch (ServerProtocol.Read(connection)?.Kind)
            {
                case FrameKind.Busy:
                    return (ServerOutcome.Busy, 0);
                case FrameKind.Accepted:
                    break;
                default:
                    return (ServerOutcome.NoServer, 0);
            }
        }
        catch (Exception e) when (e is IOException or ProtocolException)
        {
            return (ServerOutcome.NoServer, 0);
        }
        // Taken: from here the invocation may have done things (written files, printed lines), so it is never run twice.
        connection.ReadTimeout = Timeout.Infinite;
        try
        {
            while (ServerProtocol.Read(connection) is (var kind, var payload))
            {
                switch (kind)
                {
                    case FrameKind.Stdout:
                        stdout.Write(payload);
                        break;
                    case FrameKind.Stderr:
                        stderr.Write(payload);
                        break;
                    case FrameKind.Exit:
                        return (ServerOutcome.Served, ServerProtocol.ReadExit(payload));
                    default:
                        throw new ProtocolException($"a {kind} frame in the output");
                }
            }
        }
        catch (Exception e) when (e is IOException or ProtocolException)
        {
            // Falls through to the message below: the server died or spoke garbage in the middle of a run.
        }
        stderr.Write(Encoding.UTF8.GetBytes("kscn: the kscn server stopped before the invocation ended; run it again, or with KSCN_SERVER=0 to run it in this process\n"));
        return (ServerOutcome.Served, (int)ExitCode.InternalError);
    }

    /// <summary>The server's answer to a <see cref="FrameKind.Status"/> or <see cref="FrameKind.Stop"/> frame; null when none answers.</summary>
    public static string? Ask(ServerEndpoint endpoint, FrameKind question)
    {
        using var connection = Connect(endpoint);
        if (connection is null)
            return null;
        try
        {
            ServerProtocol.Write(connection, question, []);
            return ServerProtocol.Read(connection) is (var kind, var payload) && kind == question ? Encoding.UTF8.GetString(payload) : null;
        }
        catch (Exception e) when (e is IOException or ProtocolException)
        {
            return null;
        }
    }

    /// <summary>
    /// Starts <c>kscn server start --detached</c> of this build and returns at once. Through /bin/sh so that the server's
    /// standard streams are /dev/null from its first instruction: it holds none of this process's pipes, so neither a CI
    /// step nor <c>$(kscn …)</c> waits for it. A second server started at the same time exits on finding the lock taken.
    /// </summary>
    public static void StartInBackground()
    {
        if (Environment.ProcessPath is not { } host)
            return;
        try
        {
            Process.Start(StartInfo(host, Environment.GetEnvironmentVariable))?.Dispose();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            // No shell to start it with: every invocation runs in-process, as without a server.
        }
    }

    /// <summary>The variable that sets the runtime's gen0 budget, and the server's budget unless the user set one.</summary>
    internal const string Gen0SizeVariable = "DOTNET_GCgen0size";

    internal const string ServerGen0Size = "0x1000000";

    /// <summary>How <see cref="StartInBackground"/> starts the server of the kscn at <paramref name="host"/>.</summary>
    /// <remarks>
    /// The runtime sizes the gen0 budget from the L3 cache the OS reports; a virtual machine that reports none gets a
    /// budget of about 2 MiB, and a search allocating per execution then collects hundreds of times a second, each
    /// time stopping every search thread: without a budget of its own, served <c>--jobs 2</c> took 12 % longer on SB-14
    /// and 6 % on SB-16 (docs/benchmarks.md). The server gets 16 MiB unless the user set a budget; the variable has no
    /// runtimeconfig.json form, and a process cannot set it for itself once it runs.
    /// </remarks>
    internal static ProcessStartInfo StartInfo(string host, Func<string, string?> environment)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        if (environment(Gen0SizeVariable) is null && environment("COMPlus_GCgen0size") is null)
            start.Environment[Gen0SizeVariable] = ServerGen0Size;
        foreach (var argument in (string[])["-c", "exec \"$0\" \"$@\" </dev/null >/dev/null 2>&1", host])
            start.ArgumentList.Add(argument);
        // Started as `dotnet kscn.dll …` (or dotnet run), the host is dotnet and needs the assembly; an apphost is kscn itself.
        if (!Path.GetFileNameWithoutExtension(host).Equals("kscn", StringComparison.Ordinal))
            start.ArgumentList.Add(Path.Join(AppContext.BaseDirectory, "kscn.dll"));
        foreach (var argument in (string[])["server", "start", "--detached"])
            start.ArgumentList.Add(argument);
        return start;
    }

    /// <summary>A stream to the server, or null: no socket file, a directory that is not private, nobody listening.</summary>
    private static NetworkStream? Connect(ServerEndpoint endpoint)
    {
        if (!File.Exists(endpoint.SocketPath) || !endpoint.IsPrivate())
            return null;
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            // Non-blocking, so a server whose backlog is full refuses at once (EAGAIN) instead of making us wait.
            socket.Blocking = false;
            socket.Connect(new UnixDomainSocketEndPoint(endpoint.SocketPath));
            socket.Blocking = true;
            var stream = new NetworkStream(socket, ownsSocket: true) { ReadTimeout = (int)FirstResponse.TotalMilliseconds, WriteTimeout = (int)FirstResponse.TotalMilliseconds };
            return stream;
        }
        catch (Exception e) when (e is SocketException or IOException or ArgumentException)
        {
            // Refused (a stale socket file, or not a socket at all), or a path too long for a socket.
            socket.Dispose();
            return null;
        }
    }
}
