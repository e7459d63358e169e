using System.Text.RegularExpressions;
using ScenarioLang.Compiler;
using ScenarioLang.Compiler.Hosting;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Runtime;
using ScenarioLang.Tests.Infrastructure;

namespace ScenarioLang.Tests.Samples;

/// <summary>
/// Every counterexample of every sample, under every variant its snapshot runs, written as the replay scenario
/// <c>kscn explore --save</c> writes and run as <c>kscn run</c> runs it: the replay fails on the same expectation
/// with the same values, or has the same unexpected finding as the object checker's counterexample.
/// </summary>
public sealed class CounterexampleReplayTests
{
    private const string CheckerText = "object checker: no finding in any execution";

    public static TheoryData<string, string> Runs() => SampleSnapshotTests.Runs();

    [Theory]
    [MemberData(nameof(Runs))]
    public void Every_counterexample_replays_to_the_same_violation(string sample, string variant) =>
        Replay(sample, variant);

    /// <summary>The samples that violate an expectation, so that the theory above cannot pass by replaying nothing.</summary>
    [Theory]
    [InlineData("samples/pgd/late-wmb.kscn", "as-written", "expect never pgd(C)[V] is none")]
    [InlineData("samples/pgd/v1-walker-exit.kscn", "as-written", "expect never use-after-free pgd|expect never use-after-free mm_struct")]
    [InlineData("samples/ptshare/creation-race.kscn", "ptshare=rfc-v2", "expect never leak ptshare_data|expect always ptshare(db).refcnt == 2|" + CheckerText)]
    [InlineData("samples/ioperm/andy-preempted-ioperm.kscn", "ioperm=v2-06-16", "expect never tss(cpu0).allowed_ports > 1")]
    [InlineData("samples/ptshare/removal-race.kscn", "ptshare=rfc-v2", "expect never use-after-free ptshare_data|expect never refcount-misuse ptshare_data")]
    public void The_racy_samples_have_counterexamples_that_replay(string sample, string variant, string violated) =>
        Assert.Equal(violated.Split('|'), Replay(sample, variant).Select(r => r.Expectation));

    /// <summary>
    /// The late-wmb fork loses the PGD entry by store buffering, and smp_mb() (pgd=late-mb) is the fix; the ptshare
    /// races are atomicity races under every fence, so they get no hint.
    /// </summary>
    [Fact]
    public void Only_the_store_buffering_sample_gets_a_fence_hint()
    {
        var hint = Assert.Single(Replay("samples/pgd/late-wmb.kscn", "as-written").Single().Counterexample.FenceHints);

        Assert.Equal(
            "a full fence (mfence, smp_mb()) on cpu0 between 'store C->tasks = 1' at link_task and 'load swapper_pg_dir[402]' at copy_pgd[402], both in cpu0 P: fork (line 18), would make the load wait for C->tasks = 1 to reach memory",
            hint.ToString());
        Assert.All(Replay("samples/ptshare/creation-race.kscn", "ptshare=rfc-v2").Concat(Replay("samples/ptshare/removal-race.kscn", "ptshare=rfc-v2")),
            r => Assert.Empty(r.Counterexample.FenceHints));
    }

    /// <summary>Explores the sample, replays each counterexample and checks it; returns what it replayed.</summary>
    private static List<(string Expectation, Counterexample Counterexample)> Replay(string sample, string variant)
    {
        var overrides = variant.Split('=') is [var mechanism, var value] ? new Dictionary<string, string> { [mechanism] = value } : [];
        var replayed = new List<(string, Counterexample)>();
        using var assembly = CompileAndLoad(File.ReadAllText(Repository.Full(sample)), sample);
        foreach (var scenario in assembly.Scenarios)
        {
            var config = ScenarioRunner.ConfigsFor(scenario, overrides).Single();
            var explored = Run(assembly, scenario, config);
            foreach (var verdict in explored.Exploration?.Expectations.Where(e => e.Counterexample is not null) ?? [])
            {
                var counterexample = verdict.Counterexample!;
                var text = ReplayWriter.Write(scenario.Bound, counterexample, config);
                using var replayAssembly = CompileAndLoad(text, Path.ChangeExtension(sample, ".replay.kscn"));
                var replay = Run(replayAssembly, replayAssembly.Scenarios.Single(), config);
                AssertSameViolation(verdict, replay, text);
                replayed.Add((verdict.Step.Text, counterexample));
            }
        }
        return replayed;
    }

