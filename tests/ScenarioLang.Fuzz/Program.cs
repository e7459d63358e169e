using System.Diagnostics;
using System.Globalization;
using System.Text;
using ScenarioLang.Compiler;
using ScenarioLang.Compiler.Diagnostics;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Runtime;
using ScenarioLang.Tests.Fuzzing.Engine;
using ScenarioLang.Tests.Generated;
using CsCheck;
using SharpFuzz;

namespace ScenarioLang.Fuzz;

/// <summary>
/// kscn-fuzz: long fuzzing campaigns outside CI (docs/fuzzing.md).
/// <list type="bullet">
/// <item><c>random [--seed S] [--cases N] [--runs M] [--explores E] [--command-lines L] [--services V] [--out DIR]</c>:
/// the mutation fuzzer of the tests, N checks, M runs, E explores (each with one thread, two, and three shards merged),
/// L odd command lines and the editor's services on V mutants.</item>
/// <item><c>differential [--seed S] [--cases N] [--mutants M] [--budget B] [--budget-none B] [--out DIR]</c>: N generated
/// explore blocks and M mutants of the samples' searched without reduction, with sleep sets and with DPOR (checking
/// independence), whose conclusions must agree.</item>
/// <item><c>replay PATH...</c>: the front-end target on saved inputs (files, or every file under a folder): a crash or a
/// finding of AFL or libFuzzer, or a corpus, without a coverage engine.</item>
/// <item><c>afl</c> / <c>libfuzzer</c>: the front-end target under SharpFuzz, for afl-fuzz or libfuzzer-dotnet (tests/fuzz/run.sh).</item>
/// </list>
/// </summary>
internal static class Program
{
    private const string Usage = "usage: kscn-fuzz random [--seed S] [--cases N] [--runs M] [--explores E] [--command-lines L] [--services V] [--out DIR] | differential [--seed S] [--cases N] [--mutants M] [--budget B] [--budget-none B] [--out DIR] | replay PATH... | afl | libfuzzer\n";

    private static int Main(string[] args)
    {
        switch (args)
        {
            case ["random", .. var options]:
                return Options(options, "--seed", "--cases", "--runs", "--explores", "--command-lines", "--services", "--out") is { } random ? Random(random) : BadUsage();
            case ["differential", .. var options]:
                return Options(options, "--seed", "--cases", "--mutants", "--budget", "--budget-none", "--out") is { } differential ? Differential(differential) : BadUsage();
            case ["replay", .. var paths] when paths.Length > 0:
                return Replay(paths);
            case ["afl"]:
                Fuzzer.OutOfProcess.Run(stream =>
                {
                    using var buffer = new MemoryStream();
                    stream.CopyTo(buffer);
                    CheckFrontEnd(buffer.ToArray());
                });
                return 0;
            case ["libfuzzer"]:
                Fuzzer.LibFuzzer.Run(bytes => CheckFrontEnd(bytes));
                return 0;
            default:
                return BadUsage();
        }
    }

    private static int BadUsage()
    {
        Console.Error.Write(Usage);
        return 2;
    }

