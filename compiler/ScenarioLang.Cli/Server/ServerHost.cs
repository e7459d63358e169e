using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using ScenarioLang.Compiler.Hosting;

namespace ScenarioLang.Cli.Server;

/// <summary>
/// <c>kscn server</c>: a warm process that runs kscn invocations handed over by <see cref="ServerClient"/>, one at a
/// time, because an invocation uses process-wide state (the current directory, environment variables, the static
/// <see cref="PhaseTimings"/>). A request that arrives while one runs is answered "busy" at once and runs in its
/// client's process. The server exits after <paramref name="idleTimeout"/> without a request, or when asked to stop;
/// a running request ends first. A client that goes away (Ctrl-C) is noticed on the next write: the rest of its
/// output is discarded, and its invocation still runs to its end here, as nothing in kscn can be cancelled cleanly.
/// </summary>
/// <param name="execute">Runs one request, writing to the writers given: <see cref="RunKscn"/>, or a stand-in in tests.</param>
internal sealed class ServerHost(ServerEndpoint endpoint, TimeSpan idleTimeout, Func<ServerRequest, TextWriter, TextWriter, int> execute)
{
    public const string IdleVariable = "KSCN_SERVER_IDLE_SECONDS";
    private static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan FirstFrame = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _running = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private long _lastRequestEnd = Stopwatch.GetTimestamp();
    private int _served;

