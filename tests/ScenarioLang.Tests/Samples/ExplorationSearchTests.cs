using System.Text.RegularExpressions;
using ScenarioLang.Tests.Infrastructure;

namespace ScenarioLang.Tests.Samples;

/// <summary>
/// The search's options change how it runs, not what it concludes: on every sample with an explore block, every
/// reduction reaches the same final states and verdicts, any number of threads prints the same bytes, and shards add
/// up to the whole search. The independence the reductions rely on is verified on every sample (--verify-independence).
/// </summary>
public sealed partial class ExplorationSearchTests
{
    /// <summary>Litmus samples whose unreduced search runs from 50,000 to more than a million executions (minutes each).</summary>
    private static readonly HashSet<string> TooManyInterleavings =
    [
        "samples/litmus/iriw.kscn", "samples/litmus/amd3.kscn", "samples/litmus/n6.kscn", "samples/litmus/r-mfences.kscn",
        "samples/litmus/rwc.kscn", "samples/litmus/rwc-mfences.kscn", "samples/litmus/sb-rfi-pos.kscn", "samples/litmus/wrc.kscn",
    ];

    public static TheoryData<string, string> ExploredRuns()
    {
        var data = new TheoryData<string, string>();
        foreach (var sample in Repository.SampleFiles().Where(s => File.ReadAllText(Repository.Full(s)).Contains("explore {", StringComparison.Ordinal)))
        {
            foreach (var variant in SampleSnapshotTests.VariantsOf(sample))
                data.Add(sample, variant);
        }
        return data;
    }

    /// <summary>
    /// DPOR against sleep sets alone (Godefroid's reduction, an independent argument) everywhere, and against no
    /// reduction where every interleaving can be run in seconds (the litmus shapes with at most about 13,000
    /// interleavings; IRIW, amd3 and RWC+mfences have more than a million, the kernel paths far more).
    /// </summary>
    [Theory]
    [MemberData(nameof(ExploredRuns))]
    public void Every_reduction_reaches_the_same_states_and_verdicts(string sample, string variant)
    {
        var dpor = Explore(sample, variant, "--reduction", "dpor", "--verify-independence");
        var sleepSets = Explore(sample, variant, "--reduction", "sleep-sets");

        // Re-running each execution with its independent events reordered changed nothing: no internal error.
        Assert.True(dpor.ExitCode != 3, dpor.Error);
        // A search replays the trail's events with the footprints recorded the first time; verifying records each
        // again: the same search, the same bytes.
        Assert.Equal(Explore(sample, variant, "--reduction", "dpor").Out, dpor.Out);
        Assert.Equal(Conclusions(sleepSets), Conclusions(dpor));
        Assert.True(Runs(dpor) <= Runs(sleepSets), $"{Runs(dpor)} runs with DPOR, {Runs(sleepSets)} with sleep sets");
        if (sample.StartsWith("samples/litmus/", StringComparison.Ordinal) && !TooManyInterleavings.Contains(sample))
            Assert.Equal(Conclusions(Explore(sample, variant, "--reduction", "none")), Conclusions(dpor));
    }

    [Theory]
    [MemberData(nameof(ExploredRuns))]
    public void Any_number_of_threads_prints_the_same_bytes(string sample, string variant)
    {
        var one = Explore(sample, variant, "--jobs", "1");
        var three = Explore(sample, variant, "--jobs", "3");

        Assert.Equal(one.Out, three.Out);
        Assert.Equal(one.ExitCode, three.ExitCode);
    }

    [Fact]
    public void A_budget_cuts_the_search_at_the_same_execution_on_any_number_of_threads()
    {
        var lateWmb = Repository.Unmarked("samples/pgd/late-wmb.kscn");
        var one = Explore(lateWmb, SampleSnapshotTests.AsWritten, "--jobs", "1", "--max-executions", "5");
        var two = Explore(lateWmb, SampleSnapshotTests.AsWritten, "--jobs", "2", "--max-executions", "5");

        Assert.Equal(one.Out, two.Out);
        Assert.Contains("(inconclusive: stopped after 5 executions (--max-executions 5): what held in every execution explored is not proved)", one.Out);
        // The lost entry is in the first 5 executions: a violation seen beats the missing proof.
        Assert.Equal(1, one.ExitCode);
    }

