using System.Text;
using ScenarioLang.Tests.Fuzzing.Engine;
using ScenarioLang.Tests.Infrastructure;

namespace ScenarioLang.Tests.Fuzzing;

/// <summary>
/// The mutation fuzzer in CI: a fixed number of mutants of the samples, fixed seeds, so every run checks the same
/// inputs. A failure names each input's seed and the file it was kept in (under the test output folder fuzz-findings/);
/// <c>kscn check FILE</c> reproduces it. The long campaign and the coverage-guided harness are tests/fuzz/run.sh
/// (docs/fuzzing.md).
/// </summary>
public sealed class MutationFuzzTests
{
    /// <summary>Every mutation class a few hundred times; checking one costs a millisecond or two.</summary>
    private const int CheckCases = 2000;
    private const ulong CheckSeed = 17;

    /// <summary>Run compiles each mutant with Roslyn (a few hundred milliseconds): a dozen.</summary>
    private const int RunCases = 8;
    private const ulong RunSeed = 1717;

    /// <summary>Each explore case runs kscn six times (two searches, three shards, a merge) on a mutant compiled once.</summary>
    private const int ExploreCases = 6;
    private const ulong ExploreSeed = 2112;

    /// <summary>Each mutant is analysed once and asked at a few hundred offsets: tens of milliseconds.</summary>
    private const int ServicesCases = 150;
    private const ulong ServicesSeed = 11;

    internal static IReadOnlyList<FuzzSample> Samples() => FuzzSample.UnderSamples(Repository.Root);

    [Fact]
    public void Check_ends_with_a_verdict_and_well_formed_diagnostics_on_mutated_samples()
    {
        var summary = new FuzzCampaign(Samples(), FindingsDirectory("check")).Check(CheckSeed, CheckCases);
        Assert.Equal(CheckCases, summary.Checked);
        // The oracle judged both sides: mutants that still check and mutants with errors.
        NoFindings(summary, "check exit 0", "check exit 2");
    }

    [Fact]
    public void Run_ends_with_a_verdict_on_mutated_samples_that_check()
    {
        var summary = new FuzzCampaign(Samples(), FindingsDirectory("run")).Run(RunSeed, RunCases);
        Assert.True(summary.Findings.Count == 0, Describe(summary));
        Assert.Equal(RunCases, summary.Ran);
    }

    /// <summary>
    /// kscn explore on mutants of the samples' explore blocks prints the same bytes and exit code with one thread, with
    /// two, and as three shards merged (FuzzOracle.Explore); the long campaign is kscn-fuzz random --explores.
    /// </summary>
    [Fact]
    public void Explore_prints_the_same_with_one_thread_two_and_three_shards_merged_on_mutated_samples()
    {
        var summary = new FuzzCampaign(Samples(), FindingsDirectory("explore")).Explore(ExploreSeed, ExploreCases);
        Assert.Equal(ExploreCases, summary.Explored);
        // Searches that finished and searches the small budget of odd seeds cut were both split.
        NoFindings(summary, "explore exit 0", "explore exit 4");
    }

    /// <summary>
    /// The editor's services on mutated samples, at the offsets a person's cursor reaches (ServicesOracle): no
    /// exception, every span in the text, a rename's edits apart.
    /// </summary>
    [Fact]
    public void Editor_services_answer_within_the_text_on_mutated_samples()
    {
        var summary = new FuzzCampaign(Samples(), FindingsDirectory("services")).Services(ServicesSeed, ServicesCases);
        Assert.Equal(ServicesCases, summary.Served);
        NoFindings(summary, "services exit 0");
    }

    [Fact]
    public void The_command_line_mutator_reads_every_verbs_arguments_and_options_from_its_help()
    {
        var usages = new CommandLineMutator([], FindingsDirectory("usages")).Usages;

        Assert.Equal(["check", "compile", "completion", "emit", "explore", "run", "test"], usages.Keys.Order(StringComparer.Ordinal));
        Assert.All(usages.Values, u => Assert.Contains(new UsageOption("--color", "<when>"), u.Options));
        Assert.Contains(new UsageOption("--jobs", "<n>"), usages["explore"].Options);
        Assert.Contains(new UsageOption("--no-reduction", null), usages["explore"].Options);
        Assert.Contains(new UsageOption("--output", "<dir>"), usages["compile"].Options);
        Assert.Equal("<files>", usages["explore"].Argument);
        Assert.Equal("<bash|fish|pwsh|zsh>", usages["completion"].Argument);
    }

