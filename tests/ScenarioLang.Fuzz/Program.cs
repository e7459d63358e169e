using System.Diagnostics;
using System.Globalization;
using System.Text;
using ScenarioLang.Compiler;
using ScenarioLang.Compiler.Diagnostics;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Tests.Fuzzing.Engine;
using SharpFuzz;

namespace ScenarioLang.Fuzz;

/// <summary>
/// kscn-fuzz: long fuzzing campaigns outside CI (docs/fuzzing.md).
/// <list type="bullet">
/// <item><c>random [--seed S] [--cases N] [--runs M] [--out DIR]</c>: the mutation fuzzer of the tests, N checks and M runs.</item>
/// <item><c>replay PATH...</c>: the front-end target on saved inputs (files, or every file under a folder): a crash or a
/// finding of AFL or libFuzzer, or a corpus, without a coverage engine.</item>
/// <item><c>afl</c> / <c>libfuzzer</c>: the front-end target under SharpFuzz, for afl-fuzz or libfuzzer-dotnet (tests/fuzz/run.sh).</item>
/// </list>
/// </summary>
internal static class Program
{
    private const string Usage = "usage: kscn-fuzz random [--seed S] [--cases N] [--runs M] [--out DIR] | replay PATH... | afl | libfuzzer\n";

    private static int Main(string[] args)
    {
        switch (args)
        {
            case ["random", .. var options]:
                return Random(options);
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
                Console.Error.Write(Usage);
                return 2;
        }
    }

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

    private static int Random(string[] options)
    {
        var (seed, cases, runs, output) = (17UL, 20_000, 300, Path.Combine(Path.GetTempPath(), "kscn-fuzz"));
        for (var i = 0; i + 1 < options.Length; i += 2)
        {
            var value = options[i + 1];
            switch (options[i])
            {
                case "--seed": seed = ulong.Parse(value, CultureInfo.InvariantCulture); break;
                case "--cases": cases = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--out": output = value; break;
                default:
                    Console.Error.Write(Usage);
                    return 2;
            }
        }
        if (options.Length % 2 != 0)
        {
            Console.Error.Write(Usage);
            return 2;
        }
        Directory.CreateDirectory(output);
        var samples = Samples();
        var clock = Stopwatch.StartNew();
        var campaign = new FuzzCampaign(samples, output, maxFindings: 500);
        campaign.Check(seed, cases, done => Progress("check", done, cases, clock));
        var checkTime = clock.Elapsed;
        campaign.Run(seed, runs, done => Progress("run", done, runs, clock));
        var summary = campaign.Summary;
        var report = $"kscn-fuzz random --seed {seed} --cases {cases} --runs {runs}: {summary.Describe()}" +
                     $"  time: {checkTime.TotalSeconds:F0} s checking, {(clock.Elapsed - checkTime).TotalSeconds:F0} s running\n" +
                     string.Concat(summary.Findings.Select(f => f.Report()));
        File.WriteAllText(Path.Combine(output, "summary.txt"), report);
        Console.Out.Write(report);
        return summary.Findings.Count == 0 ? 0 : 1;
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
