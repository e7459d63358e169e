using ScenarioLang.Cli;
using ScenarioLang.Runtime;
using ScenarioLang.Tests.Infrastructure;

namespace ScenarioLang.Tests.Cli;

/// <summary>
/// A bug of ours ends in exit 3 and one line, "kscn: internal error: …", never a .NET stack trace and never an abort,
/// whether it happens in the command or on a worker thread of the explorer; the stack trace only with KSCN_STACK=1
/// (<see cref="CliConsole.ShowsStack"/>, which tests set instead of the process-wide variable).
/// </summary>
public sealed class InternalErrorTests
{
    private static readonly string Sample = Repository.Full("samples/litmus/sb.kscn");

    [Fact]
    public void An_exception_escaping_a_command_is_one_line_and_exit_3()
    {
        var (exit, error) = RunWithFailingStdout(showsStack: false);

        Assert.Equal(3, exit);
        Assert.Equal("kscn: internal error: planted: stdout refused the trace\n", error);
    }

    [Fact]
    public void KSCN_STACK_adds_the_stack_trace_after_the_line()
    {
        var (exit, error) = RunWithFailingStdout(showsStack: true);

        Assert.Equal(3, exit);
        Assert.StartsWith("kscn: internal error: planted: stdout refused the trace\nSystem.InvalidOperationException: planted: stdout refused the trace\n", error);
        Assert.Contains("   at ", error);
    }

    /// <summary>A part of the search that throws on a worker thread reaches the caller as that exception, on any number of threads.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void An_exception_on_an_explorer_thread_reaches_the_caller(int jobs)
    {
        var thrown = Assert.Throws<InvalidOperationException>(() => ScenarioExecutor.Execute(new ThrowsAfterTheBlock(), KernelConfig.Default, new ExploreOptions(Jobs: jobs)));

        Assert.Equal("planted: an execution fails after the block", thrown.Message);
    }

    [Fact]
    public void The_kscn_server_forwards_KSCN_STACK_to_the_request()
    {
        Assert.Contains(ScenarioLang.Compiler.Hosting.InternalErrors.StackVariable, ScenarioLang.Cli.Server.ServerProtocol.ForwardedVariables);
    }

    private static (int Exit, string Error) RunWithFailingStdout(bool showsStack)
    {
        var stderr = new StringWriter { NewLine = "\n" };
        var console = new CliConsole(new FailingWriter(), stderr) { ShowsStack = showsStack };
        var exit = KscnCli.Run(["run", Sample], console);
        return (exit, stderr.ToString());
    }

    /// <summary>Standard output that fails on the first write: a failure no command expects, planted from outside.</summary>
    private sealed class FailingWriter : StringWriter
    {
        public override void Write(string? value) => throw new InvalidOperationException("planted: stdout refused the trace\nsecond line");

        public override void Write(char value) => Write(value.ToString());
    }

    /// <summary>A block of two steps, after which every execution throws: that happens in the parts of the search.</summary>
    private sealed class ThrowsAfterTheBlock : IScenario
    {
        public ScenarioDescription Description { get; } = new("throws", "throws.kscn", 2, MemoryModel.Tso, new Dictionary<string, IReadOnlyList<string>>(), [], []);

        public void Run(ScenarioRun run)
        {
            run.Explore(new Step(6, 3, "explore"),
                run.StoreStep(new Step(7, 5, "cpu0 kernel: store x = 1"), "cpu0 kernel: store x = 1", null, 0, null, "x", 1),
                run.LoadStep(new Step(8, 5, "cpu1 kernel: load x -> r0"), "cpu1 kernel: load x", "-> r0", 1, null, "x", "r0"));
            // Only executions of the search's parts get here: the probes that split the search stop at the block.
            throw new InvalidOperationException("planted: an execution fails after the block");
        }
    }
}