    [Fact]
    public void A_seed_makes_the_same_input_every_time()
    {
        var samples = Samples();
        var (one, other) = (new Mutator(samples), new Mutator(samples));
        var first = Enumerable.Range(0, 200).Select(i => one.Create(FuzzRandom.CaseSeed(5, i))).ToList();
        // Made in the opposite order by another mutator: an input depends on its seed alone, not on the cases before it.
        var second = Enumerable.Range(0, 200).Reverse().Select(i => other.Create(FuzzRandom.CaseSeed(5, i))).Reverse().ToList();
        Assert.Equal(first.Select(i => (i.Description, Convert.ToHexString(i.Bytes))), second.Select(i => (i.Description, Convert.ToHexString(i.Bytes))));
    }

    [Fact]
    public void The_mutator_uses_every_class_and_keeps_inputs_small()
    {
        var mutator = new Mutator(Samples());
        var inputs = Enumerable.Range(0, 400).Select(i => mutator.Create(FuzzRandom.CaseSeed(CheckSeed, i))).ToList();
        Assert.Equal(Enum.GetValues<MutationClass>(), inputs.Select(i => i.Class).Distinct().Order());
        Assert.All(inputs, i => Assert.InRange(i.Bytes.Length, 0, FuzzLimits.MaxInputBytes));
        // Mutants differ from their sample (a mutation that changed nothing would test the samples again).
        var samples = Samples().ToDictionary(s => s.Name, s => s.Text);
        Assert.True(inputs.Count(i => Encoding.UTF8.GetString(i.Bytes) != samples[i.Sample]) > 390);
    }

    [Fact]
    public void Only_mutants_that_stay_small_are_run()
    {
        Assert.False(FuzzOracle.SmallToRun("repeat 1000 { repeat 1000 { cpu0 switch A } }"));
        Assert.False(FuzzOracle.SmallToRun("repeat 30 { repeat 1000 { repeat 4 { cpu0 switch A } } }"));
        Assert.True(FuzzOracle.SmallToRun("repeat 100 { cpu0 switch A } repeat 100 { cpu0 switch A }"));
        Assert.False(FuzzOracle.SmallToRun("task W[1000] user for each W { repeat 1000 { cpu0 switch W } }"));
        Assert.True(FuzzOracle.SmallToRun("task W[1000] user for each W { repeat 100 { cpu0 switch W } }"));
        Assert.False(FuzzOracle.SmallToRun("scenario \"x\" { explore { cpu0 A: mfence } }"));
        Assert.False(FuzzOracle.SmallToRun("task " + new string('a', FuzzLimits.MaxNameLengthForRun + 1)));
    }

    [Fact]
    public void The_oracle_accepts_what_kscn_prints_for_a_file_with_errors()
    {
        const string text = "scenario \"x\" {\n  task A root\n  cpu3 A: exec\n  cpu0 Z: exec\n}\n";
        var output = Kscn.InvokeWithInput(text, "check", "--stdin-path", "x.kscn");
        Assert.Equal(2, output.ExitCode);
        Assert.Null(DiagnosticShape.Problem(output.Error, "x.kscn", text, errorsExpected: true));
    }

    [Theory]
    [InlineData("x.kscn(1,1): error KSC0001: bad\n1 error\n", "no source line")]
    [InlineData("x.kscn(1,1): error KSC0001: bad\n    abc\n    x\n1 error\n", "no caret line")]
    [InlineData("x.kscn(9,1): error KSC0001: bad\n    abc\n    ^\n1 error\n", "not a position in the file")]
    [InlineData("x.kscn(1,40): error KSC0001: bad\n    abc\n    ^\n1 error\n", "not a position in the file")]
    [InlineData("x.kscn(1,1): error KSC0001: bad\n    abc\n    ^\n2 errors\n", null)]
    [InlineData("x.kscn(1,1): error KSC0001: bad\n    abc\n    ^\n", "no closing error count")]
    [InlineData("x.kscn(1,1): error KSC0001: bad\n    abc\n    ^\n1 error\n   at Foo.Bar()\n", "follows the error count")]
    [InlineData("Unhandled exception. System.StackOverflowException\n", "not a diagnostic")]
    [InlineData("x.kscn(1,1): error KSC01: bad\n    abc\n    ^\n1 error\n", "not a diagnostic")]
    [InlineData("", "no error printed")]
    public void The_oracle_rejects_malformed_diagnostics(string stderr, string? problem)
    {
        var found = DiagnosticShape.Problem(stderr, "x.kscn", "abc\ndef\n", errorsExpected: true);
        if (problem is null)
            Assert.Null(found);
        else
            Assert.Contains(problem, found);
    }