    private static CompiledAssembly CompileAndLoad(string text, string path)
    {
        var compilation = Compilation.Create(SourceText.From(text, path));
        Assert.False(compilation.HasErrors, $"{path}:\n{string.Join("\n", compilation.Diagnostics)}\n{text}");
        return compilation.CompileAndLoad();
    }

    private static ScenarioResult Run(CompiledAssembly assembly, CompiledScenario scenario, KernelConfig config)
    {
        var run = ScenarioRunner.Run(assembly, scenario, config);
        Assert.True(run.Result is not null, run.InternalError);
        return run.Result;
    }

    /// <summary>
    /// The explored expectation's state (<c>r0=0; r1=0</c>, with findings as <c>leak ptshare_data=yes</c>) is what the
    /// replayed expectation got: the same values, or, for an expectation of findings, a finding of the kind it names; a
    /// step of the block got the same outcome.
    /// The object checker's counterexample is replayed when the replay has its finding, and no expectation names it.
    /// Objects allocated in an explore block are named after their CPU (<c>mm_struct#cpu0.1</c>), in the replay's explicit
    /// schedule in allocation order (<c>mm_struct#3</c>): findings are compared with object numbers left out.
    /// </summary>
    private static void AssertSameViolation(ExpectationVerdict verdict, ScenarioResult replay, string text)
    {
        var counterexample = verdict.Counterexample!;
        // A replay keeps the file's known-failure marks: it fails, as a known failure where the original is one.
        Assert.True(replay.Verdict is Verdict.Fail or Verdict.KnownFailure, text);
        if (verdict.Step.Text == CheckerText)
        {
            Assert.Contains(replay.Findings, f => !f.Expected && Unnumbered(f.Message) == Unnumbered(counterexample.Detail));
            return;
        }
        // A step of the block is replayed as a line that stops it (until POINT) and is judged when it returns: on that
        // line, or on the line of its CPU that continues it to its return.
        var continued = verdict.Step.Text.Split(' ')[0] + " continue";
        if (counterexample.Detail.StartsWith("got ", StringComparison.Ordinal))
        {
            var judged = replay.Entries.Where(e => e.Verdict is Verdict.Fail or Verdict.KnownFailure && Regex.Replace(e.Step.Text, @" until \S+", "") is var line && (line == verdict.Step.Text || line == continued));
            Assert.Contains(counterexample.Detail, judged.Select(e => e.Failure));
            return;
        }
        var failed = replay.Entries.Where(e => e.Verdict is Verdict.Fail or Verdict.KnownFailure && Regex.Replace(e.Step.Text, @" until \S+", "") == verdict.Step.Text);
        var got = Assert.Single(failed).Failure!;
        Assert.StartsWith("got ", got);
        var state = counterexample.Detail.Split("; ");
        var values = got["got ".Length..].Split("; ");
        if (values.All(v => state.Any(s => s.Split('=')[0] == v.Split('=')[0])))
            Assert.Subset(state.ToHashSet(), values.ToHashSet());
        else
        {
            // An expectation of findings got a finding's message; the state says which of its kinds held.
            Assert.Contains(replay.Findings, f => Unnumbered(f.Message) == Unnumbered(got["got ".Length..]));
            Assert.Contains(state, s => s.EndsWith("=yes", StringComparison.Ordinal) && verdict.Step.Text.Contains(s[..^"=yes".Length], StringComparison.Ordinal));
        }
    }

    private static string Unnumbered(string message) => Regex.Replace(message, @"#(cpu\d+\.)?\d+", "#N");
}
