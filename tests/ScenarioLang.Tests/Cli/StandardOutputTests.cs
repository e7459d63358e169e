using ScenarioLang.Cli;
using ScenarioLang.Tests.Infrastructure;

namespace ScenarioLang.Tests.Cli;

/// <summary>Standard output is buffered (a search's final states made two system calls a line), without reordering it against stderr.</summary>
public sealed class StandardOutputTests
{
    [Fact]
    public void Text_waits_for_a_flush_and_goes_out_in_one_write()
    {
        var inner = new CountingWriter();
        var output = new StandardOutput(inner);

        for (var i = 0; i < 100; i++)
            output.Write($"line {i}\n");
        var before = inner.ToString();
        output.Flush();

        Assert.Equal("", before);
        Assert.Equal(string.Concat(Enumerable.Range(0, 100).Select(i => $"line {i}\n")), inner.ToString());
        Assert.Equal(1, inner.Writes);
    }

    [Fact]
    public void A_long_output_goes_out_in_pieces_before_any_flush()
    {
        var inner = new CountingWriter();
        var output = new StandardOutput(inner);
        var line = new string('x', 99) + "\n";

        for (var i = 0; i < 2_000; i++)
            output.Write(line);

        // 200,000 characters, at most one piece of them still held.
        Assert.InRange(inner.Writes, 3, 8);
        Assert.True(inner.ToString().Length >= 200_000 - (1 << 15));
        // Each piece is a string the GC does not put on its large object heap (85,000 bytes and more).
        Assert.True(inner.Longest * sizeof(char) < 85_000, $"a piece of {inner.Longest} characters");
    }

    [Fact]
    public void Stderr_comes_after_what_stdout_was_given_first()
    {
        var terminal = new StringWriter();
        var output = new StandardOutput(terminal);
        var error = output.Before(terminal);

        output.Write("trace\n");
        error.Write("warning\n");
        output.Write("verdict\n");
        output.Flush();

        Assert.Equal("trace\nwarning\nverdict\n", terminal.ToString());
    }

    [Fact]
    public void A_run_writes_its_whole_trace_by_the_time_it_returns()
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());

        var exit = KscnCli.Run(["run", Repository.Full("samples/litmus/sb.kscn")], stdout, stderr);

        Assert.Equal(0, exit);
        Assert.StartsWith("scenario ", stdout.ToString());
        Assert.EndsWith("PASS: 1 expectation holds\n", stdout.ToString());
    }

    [Fact]
    public void A_process_writes_the_bytes_a_run_in_process_writes_without_a_byte_order_mark()
    {
        // The final states print '×', past ASCII: kscn's own writer must encode it as Console.Out did.
        var sample = Repository.Full("samples/litmus/sb.kscn");
        var file = Path.Combine(Path.GetTempPath(), $"kscn-stdout-{Guid.NewGuid():N}.txt");
        try
        {
            var child = KscnProcess($"\"$0\" \"$1\" explore \"$2\" > \"$3\"", sample, file);
            var (stdout, stderr) = (new StringWriter(), new StringWriter());
            var exit = KscnCli.Run(["explore", sample], stdout, stderr);

            Assert.Contains('×', stdout.ToString());
            Assert.Equal(exit, child.ExitCode);
            Assert.Equal(System.Text.Encoding.UTF8.GetBytes(stdout.ToString()), File.ReadAllBytes(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_process_whose_standard_output_is_full_ends_in_one_line()
    {
        var child = KscnProcess("\"$0\" \"$1\" run \"$2\" > /dev/full", Repository.Full("samples/litmus/sb.kscn"));

        Assert.Equal((2, "kscn: cannot write standard output: No space left on device\n"), (child.ExitCode, child.Error));
    }

    [Fact]
    public void A_process_whose_standard_output_is_closed_ends_in_one_line_not_an_internal_error()
    {
        var child = KscnProcess("\"$0\" \"$1\" run \"$2\" >&-", Repository.Full("samples/litmus/sb.kscn"));

        Assert.Equal(2, child.ExitCode);
        Assert.StartsWith("kscn: cannot write standard output: ", child.Error);
        Assert.Single(child.Error.TrimEnd('\n').Split('\n'));
    }

    /// <summary>kscn of this build as its own process, in-process (no server), its standard output redirected by bash.</summary>
    private static ChildResult KscnProcess(string script, params string[] arguments) =>
        ChildProcess.Run(Repository.Root, "bash", ["-c", script, ChildProcess.DotnetHost, Path.Combine(AppContext.BaseDirectory, "kscn.dll"), .. arguments],
            TimeSpan.FromMinutes(2), new Dictionary<string, string?> { ["KSCN_SERVER"] = "0" });

    /// <summary>Counts the writes that reach it (a StringWriter subclass passes a span on as an array: counted once).</summary>
    private sealed class CountingWriter : StringWriter
    {
        public int Writes { get; private set; }

        public int Longest { get; private set; }

        public override void Write(ReadOnlySpan<char> buffer)
        {
            Writes++;
            Longest = Math.Max(Longest, buffer.Length);
            base.Write(buffer);
        }

        public override void Write(string? value)
        {
            Writes++;
            Longest = Math.Max(Longest, value?.Length ?? 0);
            base.Write(value);
        }
    }
}