    /// <summary>$KSCN_SERVER_IDLE_SECONDS (a positive number), else 10 minutes.</summary>
    public static TimeSpan IdleTimeoutFromEnvironment() =>
        double.TryParse(Environment.GetEnvironmentVariable(IdleVariable), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : DefaultIdleTimeout;

    /// <summary>
    /// Listens until idle or stopped. False, at once, when this build's server cannot listen here: another one holds
    /// the lock, or the directory is not private. Holding the lock, any socket file left is stale and is replaced.
    /// </summary>
    public bool Run()
    {
        if (!endpoint.MakePrivate())
            return false;
        FileStream held;
        try
        {
            // FileShare.None takes an exclusive flock: of two servers started at once, one gets it, the other returns.
            held = new FileStream(endpoint.LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        using (held)
        {
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                File.Delete(endpoint.SocketPath);
                listener.Bind(new UnixDomainSocketEndPoint(endpoint.SocketPath));
                listener.Listen(16);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or SocketException or ArgumentException)
            {
                return false; // a directory where the socket goes, or a path too long for a socket
            }
            try
            {
                Serve(listener);
            }
            finally
            {
                // Gone before the lock is released: a client finds no socket rather than one nobody answers.
                File.Delete(endpoint.SocketPath);
            }
            // The one running request, if any, ends before the process does.
            _running.Wait();
        }
        return true;
    }

    /// <summary>Runs one request as the in-process kscn would: its directory and environment set, restored after.</summary>
    public static int RunKscn(ServerRequest request, TextWriter stdout, TextWriter stderr)
    {
        var saved = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in ServerProtocol.ForwardedVariables)
            saved[name] = Environment.GetEnvironmentVariable(name);
        var directory = Environment.CurrentDirectory;
        try
        {
            foreach (var (name, value) in request.Environment)
                Environment.SetEnvironmentVariable(name, value);
            Environment.CurrentDirectory = request.Directory;
            PhaseTimings.BeginRequest(request.Environment.GetValueOrDefault(PhaseTimings.Variable) == "1");
            var exit = KscnCli.Run(request.Args, stdout, stderr, request.ProgressOnStderr, terminal: request.Terminal);
            PhaseTimings.Report(stderr);
            return exit;
        }
        finally
        {
            foreach (var (name, value) in saved)
                Environment.SetEnvironmentVariable(name, value);
            Environment.CurrentDirectory = directory;
        }
    }

    private void Serve(Socket listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            var idle = _running.CurrentCount == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastRequestEnd));
            if (idle >= idleTimeout)
                return;
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            wait.CancelAfter(idleTimeout - idle);
            Socket connection;
            try
            {
                connection = listener.AcceptAsync(wait.Token).AsTask().GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                continue; // stopped, or time to see whether the server has been idle long enough
            }
            catch (SocketException)
            {
                continue; // a client that went away before it was accepted
            }
            _ = Task.Run(() => Handle(connection));
        }
    }

    private void Handle(Socket connection)
    {
        using var stream = new NetworkStream(connection, ownsSocket: true) { ReadTimeout = (int)FirstFrame.TotalMilliseconds };
        try
        {
            switch (ServerProtocol.Read(stream))
            {
                case (FrameKind.Status, _):
                    ServerProtocol.Write(stream, FrameKind.Status, Encoding.UTF8.GetBytes(Status()));
                    break;
                case (FrameKind.Stop, _):
                    ServerProtocol.Write(stream, FrameKind.Stop, Encoding.UTF8.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture)));
                    _stop.Cancel();
                    break;
                case (FrameKind.Run, var payload):
                    RunRequest(ServerRequest.Deserialize(payload), stream);
                    break;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ProtocolException or ObjectDisposedException)
        {
            // A client that spoke garbage or went away: only its connection ends.
        }
    }

    private void RunRequest(ServerRequest request, NetworkStream stream)
    {
        if (!ServerProtocol.Takes(request.Args, serverVariable: null))
            throw new ProtocolException("a request the server does not take");
        var encoding = EncodingOf(request.CodePage);
        if (!_running.Wait(0))
        {
            ServerProtocol.Write(stream, FrameKind.Busy, []);
            return;
        }
        try
        {
            var sink = new FrameSink(stream);
            sink.Send(FrameKind.Accepted, []);
            // A piece of StandardOutput in one frame, not one per kilobyte (the writer's default buffer).
            using var stdout = new StreamWriter(new FrameStream(sink, FrameKind.Stdout), encoding, 2 * StandardOutput.Piece) { AutoFlush = true };
            using var stderr = new StreamWriter(new FrameStream(sink, FrameKind.Stderr), encoding) { AutoFlush = true };
            int exit;
            try
            {
                exit = execute(request, stdout, stderr);
            }
            catch (Exception e)
            {
                // In-process this would have ended the process; here only the request ends, and the server goes on.
                stderr.Write($"kscn: internal error in the kscn server: {InternalErrors.Describe(e)}\n");
                if (request.Environment.GetValueOrDefault(InternalErrors.StackVariable) == "1")
                    stderr.Write(e + "\n");
                exit = (int)ExitCode.InternalError;
            }
            sink.Send(FrameKind.Exit, ServerProtocol.ExitPayload(exit));
        }
        finally
        {
            Interlocked.Exchange(ref _lastRequestEnd, Stopwatch.GetTimestamp());
            Interlocked.Increment(ref _served);
            _running.Release();
        }
        CollectBetweenRequests();
    }

    /// <summary>
    /// Collects the young generations once the client has its answer. A request allocates a few MiB, most of it dead
    /// when it ends: left to itself the collector stops every eighth request or so in the middle of its search (a
    /// late-wmb request: 15 ms in a gen1 collection). The server's CPU per request stays what it was; the searches
    /// no longer wait for it (docs/benchmarks.md, fourteenth step).
    /// </summary>
    private static void CollectBetweenRequests() => GC.Collect(1, GCCollectionMode.Forced, blocking: true);

    /// <summary>The encoding Console.Out would use in the client: its code page, without a byte order mark.</summary>
    private static Encoding EncodingOf(int codePage)
    {
        try
        {
            return ConsoleEncoding.Of(codePage) ?? throw new ProtocolException($"code page {codePage} has a byte order mark");
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw new ProtocolException($"code page {codePage}: {e.Message}");
        }
    }

    private string Status()
    {
        var idle = Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastRequestEnd));
        var state = _running.CurrentCount == 0 ? "running a request" : string.Create(CultureInfo.InvariantCulture, $"idle {idle.TotalSeconds:F0} s of {idleTimeout.TotalSeconds:F0} s");
        return string.Create(CultureInfo.InvariantCulture,
            $"kscn server: pid {Environment.ProcessId}, build {endpoint.Build}, {state}, {_served} requests served, socket {endpoint.SocketPath}");
    }

    /// <summary>The frames of one connection, written whole by whichever thread writes; after a failed write, none.</summary>
    private sealed class FrameSink(NetworkStream stream)
    {
        private readonly Lock _lock = new();
        private bool _gone;

        public void Send(FrameKind kind, ReadOnlySpan<byte> payload)
        {
            lock (_lock)
            {
                if (_gone)
                    return;
                try
                {
                    ServerProtocol.Write(stream, kind, payload);
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException)
                {
                    _gone = true; // the client went away (Ctrl-C): what it would have printed is discarded
                }
            }
        }
    }

    /// <summary>What a StreamWriter of the request writes to: each write as frames of one kind, sent as written.</summary>
    private sealed class FrameStream(FrameSink sink, FrameKind kind) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            for (var start = 0; start < buffer.Length; start += ServerProtocol.OutputChunk)
                sink.Send(kind, buffer.Slice(start, Math.Min(ServerProtocol.OutputChunk, buffer.Length - start)));
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
