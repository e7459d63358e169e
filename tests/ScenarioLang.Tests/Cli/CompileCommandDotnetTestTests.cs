using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ScenarioLang.Compiler;
using ScenarioLang.Compiler.Hosting;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Tracing;
using ScenarioLang.Tests.Infrastructure;
using static ScenarioLang.Tests.Infrastructure.Kscn;

namespace ScenarioLang.Tests.Cli;

/// <summary>
/// The projects kscn compile --xunit writes, run by <c>dotnet test</c> in a child process as a CI would. Each run restores
/// and builds, so there are two: one that passes and one that fails. The packages come from the NuGet cache that this
/// repository's own restore filled (the versions are the same).
/// </summary>
public sealed class CompileCommandDotnetTestTests
{
    private static readonly IReadOnlyDictionary<string, string> AsWritten = new Dictionary<string, string>();

    [Fact]
    public void The_samples_that_hold_as_written_pass_dotnet_test_with_a_test_per_scenario()
    {
        // The samples that document a race mark it as a known failure and pass; any other failing file is left out.
        var compilation = Compilation.Create(Repository.SampleFiles().Select(f => SourceText.Load(Repository.Full(f))));
        using var assembly = compilation.CompileAndLoad();
        var holding = assembly.Scenarios.GroupBy(s => s.Bound.Source.Path)
            .Where(file => file.All(s => ScenarioRunner.ConfigsFor(s, AsWritten).All(c => ScenarioRunner.Run(assembly, s, c).Passed)))
            .ToList();
        var expected = holding.SelectMany(file => file).SelectMany(s => ScenarioRunner.ConfigsFor(s, AsWritten).Select(c => DisplayName(s, c))).ToList();
        Assert.NotEmpty(expected);

        using var temp = new TemporaryDirectory();
        // No package source at all: the restore must take everything from the cache.
        File.WriteAllText(temp.Combine("NuGet.config"), "<configuration>\n  <packageSources>\n    <clear />\n  </packageSources>\n</configuration>\n");
        var project = temp.Combine("samples-tests");
        var compile = Invoke(["compile", .. holding.Select(file => file.Key), "--xunit", "-o", project]);
        Assert.Equal(0, compile.ExitCode);
        Assert.StartsWith($"wrote {project}/samples-tests.csproj: {expected.Count} tests from {holding.Count} files", compile.Out);

        var test = DotnetTest(project);

        Assert.True(test.ExitCode == 0, test.Output);
        Assert.Equal((0, expected.Count, expected.Count), Summary(test.Output));
        Assert.All(expected, name => Assert.Contains($"Passed {name} [", test.Output));
    }

    [Fact]
    public void A_failing_scenario_fails_dotnet_test_with_its_trace_and_the_kscn_line()
    {
        var andy = Repository.Full("samples/ioperm/andy-stale-tss-bits.kscn");
        // Written inside this repository (the tests' output folder): its Directory.Build.props and central package
        // versions must not reach the project.
        using var temp = new TemporaryDirectory(AppContext.BaseDirectory);
        var compile = Invoke("compile", andy, "--xunit", "-o", temp.Path, "--variant", "ioperm=merged,v2-06-16");
        Assert.Equal(0, compile.ExitCode);

        // The loggers the project documents: console (below), junit (the package it references) and trx (built in).
        var test = DotnetTest(temp.Path, "--logger", "junit", "--logger", "trx;LogFileName=run.trx");

        Assert.True(test.ExitCode == 1, test.Output);
        Assert.Equal((1, 1, 2), Summary(test.Output));
        Assert.Contains("Failed andy-stale-tss-bits.kscn:12 \"stale TSS bits let B use ports only A enabled\" [ioperm=v2-06-16]", test.Output);
        Assert.Contains("[FAIL] 23:3    cpu0 B: outb 0x3f8 -> #GP   (got ok)", test.Output);
        Assert.Contains($"{andy}(23,3): failed: cpu0 B: outb 0x3f8 -> #GP (got ok)", test.Output);

        var junit = XDocument.Load(Path.Combine(temp.Path, "TestResults", "TestResults.xml")).Root!;
        Assert.Equal(("2", "1"), ((string)junit.Descendants("testsuite").Single().Attribute("tests")!, (string)junit.Descendants("testsuite").Single().Attribute("failures")!));
        Assert.Contains($"{andy}(23,3): failed: cpu0 B: outb 0x3f8 -> #GP (got ok)", (string)junit.Descendants("failure").Single().Attribute("message")!);
        // dotnet test's own TRX meets our schema of vstst.xsd's constraints, as kscn test's does (TestCommandTests).
        Assert.Empty(ResultSchemas.TrxErrors(File.ReadAllText(Path.Combine(temp.Path, "TestResults", "run.trx"))));
    }

