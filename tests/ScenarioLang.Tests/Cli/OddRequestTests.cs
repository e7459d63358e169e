using System.Xml.Linq;
using ScenarioLang.Cli;
using ScenarioLang.Cli.Commands;
using ScenarioLang.Tests.Infrastructure;
using static ScenarioLang.Tests.Infrastructure.Kscn;

namespace ScenarioLang.Tests.Cli;

/// <summary>
/// Requests a new user or a fuzzer makes (issue 17): each ends in a clear message and its exit code, never a stack
/// trace, a hang or memory out of proportion.
/// </summary>
public sealed class OddRequestTests
{
    private static string Sample => Repository.Full("samples/ioperm/andy-stale-tss-bits.kscn");

    /// <summary>A scenario whose explore block fails: a counterexample to save.</summary>
    private static string Failing => Repository.Full("samples/pgd/late-wmb.kscn");

    /// <summary>An explore block searched in one part (its search ends within the first 64 executions).</summary>
    private static string OnePart => Repository.Full("samples/litmus/mp.kscn");

    [Fact]
    public void A_misspelt_verb_gets_the_closest_one()
    {
        var output = Invoke("rnu", Sample);

        Assert.Equal(2, output.ExitCode);
        Assert.StartsWith("'rnu' was not matched. Did you mean one of the following?\nrun\n\n", output.Error);
        Assert.EndsWith("Run 'kscn --help' for usage.\n", output.Error);
        Assert.DoesNotContain('\r', output.Error);
        Assert.Equal("", output.Out);
    }

    [Theory]
    [InlineData("run", "FILE", "--varient", "ioperm=merged")]
    [InlineData("run", "--varient", "ioperm=merged", "FILE")]
    [InlineData("test", "FILE", "--varient", "ioperm=merged")]
    [InlineData("explore", "FILE", "--varient", "ioperm=merged")]
    public void A_misspelt_option_gets_the_closest_one_and_is_never_a_file(params string[] args)
    {
        var output = Invoke([.. args.Select(a => a == "FILE" ? Sample : a)]);

        Assert.Equal(2, output.ExitCode);
        Assert.StartsWith("'--varient' was not matched. Did you mean one of the following?\n--variant\n\n", output.Error);
        Assert.Contains("Unrecognized command or argument '--varient'.\n", output.Error);
        Assert.DoesNotContain("cannot read", output.Error);
        Assert.Equal("", output.Out);
    }

    [Fact]
    public void An_unknown_option_without_a_close_one_is_still_no_file()
    {
        var output = Invoke("emit", "--frobnicate");

        Assert.Equal((2, "Unrecognized command or argument '--frobnicate'.\nRun 'kscn --help' for usage.\n"), (output.ExitCode, output.Error));
    }

    [Fact]
    public void Emit_takes_one_file()
    {
        var output = Invoke("emit", Sample, Sample);

        Assert.Equal((2, "kscn: emit takes one file\n", ""), (output.ExitCode, output.Error, output.Out));
    }

    [Theory]
    [InlineData("test", "--jobs", "abc", "--jobs takes a whole number, not 'abc'\n")]
    [InlineData("explore", "--jobs", "two", "--jobs takes a whole number, not 'two'\n")]
    [InlineData("explore", "--max-executions", "1e3", "--max-executions takes a whole number, not '1e3'\n")]
    [InlineData("explore", "--pct-depth", "99999999999", "--pct-depth takes a whole number, not '99999999999'\n")]
    [InlineData("explore", "--timeout", "soon", "--timeout takes a number of seconds, not 'soon'\n")]
    public void A_value_that_is_not_a_number_says_what_is_expected_in_words(string verb, string option, string value, string message)
    {
        var output = Invoke(verb, Sample, option, value);

        Assert.Equal((2, message + "Run 'kscn --help' for usage.\n"), (output.ExitCode, output.Error));
    }