    [Fact]
    public void A_task_preempting_another_on_its_cpu_counts_against_the_preemption_bound()
    {
        // Regression: the bound counted switches between CPUs only, so 'cpu0 B preempts A' was free and bound 0 still
        // explored (and claimed) every execution where B runs in the middle of A's ioperm().
        const string sample = "samples/ioperm/andy-preempted-ioperm.kscn";
        var none = Explore(sample, "ioperm=merged", "--preemption-bound", "0");
        var one = Explore(sample, "ioperm=merged", "--preemption-bound", "1");
        var unbounded = Explore(sample, "ioperm=merged", "--reduction", "none");

        Assert.Equal(4, none.ExitCode);
        Assert.Contains("executions with more than 0 preemptions left out (--preemption-bound 0)", none.Out, StringComparison.Ordinal);
        Assert.True(Executions(none) < Executions(unbounded));
        Assert.Equal((0, Executions(unbounded)), (one.ExitCode, Executions(one)));
    }

    [Fact]
    public void Shards_add_up_to_the_whole_search()
    {
        // Every sample's search ends within its first part: a longer one is cut into many.
        var sample = Path.Combine(Directory.CreateTempSubdirectory("kscn-shards-").FullName, "sb-beside-ring.kscn");
        // Only the ring's expectation, which fails in three shards' parts: the others see no violation.
        File.WriteAllText(sample, Cli.ShardMergeTests.SbBesideRing.Replace("\n  expect never r0 == 0 and r1 == 0", "", StringComparison.Ordinal) + "\n");
        var whole = Explore(sample, SampleSnapshotTests.AsWritten);
        var shards = Enumerable.Range(1, 8).Select(i => Explore(sample, SampleSnapshotTests.AsWritten, "--shard", $"{i}/8")).ToArray();

        Assert.Equal(Runs(whole), shards.Sum(Runs));
        Assert.Equal(Executions(whole), shards.Sum(Executions));
        Assert.Equal(States(whole), shards.SelectMany(States).Distinct().Order(StringComparer.Ordinal));
        Assert.All(shards, s => Assert.Matches(@"shard \d of 8: \d+ of \d+ parts of the search", s.Out));
        // A never that fails is an always/never violation: a shard that sees it fails. A shard that sees none proves
        // nothing about the whole search: it is inconclusive, not a pass.
        Assert.Contains(shards, s => s.ExitCode == 1 && s.Out.Contains("failed: expect never q0 == 1", StringComparison.Ordinal));
        Assert.All(shards.Where(s => !s.Out.Contains("[FAIL]", StringComparison.Ordinal)), s =>
        {
            Assert.Equal(4, s.ExitCode);
            Assert.Contains("INCONCLUSIVE: ", s.Out);
        });
        Assert.Contains(shards, s => s.ExitCode == 4);
    }

    private static KscnOutput Explore(string sample, string variant, params string[] options) =>
        Kscn.Invoke(["explore", Repository.Full(sample), .. variant == SampleSnapshotTests.AsWritten ? [] : new[] { "--variant", variant }, .. options]);

    /// <summary>What a search concludes: its exit code, each expectation's verdict by line, the distinct final states.</summary>
    private static string Conclusions(KscnOutput output) =>
        $"exit {output.ExitCode}\n" +
        string.Join('\n', Verdict().Matches(output.Out).Select(m => m.Value)) + "\n" +
        string.Join('\n', States(output));

    private static IEnumerable<string> States(KscnOutput output) =>
        State().Matches(output.Out).Select(m => m.Groups[1].Value).Distinct().Order(StringComparer.Ordinal);

    private static int Executions(KscnOutput output) => Statistics(output).Sum(s => s.Executions);

    private static int Runs(KscnOutput output) => Statistics(output).Sum(s => s.Executions + s.Redundant);

    private static IEnumerable<(int Executions, int Redundant)> Statistics(KscnOutput output) =>
        Stats().Matches(output.Out).Select(m => (int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value)));

    [GeneratedRegex(@"^  \[(pass|FAIL)\] \d+:\d+ .*?(?=   \(|$)", RegexOptions.Multiline)]
    private static partial Regex Verdict();

    [GeneratedRegex(@"^ +\d+× (.*)$", RegexOptions.Multiline)]
    private static partial Regex State();

    [GeneratedRegex(@"exploration \(.*?\): (\d+) executions? to a final state, (\d+) redundant")]
    private static partial Regex Stats();
}