    /// <summary>The options given, each one of <paramref name="names"/> with a value after it; null if any is not.</summary>
    private static Dictionary<string, string>? Options(string[] options, params string[] names)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Length; i += 2)
        {
            if (i + 1 == options.Length || !names.Contains(options[i]))
                return null;
            values[options[i]] = options[i + 1];
        }
        return values;
    }

    private static T Value<T>(Dictionary<string, string> options, string name, T otherwise) where T : IParsable<T> =>
        options.TryGetValue(name, out var value) ? T.Parse(value, CultureInfo.InvariantCulture) : otherwise;

    /// <summary>
    /// The coverage-guided target: parse and bind the bytes as kscn check reads a file, and throw (a crash for the
    /// engine) when the diagnostics break their promised form. An exception of the compiler itself propagates.
    /// </summary>
    private static void CheckFrontEnd(ReadOnlySpan<byte> bytes)
    {
        // As File.ReadAllText decodes: UTF-8, a byte order mark honoured, invalid bytes replaced.
        using var reader = new StreamReader(new MemoryStream(bytes.ToArray()), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var text = reader.ReadToEnd();
        var compilation = Compilation.Create(SourceText.From(text, "fuzz.kscn"));
        var errors = compilation.Diagnostics.Count(d => d.IsError);
        var printed = DiagnosticFormatter.Format(compilation.Diagnostics) + (errors == 0 ? "" : $"{errors} errors\n");
        if (DiagnosticShape.Problem(printed, "fuzz.kscn", text, errorsExpected: errors > 0) is { } problem)
            throw new InvalidOperationException("malformed diagnostics: " + problem);
    }

    private static int Replay(string[] paths)
    {
        var files = paths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal) : (IEnumerable<string>)[p]).ToList();
        var failed = 0;
        foreach (var file in files)
        {
            try
            {
                CheckFrontEnd(File.ReadAllBytes(file));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failed++;
                Console.Out.Write($"{file}: {e.GetType().Name}: {e.Message}\n");
            }
        }
        Console.Out.Write($"{files.Count - failed} passed, {failed} failed\n");
        return failed == 0 ? 0 : 1;
    }

    private static int Random(Dictionary<string, string> options)
    {
        var (seed, cases, runs, explores) = (Value(options, "--seed", 17UL), Value(options, "--cases", 20_000), Value(options, "--runs", 300), Value(options, "--explores", 100));
        var (commandLines, services) = (Value(options, "--command-lines", 1_000), Value(options, "--services", 2_000));
        var output = options.GetValueOrDefault("--out") ?? Path.Combine(Path.GetTempPath(), "kscn-fuzz");
        Directory.CreateDirectory(output);
        var samples = Samples();
        var clock = Stopwatch.StartNew();
        var campaign = new FuzzCampaign(samples, output, maxFindings: 500);
        campaign.Check(seed, cases, done => Progress("check", done, cases, clock));
        var checkTime = clock.Elapsed;
        campaign.Run(seed, runs, done => Progress("run", done, runs, clock));
        var runTime = clock.Elapsed - checkTime;
        campaign.Explore(seed, explores, done => Progress("explore", done, explores, clock));
        var exploreTime = clock.Elapsed - checkTime - runTime;
        campaign.CommandLines(seed, commandLines, done => Progress("command line", done, commandLines, clock));
        var commandLineTime = clock.Elapsed - checkTime - runTime - exploreTime;
        campaign.Services(seed, services, done => Progress("services", done, services, clock));
        var summary = campaign.Summary;
        var report = $"kscn-fuzz random --seed {seed} --cases {cases} --runs {runs} --explores {explores} --command-lines {commandLines} --services {services}: {summary.Describe()}" +
                     $"  time: {checkTime.TotalSeconds:F0} s checking, {runTime.TotalSeconds:F0} s running, {exploreTime.TotalSeconds:F0} s exploring, " +
                     $"{commandLineTime.TotalSeconds:F0} s on command lines, {(clock.Elapsed - checkTime - runTime - exploreTime - commandLineTime).TotalSeconds:F0} s on services\n" +
                     string.Concat(summary.Findings.Select(f => f.Report()));
        File.WriteAllText(Path.Combine(output, "summary.txt"), report);
        Console.Out.Write(report);
        return summary.Findings.Count == 0 ? 0 : 1;
    }

    /// <summary>
    /// Explore blocks searched without reduction, with sleep sets and with DPOR (checking independence), whose
    /// conclusions must agree (ReductionComparison): the generated blocks of the differential tests
    /// (ScenarioGenerator.Explore: two CPUs, one or two steps of every kind each, after a few set-up statements, under
    /// each kernel variant; block i of seed S is drawn from CsCheck's PCG(i, S)), many more of them, then mutants of the
    /// samples with an explore block (litmus shapes with up to four CPUs, fences, preempting tasks, kernel paths) that
    /// check and stay small to run. Each problem is printed with its block and kept as problem-N.kscn.
    /// </summary>
    private static int Differential(Dictionary<string, string> options)
    {
        var (seed, cases, mutants) = (Value(options, "--seed", 16UL), Value(options, "--cases", 1_000), Value(options, "--mutants", 300));
        // Executions per search: sleep sets and DPOR finish most blocks within 20,000; without reduction, blocks with a
        // fork or an exec (a 64-entry PGD loop) run into the millions, and the budget keeps each case to seconds.
        var (budget, budgetNone) = (Value(options, "--budget", 20_000), Value(options, "--budget-none", 2_000));
        var output = options.GetValueOrDefault("--out") ?? Path.Combine(Path.GetTempPath(), "kscn-fuzz", "differential");
        Directory.CreateDirectory(output);
        var clock = Stopwatch.StartNew();
        var (compared, partly, notCompared, notModelled) = (0, 0, 0, 0);
        var problems = new List<ReductionComparison.Problem>();
        void Compare(string what, IReadOnlyList<string> texts)
        {
            foreach (var outcome in Outcomes(texts, [(Reduction.None, budgetNone), (Reduction.SleepSets, budget), (Reduction.Dpor, budget)]))
            {
                (compared, partly, notCompared, notModelled) = (compared + outcome.Compared, partly + outcome.Partly, notCompared + outcome.NotCompared, notModelled + outcome.NotModelled);
                foreach (var problem in outcome.Problems)
                {
                    problems.Add(problem);
                    File.WriteAllText(Path.Combine(output, $"problem-{problems.Count}.kscn"), problem.Text);
                }
            }
            Console.Error.Write($"differential: {what} after {clock.Elapsed.TotalSeconds:F0} s, {problems.Count} problems\n");
        }

        for (var first = 0; first < cases; first += 50)
        {
            var texts = Enumerable.Range(first, Math.Min(50, cases - first))
                .Select(i => ScenarioGenerator.Explore.Generate(new PCG((uint)i, seed), null!, out Size _)).ToArray();
            Compare($"{first + texts.Length}/{cases} generated blocks", texts);
        }
        var accepted = FuzzCampaign.ExploreMutants(Samples(), seed, mutants).Select(m => m.Text).ToArray();
        for (var first = 0; first < accepted.Length; first += 20)
            Compare($"{Math.Min(first + 20, accepted.Length)}/{accepted.Length} mutants", accepted.Skip(first).Take(20).ToArray());

        var report = $"kscn-fuzz differential --seed {seed} --cases {cases} --mutants {mutants} --budget {budget} --budget-none {budgetNone}: " +
                     $"{cases} generated blocks and {accepted.Length} mutants; (block, kernel) pairs: {compared} searched to the end by all three, " +
                     $"{partly} by two of them (the others cut by the budget), {notCompared} by fewer, {notModelled} stopped by all three where the model does not follow the kernel (not modelled); " +
                     $"{problems.Count} problems; {clock.Elapsed.TotalSeconds:F0} s\n" +
                     string.Concat(problems.Select(p => p + "\n"));
        File.WriteAllText(Path.Combine(output, "summary.txt"), report);
        Console.Out.Write(report);
        return problems.Count == 0 ? 0 : 1;
    }

    /// <summary>
    /// The comparison of a batch compiled together; a batch that throws (a block that checks but does not compile or
    /// load, a bug of ours) is compared block by block, and the block that throws is a problem.
    /// </summary>
    private static IEnumerable<ReductionComparison.Outcome> Outcomes(IReadOnlyList<string> texts, (Reduction, int)[] reductions)
    {
        ReductionComparison.Outcome outcome;
        try
        {
            outcome = ReductionComparison.Compare(texts, reductions);
        }
        catch (Exception e) when (e is not OutOfMemoryException && texts.Count > 1)
        {
            return texts.SelectMany(t => Outcomes([t], reductions));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            outcome = new ReductionComparison.Outcome(0, 0, 1, 0, [new ReductionComparison.Problem("the block", $"{e.GetType().Name}: {e.Message}\n{e.StackTrace}", texts[0])]);
        }
        return [outcome];
    }

    private static void Progress(string what, int done, int total, Stopwatch clock)
    {
        if (done % 1000 == 0 || done == total)
            Console.Error.Write($"{what}: {done}/{total} after {clock.Elapsed.TotalSeconds:F0} s\n");
    }

    /// <summary>The samples of the repository this program was built in (found above the working directory or the program).</summary>
    private static IReadOnlyList<FuzzSample> Samples()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ScenarioLang.sln")))
                    return FuzzSample.UnderSamples(dir.FullName);
            }
        }
        throw new InvalidOperationException("no ScenarioLang.sln above the working directory or " + AppContext.BaseDirectory);
    }
}
