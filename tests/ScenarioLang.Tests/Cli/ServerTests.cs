using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using System.Text.RegularExpressions;
using ScenarioLang.Cli.Server;
using ScenarioLang.Tests.Infrastructure;
using static ScenarioLang.Tests.Infrastructure.Kscn;

namespace ScenarioLang.Tests.Cli;

/// <summary>
/// kscn server: the protocol between a <see cref="ServerClient"/> and a <see cref="ServerHost"/> in this process, on a
/// socket in a temporary directory, and once the real thing: kscn processes that start, use and stop a server.
/// Every host started here is stopped, and every server process killed, whatever the outcome.
/// </summary>
[Collection(nameof(ServerTests))]
[UnsupportedOSPlatform("windows")]
public sealed partial class ServerTests : IDisposable
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);
    private readonly ServerEndpoint _endpoint = new(Path.Combine(Path.GetTempPath(), $"kscn-server-test-{Guid.NewGuid():N}"[..30]), "test");
    private readonly List<Task<bool>> _hosts = [];

    public void Dispose()
    {
        if (_hosts.Count > 0)
            ServerClient.Ask(_endpoint, FrameKind.Stop);
        foreach (var running in _hosts)
            running.Wait(HangGuard);
        if (Directory.Exists(_endpoint.Directory))
            Directory.Delete(_endpoint.Directory, recursive: true);
    }

    public static TheoryData<string[]> Invocations() => new()
    {
        { ["run", Sample("ioperm/andy-stale-tss-bits.kscn")] },
        { ["run", Sample("ioperm/tss-copy-costs.kscn"), "--variant", "ioperm=*"] },
        { ["test", Sample("litmus")] },
        { ["explore", Sample("litmus/sb.kscn"), "--jobs", "1"] },
        { ["check", Sample("ptshare/eligibility.kscn")] },
        { ["emit", Sample("litmus/mp.kscn")] },
        { ["run", Sample("ioperm/andy-stale-tss-bits.kscn"), "--frobnicate"] },
        { ["run", "no/such/file.kscn"] },
        { ["explore", "--help"] },
        { ["--help"] },
    };

    [Theory]
    [MemberData(nameof(Invocations))]
    public void A_served_invocation_prints_the_same_bytes_and_exit_code_as_in_process(string[] args)
    {
        Start(ServerHost.RunKscn);
        var expected = Invoke(args);
        var (outcome, served) = Serve(args);
        Assert.Equal(ServerOutcome.Served, outcome);
        Assert.Equal(WithoutTimes(expected), WithoutTimes(served));
    }

    [Fact]
    public void Diagnostics_of_a_served_run_exit_2_as_in_process()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kscn-server-{Guid.NewGuid():N}.kscn");
        File.WriteAllText(path, "scenario \"x\" {\n  task A root\n  cpu3 A: exec\n}\n");
        try
        {
            Start(ServerHost.RunKscn);
            var (_, served) = Serve(["run", path]);
            Assert.Equal(2, served.ExitCode);
            Assert.Equal(Invoke("run", path), served);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_request_runs_in_the_client_s_directory_with_its_variables_and_the_server_s_are_restored()
    {
        var cache = Directory.CreateTempSubdirectory("kscn-server-cache-").FullName;
        var before = (Environment.CurrentDirectory, Environment.GetEnvironmentVariable("KSCN_CACHE_DIR"), Environment.GetEnvironmentVariable("KSCN_CACHE_MAX_MB"));
        try
        {
            var client = ServerRequest.FromProcess(["run", "samples/ioperm/andy-stale-tss-bits.kscn"], false, ScenarioLang.Cli.Terminal.None, Encoding.UTF8.CodePage);
            var request = client with
            {
                Directory = Repository.Root,
                Environment = new Dictionary<string, string?>(client.Environment) { ["KSCN_CACHE_DIR"] = cache, ["KSCN_CACHE_MAX_MB"] = null },
            };
            var stdout = new StringWriter();
            // The relative path resolves only in the request's directory, and the assembly lands in its cache.
            Assert.Equal(0, ServerHost.RunKscn(request, stdout, TextWriter.Null));
            Assert.Contains("PASS", stdout.ToString());
            Assert.NotEmpty(Directory.EnumerateFiles(cache, "*", SearchOption.AllDirectories));
            Assert.Equal(before, (Environment.CurrentDirectory, Environment.GetEnvironmentVariable("KSCN_CACHE_DIR"), Environment.GetEnvironmentVariable("KSCN_CACHE_MAX_MB")));
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    [Fact]
    public async Task A_request_while_another_runs_is_answered_busy_and_runs_in_its_client()
    {
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        Start((_, stdout, _) =>
        {
            entered.Set();
            release.Wait(HangGuard);
            stdout.Write("first\n");
            return 1;
        });
        var first = Task.Run(() => Serve(["run", "a.kscn"]));
        Assert.True(entered.Wait(HangGuard));
        Assert.Equal(ServerOutcome.Busy, Serve(["run", "b.kscn"]).Outcome);
        release.Set();
        Assert.Equal((ServerOutcome.Served, new KscnOutput(1, "first\n", "")), await first.WaitAsync(HangGuard));
    }

    [Fact]
    public void A_client_that_goes_away_loses_its_output_and_the_server_serves_the_next()
    {
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var calls = 0;
        Start((_, stdout, _) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                entered.Set();
                release.Wait(HangGuard);
            }
            stdout.Write("done\n");
            return 0;
        });
        using (var gone = RawConnection())
        {
            ServerProtocol.Write(gone, FrameKind.Run, ServerRequest.FromProcess(["run", "a.kscn"], false, ScenarioLang.Cli.Terminal.None, Encoding.UTF8.CodePage).Serialize());
            Assert.Equal(FrameKind.Accepted, ServerProtocol.Read(gone)?.Kind);
            Assert.True(entered.Wait(HangGuard));
        }
        release.Set();
        Assert.Equal((ServerOutcome.Served, new KscnOutput(0, "done\n", "")), WaitUntilServed(["run", "b.kscn"]));
    }

    [Fact]
    public void A_stale_socket_file_means_no_server_and_the_next_server_replaces_it()
    {
        Assert.True(_endpoint.MakePrivate());
        // A socket whose process died without unlinking it. .NET unlinks the path it bound on Dispose, so bind elsewhere and move it.
        using (var dead = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            dead.Bind(new UnixDomainSocketEndPoint(_endpoint.SocketPath + ".dead"));
            File.Move(_endpoint.SocketPath + ".dead", _endpoint.SocketPath);
        }
        Assert.True(File.Exists(_endpoint.SocketPath));
        Assert.Equal(ServerOutcome.NoServer, Serve(["run", "x.kscn"]).Outcome);

        Start((_, _, _) => 0);
        Assert.Equal(ServerOutcome.Served, Serve(["run", "x.kscn"]).Outcome);
    }

    [Fact]
    public void A_file_that_is_not_a_socket_means_no_server_and_the_next_server_replaces_it()
    {
        Assert.True(_endpoint.MakePrivate());
        File.WriteAllText(_endpoint.SocketPath, "not a socket");
        Assert.Equal(ServerOutcome.NoServer, Serve(["run", "x.kscn"]).Outcome);

        Start((_, _, _) => 0);
        Assert.Equal(ServerOutcome.Served, Serve(["run", "x.kscn"]).Outcome);
    }

    [Fact]
    public void A_directory_anybody_may_enter_is_not_used()
    {
        Directory.CreateDirectory(_endpoint.Directory);
        File.SetUnixFileMode(_endpoint.Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        Assert.False(new ServerHost(_endpoint, HangGuard, (_, _, _) => 0).Run());
        Assert.Equal(ServerOutcome.NoServer, Serve(["run", "x.kscn"]).Outcome);
    }

    [Fact]
    public void A_second_server_of_the_same_build_exits_at_once()
    {
        Start((_, _, _) => 0);
        Assert.False(new ServerHost(_endpoint, HangGuard, (_, _, _) => 0).Run());
        Assert.Equal(ServerOutcome.Served, Serve(["run", "x.kscn"]).Outcome);
    }

    [Fact]
    public async Task A_server_that_speaks_garbage_means_no_server()
    {
        Assert.True(_endpoint.MakePrivate());
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(_endpoint.SocketPath));
        listener.Listen();
        var garbage = Task.Run(() =>
        {
            using var connection = listener.Accept();
            connection.Send([99, 0xff, 0xff, 0xff, 0x7f, 1, 2, 3]);
        });
        Assert.Equal(ServerOutcome.NoServer, Serve(["run", "x.kscn"]).Outcome);
        await garbage.WaitAsync(HangGuard);
    }

    [Theory]
    [InlineData(new byte[] { 1, 5, 0, 0, 0, 1, 2, 3, 4, 5 })]
    [InlineData(new byte[] { 42, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 1, 0xff, 0xff, 0xff, 0xff })]
    [InlineData(new byte[] { 1, 3 })]
    public void A_garbled_request_ends_only_its_connection(byte[] garbage)
    {
        Start((_, _, _) => 0);
        using (var connection = RawConnection())
        {
            connection.Write(garbage);
            connection.Socket.Shutdown(SocketShutdown.Send);
            Assert.Null(ServerProtocol.Read(connection));
        }
        Assert.Equal(ServerOutcome.Served, Serve(["run", "x.kscn"]).Outcome);
    }

    [Theory]
    [InlineData("server", "status")]
    [InlineData("check", "--format", "json", "--stdin-path", "t.kscn")]
    [InlineData("check", "--stdin-path=t.kscn")]
    public void Invocations_the_server_does_not_take_run_in_process(params string[] args)
    {
        Assert.False(ServerProtocol.Takes(args, serverVariable: null));
        Start((_, _, _) => 0);
        Assert.Equal(ServerOutcome.NoServer, Serve(args).Outcome);
    }

    [Fact]
    public void KSCN_SERVER_0_keeps_every_invocation_in_process() =>
        Assert.False(ServerProtocol.Takes(["run", "x.kscn"], serverVariable: "0"));

    [Fact]
    public async Task An_idle_server_exits_and_removes_its_socket()
    {
        var host = new ServerHost(_endpoint, TimeSpan.FromMilliseconds(100), (_, _, _) => 0);
        var running = Task.Run(host.Run);
        Assert.True(await running.WaitAsync(HangGuard));
        Assert.False(File.Exists(_endpoint.SocketPath));
    }

    [Fact]
    public async Task Status_names_the_pid_and_build_and_stop_ends_the_server()
    {
        Start((_, _, _) => 0);
        Assert.Matches($@"^kscn server: pid {Environment.ProcessId}, build test, idle \d+ s of 60 s, 0 requests served, socket ", ServerClient.Ask(_endpoint, FrameKind.Status));
        Assert.Equal(Environment.ProcessId.ToString(), ServerClient.Ask(_endpoint, FrameKind.Stop));
        Assert.True(await _hosts.Single().WaitAsync(HangGuard));
        Assert.Null(ServerClient.Ask(_endpoint, FrameKind.Status));
    }

    [Fact]
    public void The_server_starts_with_a_gen0_budget_of_its_own_unless_the_user_set_one()
    {
        var unset = ServerClient.StartInfo("/usr/bin/dotnet", _ => null);
        Assert.Equal(ServerClient.ServerGen0Size, unset.Environment[ServerClient.Gen0SizeVariable]);
        Assert.Equal(["-c", "exec \"$0\" \"$@\" </dev/null >/dev/null 2>&1", "/usr/bin/dotnet", Path.Join(AppContext.BaseDirectory, "kscn.dll"), "server", "start", "--detached"], unset.ArgumentList);
        // A budget the user set, under either prefix, reaches the server as inherited: not replaced by the server's.
        var inherited = Environment.GetEnvironmentVariable(ServerClient.Gen0SizeVariable);
        foreach (var variable in (string[])[ServerClient.Gen0SizeVariable, "COMPlus_GCgen0size"])
        {
            var set = ServerClient.StartInfo("/opt/kscn/kscn", name => name == variable ? "0x400000" : null);
            Assert.Equal(inherited, set.Environment.TryGetValue(ServerClient.Gen0SizeVariable, out var value) ? value : null);
            Assert.Equal("/opt/kscn/kscn", set.ArgumentList[2]);
            Assert.Equal("server", set.ArgumentList[3]);
        }
    }

    [Fact]
    public void The_build_changes_with_the_assemblies_it_fingerprints()
    {
        var directory = Directory.CreateTempSubdirectory("kscn-build-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "kscn.dll"), "one");
            var first = ServerEndpoint.BuildOf(directory);
            Assert.Equal(first, ServerEndpoint.BuildOf(directory));
            File.WriteAllText(Path.Combine(directory, "kscn.dll"), "three");
            Assert.NotEqual(first, ServerEndpoint.BuildOf(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// The real thing: `dotnet kscn.dll run` finds no server, runs in-process and starts one; the second run is served;
    /// `kscn server stop` ends the server's process. A temporary XDG_RUNTIME_DIR keeps it apart from any other server.
    /// </summary>
    [Fact]
    public void A_kscn_process_starts_a_server_that_serves_the_next_and_stop_ends_it()
    {
        var runtime = Directory.CreateTempSubdirectory("kscn-xdg-").FullName;
        var endpoint = new ServerEndpoint(Path.Combine(runtime, "kscn"), ServerEndpoint.BuildOf(AppContext.BaseDirectory));
        var environment = new Dictionary<string, string?>
        {
            ["XDG_RUNTIME_DIR"] = runtime,
            ["KSCN_CACHE_DIR"] = Path.Combine(runtime, "cache"),
            ["KSCN_SERVER"] = null,
            // Should this test fail before stopping it, the server still goes away by itself.
            [ServerHost.IdleVariable] = "120",
        };
        int? pid = null;
        try
        {
            var first = RunKscnProcess(environment, "run", "samples/ioperm/andy-stale-tss-bits.kscn");
            Assert.True(first.ExitCode == 0, first.Error);
            var status = WaitForServer(endpoint);
            pid = int.Parse(ServerPid().Match(status).Groups[1].Value);

            var second = RunKscnProcess(new Dictionary<string, string?>(environment) { ["KSCN_TIMINGS"] = "1" }, "run", "samples/ioperm/andy-stale-tss-bits.kscn");
            Assert.Equal(first.Out, second.Out);
            Assert.Contains("kscn timings: served by the kscn server", second.Error);
            Assert.Contains("1 requests served", RunKscnProcess(environment, "server", "status").Out);

            var stop = RunKscnProcess(environment, "server", "stop");
            Assert.Equal($"kscn server: stopped pid {pid}\n", stop.Out);
            Assert.True(HasExited(pid.Value));
            Assert.StartsWith("kscn server: not running", RunKscnProcess(environment, "server", "status").Out);
        }
        finally
        {
            if (pid is { } server && !HasExited(server))
                Process.GetProcessById(server).Kill();
            ServerClient.Ask(endpoint, FrameKind.Stop);
            Directory.Delete(runtime, recursive: true);
        }
    }

    /// <summary>
    /// kscn-client (compiler/ScenarioLang.Client, the client alone, NativeAOT when published) in a copy of kscn's folder:
    /// with no server it becomes that folder's kscn, which runs the invocation and starts a server; the next invocation
    /// is handed to that server. Same bytes and exit code as kscn in-process both times. Built here as IL (the AOT
    /// publish takes half a minute and changes how the code is compiled, not what it does).
    /// </summary>
    [Fact]
    public void Kscn_client_becomes_kscn_without_a_server_and_hands_the_next_invocation_to_the_server_it_started()
    {
        var folder = Directory.CreateTempSubdirectory("kscn-client-").FullName;
        var runtime = Directory.CreateTempSubdirectory("kscn-xdg-").FullName;
        int? pid = null;
        try
        {
            foreach (var file in Directory.EnumerateFiles(AppContext.BaseDirectory, "*", SearchOption.AllDirectories))
            {
                var copy = Path.Combine(folder, Path.GetRelativePath(AppContext.BaseDirectory, file));
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(file, copy);
                File.SetUnixFileMode(copy, File.GetUnixFileMode(file));
            }
            var build = ChildProcess.Run(Repository.Root, ChildProcess.DotnetHost, ["build", "compiler/ScenarioLang.Client", "-o", folder, "-v", "q", "--nologo"], TimeSpan.FromMinutes(5));
            Assert.True(build.ExitCode == 0, build.Out + build.Error);
            var endpoint = new ServerEndpoint(Path.Combine(runtime, "kscn"), ServerEndpoint.BuildOf(folder));
            var environment = new Dictionary<string, string?>
            {
                ["XDG_RUNTIME_DIR"] = runtime,
                ["KSCN_CACHE_DIR"] = Path.Combine(runtime, "cache"),
                ["KSCN_SERVER"] = null,
                [ServerHost.IdleVariable] = "120",
            };
            string[] args = ["run", Sample("ioperm/andy-stale-tss-bits.kscn"), "--variant", "ioperm=v2-06-16"];
            var expected = Invoke(args);
            ChildResult Client(IReadOnlyDictionary<string, string?> variables) =>
                ChildProcess.Run(Repository.Root, Path.Combine(folder, "kscn-client"), args, HangGuard, variables);

            var first = Client(environment);
            Assert.Equal((expected.ExitCode, expected.Out), (first.ExitCode, first.Out));
            pid = int.Parse(ServerPid().Match(WaitForServer(endpoint)).Groups[1].Value);

            var second = Client(new Dictionary<string, string?>(environment) { ["KSCN_TIMINGS"] = "1" });
            Assert.Equal((expected.ExitCode, expected.Out), (second.ExitCode, second.Out));
            Assert.Contains("kscn timings: served by the kscn server", second.Error);
        }
        finally
        {
            if (pid is { } server && !HasExited(server))
                Process.GetProcessById(server).Kill();
            Directory.Delete(runtime, recursive: true);
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The one part of kscn's output that is not the same bytes every time: how long an explore block took, on stderr.</summary>
    private static KscnOutput WithoutTimes(KscnOutput output) => output with { Error = ExploreTime().Replace(output.Error, "in T s: $1, N per second") };

    [GeneratedRegex(@"in [\d.]+ s: ([\d,]+ executions?), [\d,]+ per second")]
    private static partial Regex ExploreTime();

    private static string Sample(string path) => Repository.Full("samples/" + path);

    /// <summary>Runs a host in the background until the test ends, and waits until it answers.</summary>
    private void Start(Func<ServerRequest, TextWriter, TextWriter, int> execute)
    {
        var host = new ServerHost(_endpoint, TimeSpan.FromSeconds(60), execute);
        var running = Task.Run(host.Run);
        _hosts.Add(running);
        WaitForServer(_endpoint);
    }

    private static string WaitForServer(ServerEndpoint endpoint)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (ServerClient.Ask(endpoint, FrameKind.Status) is { } status)
                return status;
            Assert.True(waited.Elapsed < HangGuard, $"no server answered on {endpoint.SocketPath}");
            Thread.Sleep(20);
        }
    }

    private (ServerOutcome Outcome, KscnOutput Output) Serve(string[] args)
    {
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        var (outcome, exit) = ServerClient.Run(_endpoint, ServerRequest.FromProcess(args, false, ScenarioLang.Cli.Terminal.None, Encoding.UTF8.CodePage), stdout, stderr);
        return (outcome, new KscnOutput(exit, Encoding.UTF8.GetString(stdout.ToArray()), Encoding.UTF8.GetString(stderr.ToArray())));
    }

    /// <summary>The server takes the next request once the one before has ended; a client that went away is not waited for.</summary>
    private (ServerOutcome, KscnOutput) WaitUntilServed(string[] args)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var result = Serve(args);
            if (result.Outcome != ServerOutcome.Busy || waited.Elapsed > HangGuard)
                return result;
            Thread.Sleep(20);
        }
    }

    private NetworkStream RawConnection()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(_endpoint.SocketPath));
        return new NetworkStream(socket, ownsSocket: true) { ReadTimeout = (int)HangGuard.TotalMilliseconds };
    }

    private static bool HasExited(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.WaitForExit(HangGuard);
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    private static ChildResult RunKscnProcess(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        ChildProcess.Run(Repository.Root, ChildProcess.DotnetHost, [Path.Combine(AppContext.BaseDirectory, "kscn.dll"), .. args], HangGuard, environment);

    [GeneratedRegex(@"pid (\d+)")]
    private static partial Regex ServerPid();
}

/// <summary>
/// A server runs requests with the process's current directory and environment set to its client's: the server tests
/// run alone, so that no other test sees them change.
/// </summary>
[CollectionDefinition(nameof(ServerTests), DisableParallelization = true)]
public sealed class ServerTestsCollection;