    /// <summary>
    /// An option missing its value takes the next option's name as one; System.CommandLine let '--color' through
    /// --reduction's list of names, and the explore command called it unreachable (exit 3; found by kscn-fuzz's
    /// command lines, docs/fuzzing.md, finding 3). It is refused for every option, before any command sees it.
    /// </summary>
    [Theory]
    [InlineData("explore", "--reduction", "--color", "never")]
    [InlineData("explore", "--strategy", "--max-executions", "3")]
    [InlineData("explore", "--jobs", "--color", "never")]
    [InlineData("explore", "--save", "--help")]
    [InlineData("check", "--format", "--no-color")]
    [InlineData("run", "--variant", "-h")]
    public void An_option_without_its_value_is_refused_rather_than_given_the_next_option(string verb, string option, params string[] rest)
    {
        var output = Invoke([verb, Sample, option, .. rest]);

        Refused(output, $"{option} takes a value, not the option '{rest[0]}'");
    }

    /// <summary>
    /// An empty argument ('') names no file: .NET's file APIs threw on it (exit 3) for the files of every verb, --save,
    /// --shard-output, --merge and --results (kscn-fuzz's command lines, docs/fuzzing.md, finding 3).
    /// </summary>
    [Theory]
    [InlineData("explore", "--save")]
    [InlineData("explore", "--merge")]
    [InlineData("explore", "--jobs")]
    [InlineData("test", "--results")]
    [InlineData("check", "--format")]
    public void An_empty_value_is_refused(string verb, string option)
    {
        var output = Invoke(verb, Sample, option, "");

        Refused(output, $"{option} takes a value, not ''");
    }

    [Theory]
    [InlineData("run")]
    [InlineData("explore")]
    [InlineData("compile", "--xunit", "--output", "out")]
    [InlineData("emit")]
    [InlineData("completion")]
    public void An_empty_argument_is_refused(string verb, params string[] rest)
    {
        var output = Invoke([verb, "", .. rest]);

        Refused(output, "an argument is empty ('')");
    }

    /// <summary>Refused before any command ran: the message, the pointer to --help, exit 2, nothing on stdout.</summary>
    private static void Refused(KscnOutput output, string message) =>
        Assert.Equal((2, message + "\nRun 'kscn --help' for usage.\n", ""), (output.ExitCode, output.Error, output.Out));

    [Theory]
    [InlineData("test")]
    [InlineData("explore")]
    public void Help_shows_no_default_that_depends_on_the_machine(string verb)
    {
        var jobs = Invoke(verb, "--help").Out.Split('\n').Single(l => l.TrimStart().StartsWith("--jobs", StringComparison.Ordinal));

        Assert.Contains("(default: every core)", jobs);
        Assert.DoesNotContain("[default:", jobs);
    }

    [Fact]
    public void Run_on_a_directory_points_at_test()
    {
        var samples = Repository.Full("samples");

        var output = Invoke("run", samples);

        Assert.Equal((2, $"kscn: cannot read '{samples}': it is a directory; 'kscn test {samples}' runs every .kscn file under it\n"), (output.ExitCode, output.Error));
    }

    [Fact]
    public void Test_on_a_folder_without_kscn_files_says_so()
    {
        using var empty = new TemporaryDirectory();
        Directory.CreateDirectory(empty.Combine("sub"));

        var output = Invoke("test", empty.Path);

        Assert.Equal((2, $"kscn: no .kscn file under '{empty.Path}'\n", ""), (output.ExitCode, output.Error, output.Out));
    }

    [Fact]
    public void Test_on_files_without_scenarios_says_so()
    {
        using var folder = new TemporaryDirectory();
        File.WriteAllText(folder.Combine("empty.kscn"), "// nothing yet\n");

        var output = Invoke("test", folder.Path);

        Assert.Equal((2, "kscn: no scenario in 1 file: nothing to test\n", ""), (output.ExitCode, output.Error, output.Out));
    }

    [Theory]
    [InlineData("run")]
    [InlineData("explore")]
    public void Run_and_explore_of_a_file_without_scenarios_say_so(string verb)
    {
        // Found by the fuzzer (docs/fuzzing.md, finding 1): a file of comments ran silently with exit 0.
        using var folder = new TemporaryDirectory();
        File.WriteAllText(folder.Combine("empty.kscn"), "");
        File.WriteAllText(folder.Combine("comments.kscn"), "// scenario \"later\" {\n");

        var output = Invoke(verb, folder.Combine("empty.kscn"), folder.Combine("comments.kscn"));

        Assert.Equal((2, $"kscn: no scenario in 2 files: nothing to {verb}\n", ""), (output.ExitCode, output.Error, output.Out));
    }

