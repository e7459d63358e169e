using System.CommandLine;
using ScenarioLang.Cli.Results;
using ScenarioLang.Compiler;
using ScenarioLang.Compiler.Emit;
using ScenarioLang.Compiler.Hosting;
using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Cli.Commands;

/// <summary>
/// kscn test PATH...: every scenario under the paths, one line each (per variant with a --variant list), compiled in one
/// Roslyn compilation and run on several threads; optionally a JUnit or TRX result file for CI.
/// </summary>
internal static class TestCommand
{
    public static Command Create(CliConsole console)
    {
        var paths = Parsers.Paths("paths", "Files, or directories searched for .kscn files.", ArgumentArity.OneOrMore);
        var variant = VariantOption.Create();
        var results = new Option<string?>("--results")
        {
            Description = "Write a result file for CI, a test case per scenario and variant: TRX for a .trx file, else JUnit XML.",
            HelpName = "file",
        };
        var logger = new Option<string?>("--logger")
        {
            Description = $"The format of --results: junit or trx. Without --results, writes {ResultFile.DefaultJUnitPath} or {ResultFile.DefaultTrxPath}.",
            HelpName = "format",
        };
        // No default value in the help: "[default: 2]" would differ from one machine to the next.
        var jobs = new Option<int?>("--jobs")
        {
            Description = "Scenarios run at once (default: every core); fewer scenarios than that share the rest among their explore blocks' searches. The output is the same bytes for any number.",
            HelpName = "n",
            CustomParser = r => Parsers.WholeNumber(r),
        };
        var noCache = CacheOption.Create();
        var command = new Command("test", "Run every scenario under the paths; one line per scenario and a closing 'N passed, N failed'.")
        {
            paths, variant, results, logger, jobs, noCache,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(jobs) is < 1 and var fewer)
                return (int)console.Refuse($"--jobs must be at least 1, not {fewer}");
            if (parse.GetValue(logger) is { } format && ResultFile.FormatNamed(format) is null)
                return (int)console.Refuse($"--logger takes junit or trx, not '{format}'");
            return (int)Execute(parse.GetValue(paths)!, parse.GetValue(variant), CacheOption.Resolve(parse, noCache, console),
                ResultFile.Choose(parse.GetValue(results), parse.GetValue(logger)), parse.GetValue(jobs) ?? Environment.ProcessorCount, console);
        });
        return command;
    }

    private static ExitCode Execute(string[] paths, string[]? variants, CompileCache? cache, ResultFile? resultFile, int jobs, CliConsole console)
    {
        var progress = new ProgressLine(console);
        if (SourceFiles.Prepare(paths, variants, console, allowDirectories: true, "test") is not (var compilation, var overrides))
            return ExitCode.InputErrors;
        PhaseTimings.End("parse and bind");
        // Opened before the run, so that a path that cannot be written is reported before the work, not after it.
        using var output = resultFile is null ? null : Create(resultFile.Path, console);
        if (resultFile is not null && output is null)
            return ExitCode.InputErrors;
        var started = console.Clock.GetUtcNow();
        using var assembly = compilation.CompileAndLoad(cache);
        PhaseTimings.End("compile and load");
        var runs = assembly.Scenarios
            .SelectMany(s => overrides.SelectMany(o => ScenarioRunner.ConfigsFor(s, o)).Select(config => (Scenario: s, Config: config)))
            .ToList();
        int finished = 0, failedSoFar = 0;
        var explore = new ExploreOptions(Jobs: SearchJobs(jobs, runs.Count));

        TestCase RunOne((CompiledScenario Scenario, KernelConfig Config) run)
        {
            var start = console.Clock.GetTimestamp();
            var at = console.Clock.GetUtcNow();
            var result = ScenarioRunner.Run(assembly, run.Scenario, run.Config, explore);
            var test = TestCase.From(result, at, console.Clock.GetElapsedTime(start));
            Interlocked.Increment(ref finished);
            if (test.Outcome is TestOutcome.Failed or TestOutcome.Error)
                Interlocked.Increment(ref failedSoFar);
            return test;
        }

        string Describe(int awaited) => ProgressText(Volatile.Read(ref finished), runs.Count, Volatile.Read(ref failedSoFar), PrintableText.Escape(runs[awaited].Scenario.Bound.Source.Path));

        var tests = new List<TestCase>(runs.Count);
        foreach (var test in InOrder.Run(runs, jobs, RunOne, awaited => progress.Update(() => Describe(awaited))))
        {
            progress.WriteAbove(test.Line);
            tests.Add(test);
        }
        progress.Clear();
        PhaseTimings.End("run");
        var report = new TestRunReport(tests, started, console.Clock.GetUtcNow(), Environment.MachineName);
        var (passed, failed, errors, inconclusive) = (report.Count(TestOutcome.Passed), report.Count(TestOutcome.Failed) + report.Count(TestOutcome.Error), report.Count(TestOutcome.Error), report.Count(TestOutcome.Inconclusive));
        var (confirmed, held) = (report.Count(KnownOutcome.Confirmed), report.Count(KnownOutcome.Held));
        console.Out.Write($"{passed} passed{(confirmed == 0 ? "" : $" ({Units.Count(confirmed, "known failure")} confirmed)")}, " +
            $"{failed} failed{(held == 0 ? "" : $" ({held} unexpected pass{(held == 1 ? "" : "es")})")}{(inconclusive == 0 ? "" : $", {inconclusive} inconclusive")}\n");
        var verdict = errors > 0 ? ExitCode.InternalError : failed > 0 ? ExitCode.Failed : inconclusive > 0 ? ExitCode.Inconclusive : ExitCode.Success;
        if (resultFile is null)
            return verdict;
        try
        {
            ResultFile.Write(report, resultFile.Format, output!);
            output!.Flush();
        }
        catch (IOException e)
        {
            // Opened before the run, but the disk filled up meanwhile (or it is /dev/full).
            return ExitCodes.Worst(verdict, console.Refuse($"--results: cannot write '{resultFile.Path}': {e.Message}"));
        }
        console.Error.Write($"kscn: wrote {resultFile.Description} results to {resultFile.Path}\n");
        return verdict;
    }

    /// <summary>
    /// The threads each scenario's explore block searches with: those no other scenario takes, so that one heavy
    /// scenario gets every core (a search's output is the same for any number of threads).
    /// </summary>
    internal static int SearchJobs(int jobs, int runs) => Math.Max(1, jobs / Math.Max(1, runs));

    /// <summary>"[ 340/1000] 2 failed  samples/pgd/late-wmb.kscn": runs finished, failures so far, the file the output waits for.</summary>
    internal static string ProgressText(int finished, int total, int failed, string awaitedFile)
    {
        const int Columns = 79; // A line wider than the terminal wraps, and '\r' then rewrites only its last part.
        var counts = $"[{finished.ToString().PadLeft(total.ToString().Length)}/{total}] {failed} failed  ";
        var room = Math.Max(Columns - counts.Length, 10);
        return counts + (awaitedFile.Length <= room ? awaitedFile : "…" + awaitedFile[^(room - 1)..]);
    }

    private static FileStream? Create(string path, CliConsole console)
    {
        try
        {
            if (Path.GetDirectoryName(path) is { Length: > 0 } directory)
                Directory.CreateDirectory(directory);
            // Unbuffered: a write that fails (a full disk) fails in ResultFile.Write, not again when the stream is closed.
            return File.Create(path, bufferSize: 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            console.Refuse($"--results: cannot write '{path}': {e.Message}");
            return null;
        }
    }
}
