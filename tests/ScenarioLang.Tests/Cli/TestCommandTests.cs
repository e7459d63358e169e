using System.Text.RegularExpressions;
using System.Xml.Linq;
using ScenarioLang.Cli.Commands;
using ScenarioLang.Cli.Results;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Tests.Infrastructure;
using static ScenarioLang.Tests.Infrastructure.Kscn;

namespace ScenarioLang.Tests.Cli;

/// <summary>kscn test for CI and large runs: result files, the progress line, several jobs with the same output.</summary>
public sealed class TestCommandTests
{
    private static readonly string Passing = Repository.Full("samples/ioperm/edges.kscn");
    private static readonly string Failing = Repository.Full("samples/ptshare/mode-never-set.kscn");
    private static readonly XNamespace Trx = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
    /// <summary>The test type and the two test lists: the same in every TRX file.</summary>
    private static readonly string[] TrxWellKnownIds = ["13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b", "8c84fa94-04c1-424b-9868-57a2d4851a1d", "19431567-8539-422a-85d7-44ee4e166bda"];

    [Theory]
    [InlineData("junit", "results.xml", "test-results-junit")]
    [InlineData("trx", "results.trx", "test-results-trx")]
    public void A_result_file_records_every_scenario_with_the_trace_of_each_known_failure_as_its_output(string format, string name, string snapshot)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("kscn-test-").FullName, name);

        var output = Invoke(TestClock.Frozen, showsProgress: false, "test", Passing, Failing, "--results", file);

        // mode-never-set's write is its known failure under rfc-v2: it passes, its trace kept as the test's output.
        Assert.Equal(0, output.ExitCode);
        Assert.Equal($"kscn: wrote {(format == "trx" ? "TRX" : "JUnit XML")} results to {file}\n", output.Error);
        Snapshot.Verify(WithoutMachine(File.ReadAllText(file)), snapshot);
    }

    [Fact]
    public void The_junit_file_counts_what_stdout_counts_and_locates_each_case()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("kscn-test-").FullName, "results.xml");

        var output = Invoke("test", Passing, Failing, "--variant", "ioperm=*", "--results", file);

        var root = XDocument.Load(file).Root!;
        var cases = root.Descendants("testcase").ToList();
        Assert.Equal(("24", "9"), ((string)root.Attribute("tests")!, (string)root.Attribute("failures")!));
        Assert.EndsWith("15 passed (8 known failures confirmed), 9 failed\n", output.Out);
        Assert.Equal([Passing, Failing], root.Elements("testsuite").Select(s => (string)s.Attribute("name")!));
        Assert.Equal(output.Out.Split('\n').Count(l => l.StartsWith("FAIL ", StringComparison.Ordinal)), cases.Count(c => c.Element("failure") is not null));
        // The scenario's place starts the failure's message: no file/line attributes, which strict schemas reject.
        var failure = root.Elements("testsuite").Single(s => (string)s.Attribute("name")! == Passing).Elements("testcase").First();
        Assert.Equal(("ioperm range and privilege checks [ioperm=pre-5.5]", $"{Passing}(9,1): FAIL: 4 of 14 expectations failed"),
            ((string)failure.Attribute("name")!, (string)failure.Element("failure")!.Attribute("message")!));
        // A known failure passes, with its trace as its output.
        var known = root.Elements("testsuite").Single(s => (string)s.Attribute("name")! == Failing).Elements("testcase").First();
        Assert.Null(known.Element("failure"));
        Assert.Equal(output.Out.Split('\n').Count(l => l.StartsWith("known ", StringComparison.Ordinal)), cases.Count(c => c.Element("system-out") is not null));
        Assert.Contains($"{Failing}(18,3): known failure: cpu0 B: write(0x40000000) -> SIGSEGV (got ok)", known.Element("system-out")!.Value);
    }

    [Fact]
    public void Text_xml_cannot_carry_is_escaped_and_everything_else_survives_in_both_formats()
    {
        const string hostile = "a <b> & \"c\" 'd' \u0001 \uD800 ]]> \U0001F600";
        const string readable = "a <b> & \"c\" 'd' \\u0001 \\uD800 ]]> \U0001F600";
        var at = TestClock.Start;
        var report = new TestRunReport(
            [
                new TestCase("dir/x.kscn", new LinePosition(3, 1), hostile, "ioperm=merged", TestOutcome.Failed, "FAIL: 1 of 1 expectation failed", "trace " + hostile + "\n", at, TimeSpan.FromMilliseconds(12)),
                new TestCase("dir/x.kscn", new LinePosition(9, 1), "crashes", "ioperm=merged", TestOutcome.Error, "dir/x.kscn(10): internal error: " + hostile, "dir/x.kscn(10): internal error: " + hostile, at, TimeSpan.Zero),
            ],
            at, at.AddSeconds(1), "ci-host");

        var junit = XDocument.Parse(Written(report, ResultFormat.JUnit)).Root!;
        var trx = XDocument.Parse(Written(report, ResultFormat.Trx)).Root!;

        Assert.Equal(readable + " [ioperm=merged]", (string)junit.Descendants("testcase").First().Attribute("name")!);
        Assert.Equal("trace " + readable + "\n", junit.Descendants("failure").Single().Value);
        Assert.Equal("dir/x.kscn(10): internal error: " + readable, (string)junit.Descendants("error").Single().Attribute("message")!);
        Assert.Equal(("1", "1", "0.012"), ((string)junit.Attribute("failures")!, (string)junit.Attribute("errors")!, (string)junit.Descendants("testcase").First().Attribute("time")!));
        Assert.Equal(["Failed", "Error"], trx.Descendants(Trx + "UnitTestResult").Select(r => (string)r.Attribute("outcome")!));
        Assert.Equal("trace " + readable + "\n", trx.Descendants(Trx + "StackTrace").First().Value);
        Assert.Equal("dir/x.kscn(3,1): FAIL: 1 of 1 expectation failed", trx.Descendants(Trx + "Message").First().Value);
        Assert.Equal("00:00:00.0120000", (string)trx.Descendants(Trx + "UnitTestResult").First().Attribute("duration")!);
    }

    [Fact]
    public void An_inconclusive_run_is_skipped_in_junit_and_inconclusive_in_trx_neither_passed_nor_failed()
    {
        var at = TestClock.Start;
        const string summary = "INCONCLUSIVE: 2 of 2 expectations not proved, no violation seen";
        var report = new TestRunReport(
            [
                new TestCase("dir/x.kscn", new LinePosition(3, 1), "holds", "ioperm=merged", TestOutcome.Passed, "PASS: 1 expectation holds", null, at, TimeSpan.Zero),
                new TestCase("dir/x.kscn", new LinePosition(9, 1), "too big", "ioperm=merged", TestOutcome.Inconclusive, summary, "trace\n", at, TimeSpan.Zero),
            ],
            at, at.AddSeconds(1), "ci-host");

        var junit = XDocument.Parse(Written(report, ResultFormat.JUnit)).Root!;
        var trx = XDocument.Parse(Written(report, ResultFormat.Trx)).Root!;

        var suite = junit.Element("testsuite")!;
        Assert.Equal(("0", "0", "1"), ((string)suite.Attribute("failures")!, (string)suite.Attribute("errors")!, (string)suite.Attribute("skipped")!));
        Assert.Equal("dir/x.kscn(9,1): " + summary + "\ntrace\n", junit.Descendants("skipped").Single().Value);
        Assert.Equal(["Passed", "Inconclusive"], trx.Descendants(Trx + "UnitTestResult").Select(r => (string)r.Attribute("outcome")!));
        var counters = trx.Descendants(Trx + "Counters").Single();
        Assert.Equal(("1", "0", "1"), ((string)counters.Attribute("passed")!, (string)counters.Attribute("failed")!, (string)counters.Attribute("inconclusive")!));
        Assert.Equal("Inconclusive", (string)trx.Descendants(Trx + "ResultSummary").Single().Attribute("outcome")!);
        Assert.Equal("inconclusive dir/x.kscn:9 \"too big\" [ioperm=merged] " + summary + "\n", report.Cases[1].Line);
    }

    [Fact]
    public void A_real_run_passes_the_trx_schema_and_the_jenkins_junit_schema()
    {
        var dir = Directory.CreateTempSubdirectory("kscn-test-").FullName;
        string[] run = ["test", Passing, Failing, "--variant", "ioperm=*"];

        Invoke([.. run, "--results", Path.Combine(dir, "r.trx")]);
        Invoke([.. run, "--results", Path.Combine(dir, "r.xml")]);

        Assert.Empty(ResultSchemas.TrxErrors(File.ReadAllText(Path.Combine(dir, "r.trx"))));
        Assert.Empty(ResultSchemas.JenkinsJUnitErrors(File.ReadAllText(Path.Combine(dir, "r.xml"))));
    }

    [Fact]
    public void Every_outcome_passes_the_trx_schema_and_the_jenkins_junit_schema()
    {
        var at = TestClock.Start;
        var report = new TestRunReport(
            [
                new TestCase("dir/x.kscn", new LinePosition(3, 1), "holds", "ioperm=merged", TestOutcome.Passed, "PASS: 1 expectation holds", null, at, TimeSpan.Zero),
                new TestCase("dir/x.kscn", new LinePosition(5, 1), "fails", "ioperm=merged", TestOutcome.Failed, "FAIL: 1 of 1 expectation failed", "trace\n", at, TimeSpan.FromMilliseconds(12)),
                new TestCase("dir/x.kscn", new LinePosition(6, 1), "known", "ioperm=v2-06-16", TestOutcome.Passed, "KNOWN FAILURE: 1 of 1 expectation failed, as marked under ioperm=v2-06-16", "trace\n", at, TimeSpan.Zero) { Known = KnownOutcome.Confirmed },
                new TestCase("dir/x.kscn", new LinePosition(6, 1), "known", "ioperm=merged", TestOutcome.Failed, "UNEXPECTED PASS: 1 known failure held under ioperm=merged", "trace\n", at, TimeSpan.Zero) { Known = KnownOutcome.Held },
                new TestCase("dir/y.kscn", new LinePosition(7, 1), "too big", "ioperm=merged", TestOutcome.Inconclusive, "INCONCLUSIVE: 1 of 1 expectation not proved", "trace\n", at, TimeSpan.Zero),
                new TestCase("dir/y.kscn", new LinePosition(9, 1), "crashes", "ioperm=merged", TestOutcome.Error, "dir/y.kscn(10): internal error: boom", "dir/y.kscn(10): internal error: boom", at, TimeSpan.Zero),
            ],
            at, at.AddSeconds(1), "ci-host");

        Assert.Empty(ResultSchemas.TrxErrors(Written(report, ResultFormat.Trx)));
        Assert.Empty(ResultSchemas.JenkinsJUnitErrors(Written(report, ResultFormat.JUnit)));
    }

    [Fact]
    public void The_schemas_reject_what_their_consumers_reject()
    {
        // The checks above could pass on a schema that accepts anything: the two defects CI tools reported fail here.
        var trx = XDocument.Parse(Written(OnePassingCase(), ResultFormat.Trx));
        trx.Descendants(Trx + "UnitTestResult").Single().Attribute("computerName")!.Remove();
        var junit = XDocument.Parse(Written(OnePassingCase(), ResultFormat.JUnit));
        junit.Descendants("testcase").Single().SetAttributeValue("file", "dir/x.kscn");

        Assert.Contains(ResultSchemas.TrxErrors(trx.ToString()), e => e.Contains("computerName", StringComparison.Ordinal));
        Assert.Contains(ResultSchemas.JenkinsJUnitErrors(junit.ToString()), e => e.Contains("'file'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, null, null, null)]
    [InlineData("out/r.xml", null, "out/r.xml", "JUnit")]
    [InlineData("r.TRX", null, "r.TRX", "Trx")]
    [InlineData("r.trx", "junit", "r.trx", "JUnit")]
    [InlineData(null, "trx", "TestResults/kscn.trx", "Trx")]
    [InlineData(null, "junit", "TestResults/kscn.xml", "JUnit")]
    public void The_logger_names_the_format_and_the_extension_chooses_without_it(string? results, string? logger, string? path, string? format)
    {
        var chosen = ResultFile.Choose(results, logger);
        Assert.Equal((path, format), (chosen?.Path, chosen?.Format.ToString()));
    }

    [Fact]
    public void Three_jobs_print_the_same_bytes_and_write_the_same_file_as_one()
    {
        var dir = Directory.CreateTempSubdirectory("kscn-test-").FullName;
        string[] run = ["test", Path.Combine(Repository.Samples, "ioperm"), Failing, "--variant", "ioperm=*"];

        var one = Invoke(TestClock.Frozen, showsProgress: false, [.. run, "--jobs", "1", "--results", Path.Combine(dir, "1.trx")]);
        var three = Invoke(TestClock.Frozen, showsProgress: false, [.. run, "--jobs", "3", "--results", Path.Combine(dir, "3.trx")]);

        Assert.Equal((1, one.Out), (three.ExitCode, three.Out));
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "1.trx")), File.ReadAllText(Path.Combine(dir, "3.trx")));
        Assert.True(one.Out.Split('\n').Length > 40, "enough scenario runs for the jobs to overlap");
    }

    [Fact]
    public void On_a_terminal_a_progress_line_shows_the_count_and_is_cleared_at_the_end()
    {
        string[] run = ["test", Passing, Failing, "--jobs", "2"];

        var terminal = Invoke(new TestClock(TimeSpan.FromSeconds(1)), showsProgress: true, run);
        var redirected = Invoke(new TestClock(TimeSpan.FromSeconds(1)), showsProgress: false, run);

        Assert.Equal(redirected.Out, terminal.Out);
        Assert.Equal("", redirected.Error);
        Assert.Matches(@"^\r\[\d/3\] \d failed  .*\.kscn", terminal.Error);
        var last = terminal.Error.LastIndexOf('\r', terminal.Error.Length - 2);
        Assert.Matches(@"^\r +\r$", terminal.Error[last..]);
    }

    [Fact]
    public void The_progress_line_fits_a_terminal_with_the_end_of_a_long_path()
    {
        var path = "samples/" + new string('d', 100) + "/late-wmb.kscn";

        var line = TestCommand.ProgressText(340, 1000, 2, path);

        Assert.StartsWith("[ 340/1000] 2 failed  …", line);
        Assert.EndsWith("/late-wmb.kscn", line);
        Assert.Equal(79, line.Length);
    }

    [Fact]
    public void Results_come_in_item_order_while_later_items_run_at_once()
    {
        using var third = new ManualResetEventSlim();
        int Work(int item)
        {
            if (item == 0 && !third.Wait(TimeSpan.FromMinutes(1)))
                throw new InvalidOperationException("item 2 never ran while item 0 was running");
            if (item == 2)
                third.Set();
            return item * 10;
        }

        Assert.Equal([0, 10, 20, 30], InOrder.Run([0, 1, 2, 3], jobs: 3, Work, _ => { }));
    }

    [Fact]
    public void An_exception_of_the_work_comes_out_where_its_result_would()
    {
        var seen = new List<int>();
        int Work(int item) => item == 2 ? throw new InvalidOperationException("item 2") : item;

        var thrown = Assert.Throws<InvalidOperationException>(() => seen.AddRange(InOrder.Run([0, 1, 2, 3], jobs: 2, Work, _ => { })));

        Assert.Equal("item 2", thrown.Message);
        Assert.Equal([0, 1], seen);
    }

    [Theory]
    [InlineData(2, 1, 2)]
    [InlineData(2, 2, 1)]
    [InlineData(2, 3, 1)]
    [InlineData(8, 3, 2)]
    [InlineData(1, 0, 1)]
    public void Threads_no_scenario_takes_search_the_explore_blocks(int jobs, int runs, int searchJobs) =>
        Assert.Equal(searchJobs, TestCommand.SearchJobs(jobs, runs));

    [Fact]
    public void One_scenario_searched_with_two_threads_prints_the_same_bytes_as_with_one()
    {
        // One scenario, so --jobs 2 searches its explore block (split into parts) on two threads.
        string[] run = ["test", Repository.Full("samples/litmus/iriw.kscn")];

        var one = Invoke(TestClock.Frozen, showsProgress: false, [.. run, "--jobs", "1"]);
        var two = Invoke(TestClock.Frozen, showsProgress: false, [.. run, "--jobs", "2"]);

        Assert.Equal(0, one.ExitCode);
        Assert.Equal(one.Out, two.Out);
        Assert.Equal(one.Error, two.Error);
    }

    [Theory]
    [InlineData("--jobs", "0", "kscn: --jobs must be at least 1, not 0\n")]
    [InlineData("--logger", "xml", "kscn: --logger takes junit or trx, not 'xml'\n")]
    [InlineData("--results", "/proc/no/such/dir/r.xml", "kscn: --results: cannot write '/proc/no/such/dir/r.xml': ")]
    public void An_impossible_option_is_refused_by_name_before_anything_runs(string option, string value, string message)
    {
        var output = Invoke("test", Passing, option, value);

        Assert.Equal(2, output.ExitCode);
        Assert.StartsWith(message, output.Error);
        Assert.Equal("", output.Out);
    }

    private static TestRunReport OnePassingCase() => new(
        [new TestCase("dir/x.kscn", new LinePosition(3, 1), "holds", "ioperm=merged", TestOutcome.Passed, "PASS: 1 expectation holds", null, TestClock.Start, TimeSpan.Zero)],
        TestClock.Start, TestClock.Start, "ci-host");

    private static string Written(TestRunReport report, ResultFormat format)
    {
        using var stream = new MemoryStream();
        ResultFile.Write(report, format, stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>
    /// The file without what depends on where the repository is and runs: the computer's name, its place in paths and in the class names made of them,
    /// and the TRX ids hashed from those paths, numbered instead in order of appearance (the same id, the same number).
    /// </summary>
    private static string WithoutMachine(string text)
    {
        var relative = text
            .Replace($"computerName=\"{Environment.MachineName}\"", "computerName=\"computer\"", StringComparison.Ordinal)
            .Replace(Repository.Root + "/", "", StringComparison.Ordinal)
            .Replace(Repository.Root.Trim('/').Replace('/', '.') + ".", "", StringComparison.Ordinal);
        var numbers = new Dictionary<string, int>();
        int Number(string id) => numbers.TryGetValue(id, out var n) ? n : numbers[id] = numbers.Count + 1;
        return Regex.Replace(relative, "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            id => TrxWellKnownIds.Contains(id.Value) ? id.Value : $"id-{Number(id.Value)}");
    }

}