    [Fact]
    public void A_backslash_in_a_file_name_under_a_directory_is_part_of_the_name()
    {
        using var folder = new TemporaryDirectory();
        File.Copy(Sample, folder.Combine("a\\b.kscn"));

        var output = Invoke("test", folder.Path);

        Assert.Equal(0, output.ExitCode);
        Assert.StartsWith($"pass  {folder.Path}/a\\b.kscn:", output.Out);
    }

    [Fact]
    public void A_name_that_is_not_utf8_is_reported_as_such()
    {
        var output = Invoke("check", "c\uFFFD.kscn");

        Assert.Equal((2, "kscn: cannot read 'c\uFFFD.kscn': the name is not valid UTF-8 (shown with U+FFFD for the bytes that are not), which kscn cannot open; rename the file\n"),
            (output.ExitCode, output.Error));
    }

    [Fact]
    public void A_name_that_is_not_utf8_under_a_directory_is_reported_as_such()
    {
        using var folder = new TemporaryDirectory();
        // .NET cannot spell such a name; the shell can.
        var made = ChildProcess.Run(folder.Path, "/bin/sh", ["-c", "printf 'scenario \"x\" {}\\n' > \"$(printf 'c\\377.kscn')\""], TimeSpan.FromMinutes(1));
        Assert.Equal(0, made.ExitCode);

        var output = Invoke("test", folder.Path);
        // Nor can .NET remove it.
        Assert.Equal(0, ChildProcess.Run(folder.Path, "/bin/sh", ["-c", "rm ./c*.kscn"], TimeSpan.FromMinutes(1)).ExitCode);

        Assert.Equal(2, output.ExitCode);
        Assert.Equal($"kscn: cannot read '{folder.Path}/c\uFFFD.kscn': the name is not valid UTF-8 (shown with U+FFFD for the bytes that are not), which kscn cannot open; rename the file\n", output.Error);
    }

    [Fact]
    public void An_endless_device_is_read_only_up_to_the_largest_source()
    {
        var output = Invoke("check", "/dev/zero");

        Assert.Equal((2, $"kscn: cannot read '/dev/zero': larger than {SourceFiles.MaxSourceChars} characters, the most kscn reads from one source\n"), (output.ExitCode, output.Error));
    }

    [Fact]
    public void Endless_standard_input_is_read_only_up_to_the_largest_source()
    {
        var output = Run(new EndlessReader(), "check", "--stdin-path", "x.kscn");

        Assert.Equal((2, $"kscn: --stdin-path: cannot read standard input: larger than {SourceFiles.MaxSourceChars} characters, the most kscn reads from one source\n"), (output.ExitCode, output.Error));
    }

    [Fact]
    public void Closed_standard_input_is_an_error_not_a_wait()
    {
        var closed = new StringReader("scenario \"x\" {}\n");
        closed.Dispose();

        var output = Run(closed, "check", "--stdin-path", "x.kscn");

        Assert.Equal((2, "kscn: --stdin-path: cannot read standard input: Cannot read from a closed TextReader.\n"), (output.ExitCode, output.Error));
    }

    [Fact]
    public void Standard_input_at_its_end_is_an_empty_buffer()
    {
        var output = InvokeWithInput("", "check", "--stdin-path", "x.kscn");

        Assert.Equal((0, "1 file, 0 scenarios: no errors\n"), (output.ExitCode, output.Out));
    }

    [Fact]
    public void A_shard_with_no_part_of_the_search_is_an_empty_inconclusive_result()
    {
        var output = Invoke("explore", OnePart, "--shard", "8/8");

        Assert.Equal(4, output.ExitCode);
        Assert.Contains("exploration: 0 executions to a final state, 0 redundant, 0 deadlocks, 0 events (accesses, drains, returns), 0 final states; shard 8 of 8: 0 of 1 part of the search\n", output.Out);
        Assert.Contains("INCONCLUSIVE", output.Out);
        Assert.DoesNotContain("internal error", output.Error);
    }