    [Fact]
    public void A_known_failure_passes_dotnet_test_with_its_trace_as_output_and_one_that_holds_fails()
    {
        // The self-copy of V1 [patch 5/9]: A comes back with B's bits under v1-05-09, its own under merged; the mark
        // names both, so v1-05-09 confirms it and merged holds where it says the claim fails.
        var source = KnownFailureTests.SelfCopy("v1-05-09, merged", "known failure under ioperm=v1-05-09, merged");
        using var temp = new TemporaryDirectory(AppContext.BaseDirectory);
        var file = temp.Combine("known.kscn");
        File.WriteAllText(file, source);
        // Marks that name no variant or no expectation are the compiler's errors, before any project is written.
        File.WriteAllText(temp.Combine("bad.kscn"), source.Replace("merged\n}", "mergd\n}", StringComparison.Ordinal));
        var bad = Invoke("compile", temp.Combine("bad.kscn"), "--xunit", "-o", temp.Combine("bad"));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("error KSC0103: 'mergd' is not a variant of ioperm", bad.Error);
        File.WriteAllText(temp.Combine("nothing.kscn"), source.Replace("cpu0 A: outb 0x80 -> ok      known", "cpu0 A: outb 0x80      known", StringComparison.Ordinal));
        Assert.Contains("error KSC0242:", Invoke("compile", temp.Combine("nothing.kscn"), "--xunit", "-o", temp.Combine("nothing")).Error);

        var project = temp.Combine("project");
        Assert.Equal(0, Invoke("compile", file, "--xunit", "-o", project).ExitCode);
        var test = DotnetTest(project, "--logger", "junit", "--logger", "trx;LogFileName=run.trx");

        Assert.True(test.ExitCode == 1, test.Output);
        Assert.Equal((1, 1, 2), Summary(test.Output));
        Assert.Contains("Passed known.kscn:1 \"a task switched back in has its own ports\" [ioperm=v1-05-09]", test.Output);
        Assert.Contains("Failed known.kscn:1 \"a task switched back in has its own ports\" [ioperm=merged]", test.Output);
        Assert.Contains("UNEXPECTED PASS: 1 known failure held under ioperm=merged: fixed? remove the known-failure mark", test.Output);

        // The known failure's trace is the passing test's output in both result files.
        var junit = XDocument.Load(Path.Combine(project, "TestResults", "TestResults.xml")).Root!;
        var passed = junit.Descendants("testcase").Single(c => c.Element("failure") is null);
        Assert.Contains("[known] 12:3   cpu0 A: outb 0x80 -> ok   (got #GP)", passed.Descendants("system-out").Single().Value);
        var trx = File.ReadAllText(Path.Combine(project, "TestResults", "run.trx"));
        Assert.Contains("KNOWN FAILURE: 1 of 5 expectations failed, as marked under ioperm=v1-05-09", trx);
        Assert.Empty(ResultSchemas.TrxErrors(trx));
    }

    /// <summary>What a test is called in dotnet test's output: the line kscn test prints for the same run.</summary>
    private static string DisplayName(CompiledScenario scenario, KernelConfig config) =>
        $"{Path.GetFileName(scenario.Bound.Source.Path)}:{scenario.Bound.Position.Line} {TraceFormatter.Quote(scenario.Bound.Name)} [{config.DescribeFor(scenario.Bound.Mechanisms)}]";

    /// <summary>Failed, passed and total from the closing lines, "Total tests: 2", "     Passed: 1", "     Failed: 1" (absent when none failed).</summary>
    private static (int Failed, int Passed, int Total) Summary(string output)
    {
        int Count(string label, bool required)
        {
            var match = Regex.Match(output, $@"^\s*{label}: (\d+)$", RegexOptions.Multiline);
            Assert.True(match.Success || !required, $"no '{label}:' line in:\n{output}");
            return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        }
        return (Count("Failed", required: false), Count("Passed", required: true), Count("Total tests", required: true));
    }

    private static ChildResult DotnetTest(string project, params string[] loggers) =>
        ChildProcess.Run(project, ChildProcess.DotnetHost, ["test", project, "--logger", "console;verbosity=normal", .. loggers, "-p:UseSharedCompilation=false"],
            TimeSpan.FromMinutes(10),
            new Dictionary<string, string?>
            {
                // With UseSharedCompilation off above: no MSBuild node or compiler server outlives the test.
                ["MSBUILDDISABLENODEREUSE"] = "1",
                ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
            });
}