    [Theory]
    [InlineData("check", 3, "", "kscn: internal error: planted\n", "check exited 3")]
    [InlineData("check", 1, "", "", "check exited 1")]
    [InlineData("check", 0, "", "", "without the 'no errors' line")]
    [InlineData("check", 2, "x", "x.kscn(1,1): error KSC0001: bad\n    abc\n    ^\n1 error\n", "output on stdout")]
    [InlineData("check", 0, "1 file, 1 scenario: no errors\n", "", null)]
    [InlineData("run", 3, "", "kscn: internal error: planted\n", "run exited 3")]
    [InlineData("run", 1, "", "", "nothing on stdout")]
    [InlineData("run", 0, "trace\n", "kscn: internal error: planted\n", "internal error")]
    [InlineData("run", 4, "trace\n", "", null)]
    public void The_oracle_rejects_exit_codes_and_output_that_break_the_promise(string command, int exit, string stdout, string stderr, string? problem)
    {
        const string text = "abc\ndef\n";
        var found = command == "check" ? FuzzOracle.CheckProblem(exit, stdout, stderr, "x.kscn", text) : FuzzOracle.RunProblem(exit, stdout, stderr, "x.kscn", text);
        if (problem is null)
            Assert.Null(found);
        else
            Assert.Contains(problem, found);
    }

    [Theory]
    [InlineData("ab\rcd\r", 2, 3, true)]
    [InlineData("ab\rcd\r", 1, 7, false)] // a lone CR ends a line, as kscn's SourceText says
    [InlineData("ab\rcd\r", 3, 2, false)]
    [InlineData("ab\r\ncd", 2, 3, true)]
    [InlineData("ab\r\ncd", 3, 1, false)]
    [InlineData("ab\u2028cd\u0085ef", 1, 9, true)] // U+2028 and NEL are characters of a line, not its end
    [InlineData("ab\u2028cd\u0085ef", 2, 1, false)]
    [InlineData("ab\ncd", 2, 3, true)]
    [InlineData("ab\ncd", 2, 4, false)]
    [InlineData("ab\ncd", 0, 1, false)]
    public void A_position_is_inside_with_lines_ended_as_kscn_ends_them(string text, long line, long column, bool inside) =>
        Assert.Equal(inside, DiagnosticShape.Inside(text, line, column));

    internal static string FindingsDirectory(string command)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "fuzz-findings", command);
        if (Directory.Exists(directory))
            Directory.Delete(directory, recursive: true);
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>The campaign found nothing, and among its cases were some that ended with each of <paramref name="exits"/>.</summary>
    internal static void NoFindings(FuzzSummary summary, params string[] exits)
    {
        Assert.True(summary.Findings.Count == 0, Describe(summary));
        foreach (var exit in exits)
            Assert.Contains(exit, summary.Exits.Keys);
    }

    private static string Describe(FuzzSummary summary) =>
        summary.Describe() + string.Concat(summary.Findings.Select(f => f.Report()));
}

/// <summary>
/// kscn on odd command lines (CommandLineMutator: every verb but server and lsp, its options from its help, odd values
/// and files) ends with exit 0, 1, 2 or 4 and a message for a refusal, never an internal error or a trace. Alone: the
/// campaign makes its folder the process's working directory while it runs (FuzzCampaign.CommandLines).
/// </summary>
[Collection(nameof(CommandLineFuzzTests))]
public sealed class CommandLineFuzzTests
{
    /// <summary>A command line takes a millisecond (a refusal) to a second (a compile and a small search).</summary>
    private const int Cases = 300;
    private const ulong Seed = 5;

    [Fact]
    public void Odd_command_lines_end_with_an_exit_code_and_a_message()
    {
        var workingDirectory = Environment.CurrentDirectory;
        var before = Directory.GetFileSystemEntries(workingDirectory).Order(StringComparer.Ordinal).ToList();

        var summary = new FuzzCampaign(MutationFuzzTests.Samples(), MutationFuzzTests.FindingsDirectory("command-lines")).CommandLines(Seed, Cases);

        Assert.Equal(Cases, summary.CommandLines);
        // Command lines kscn carried out and command lines it refused.
        MutationFuzzTests.NoFindings(summary, "kscn exit 0", "kscn exit 2");
        // What the command lines wrote is in the campaign's folder: the working directory is back, and as it was.
        Assert.Equal(workingDirectory, Environment.CurrentDirectory);
        Assert.Equal(before, Directory.GetFileSystemEntries(workingDirectory).Order(StringComparer.Ordinal));
    }
}

[CollectionDefinition(nameof(CommandLineFuzzTests), DisableParallelization = true)]
public sealed class CommandLineFuzzCollection;