    [Fact]
    public void A_save_that_fails_after_the_search_is_an_input_error()
    {
        var output = Invoke("explore", Failing, "--save", "/dev/full");

        Assert.Equal(2, output.ExitCode);
        Assert.Contains("kscn: --save: cannot write '/dev/full': No space left on device", output.Error);
        Assert.DoesNotContain("internal error", output.Error);
    }

    [Fact]
    public void A_save_to_a_new_file_leaves_none_when_nothing_failed()
    {
        using var folder = new TemporaryDirectory();

        var output = Invoke("explore", OnePart, "--save", folder.Combine("replay.kscn"));

        Assert.Equal(0, output.ExitCode);
        Assert.Contains("nothing to save", output.Error);
        Assert.False(File.Exists(folder.Combine("replay.kscn")));
    }

    [Fact]
    public void Results_that_cannot_be_written_after_the_run_are_an_input_error()
    {
        var output = Invoke("test", Sample, "--results", "/dev/full");

        Assert.Equal(2, output.ExitCode);
        Assert.StartsWith("kscn: --results: cannot write '/dev/full': No space left on device", output.Error);
        Assert.DoesNotContain("internal error", output.Error);
    }

    [Fact]
    public void Standard_output_that_cannot_be_written_ends_in_one_line()
    {
        var stderr = new StringWriter { NewLine = "\n" };

        var exit = KscnCli.Run(["run", Sample], new CliConsole(new FullWriter(), stderr));

        Assert.Equal((2, "kscn: cannot write standard output: No space left on device\n"), (exit, stderr.ToString()));
    }

    private const string HostileTitle = "a\u001B]0;pwned\u0007\u001B[2Jb\0\u0085\u2028\u202Ec";
    private const string EscapedTitle = "\"a\\e]0;pwned\\a\\e[2Jb\\0\\x85\\u2028\\u202Ec\"";

    [Theory]
    [InlineData("run")]
    [InlineData("explore")]
    [InlineData("test")]
    public void A_title_cannot_drive_the_terminal(string verb)
    {
        using var folder = new TemporaryDirectory();
        var file = folder.Combine("t.kscn");
        File.WriteAllText(file, $"scenario \"{HostileTitle}\" {{\n  task A root\n  cpu0 A: outb 0x80 -> #GP\n}}\n");

        var output = Invoke(verb, file);

        Assert.Equal(0, output.ExitCode);
        Assert.Contains(EscapedTitle, output.Out);
        Assert.DoesNotContain(output.Out + output.Error, c => c != '\n' && char.IsControl(c) || c is '\u2028' or '\u202E');
    }

    [Theory]
    [InlineData("kscn.xml")]
    [InlineData("kscn.trx")]
    public void A_hostile_title_keeps_result_files_valid_xml(string name)
    {
        using var folder = new TemporaryDirectory();
        var file = folder.Combine("t.kscn");
        // Fails, so that its trace (with the title) is in the file too.
        File.WriteAllText(file, $"scenario \"{HostileTitle}\" {{\n  task A root\n  cpu0 A: outb 0x80 -> ok\n}}\n");

        var output = Invoke("test", file, "--results", folder.Combine(name));

        Assert.Equal(1, output.ExitCode);
        var xml = XDocument.Load(folder.Combine(name));
        Assert.Contains(xml.Descendants(), e => e.Attributes().Any(a => a.Value.Contains("pwned", StringComparison.Ordinal)));
        Assert.DoesNotContain(File.ReadAllText(folder.Combine(name)), c => c is '\u001B' or '\u0007' or '\0');
    }

    private static KscnOutput Run(TextReader stdin, params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var exit = KscnCli.Run(args, new CliConsole(stdout, stderr) { In = stdin });
        return new KscnOutput(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A reader that never ends, as /dev/zero on standard input.</summary>
    private sealed class EndlessReader : TextReader
    {
        public override int Read(char[] buffer, int index, int count)
        {
            Array.Fill(buffer, ' ', index, count);
            return count;
        }
    }

    /// <summary>A writer on a full disk.</summary>
    private sealed class FullWriter : StringWriter
    {
        public override void Write(char value) => throw new IOException("No space left on device");

        public override void Write(string? value) => throw new IOException("No space left on device");

        public override void Write(char[] buffer, int index, int count) => throw new IOException("No space left on device");
    }
}
