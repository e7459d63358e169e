using ScenarioLang.Compiler;
using ScenarioLang.Compiler.Hosting;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Runtime;

namespace ScenarioLang.Tests.Generated;

/// <summary>
/// Searches the same explore blocks under several reductions and compares what they conclude: the verdict of every
/// expectation by line and the set of final states. Used by <see cref="ReductionDifferentialTests"/> on fixed blocks and
/// by the long differential campaign (kscn-fuzz differential, docs/fuzzing.md) on generated ones.
/// </summary>
internal static class ReductionComparison
{
    /// <param name="Compared">(Block, kernel) pairs every reduction searched to the end, all compared.</param>
    /// <param name="Partly">Pairs where some search was cut by the budget and at least two finished, compared.</param>
    /// <param name="NotCompared">Pairs where fewer than two searches finished.</param>
    /// <param name="NotModelled">Pairs every search stopped at the same place the model does not follow (exit 3, "not modelled").</param>
    /// <param name="Problems">Each disagreement, internal error, or search cut by the budget where a weaker reduction finished, with its block's text.</param>
    public sealed record Outcome(int Compared, int Partly, int NotCompared, int NotModelled, IReadOnlyList<Problem> Problems);

    /// <summary>What went wrong in a (block, kernel) pair, and the block's text.</summary>
    public sealed record Problem(string Case, string What, string Text)
    {
        public override string ToString() => $"{Case}: {What}\n{Text}";
    }

    /// <summary>
    /// Compares the searches of every text that checks (the others are left out), under each kernel configuration of
    /// its scenarios. <paramref name="reductions"/> go from the weakest to the strongest, each with a budget of
    /// executions at least the one before's: a stronger one explores a subset of a weaker one's executions, so it must
    /// finish within its budget whenever a weaker one does.
    /// </summary>
    public static Outcome Compare(IReadOnlyList<string> texts, IReadOnlyList<(Reduction Reduction, int Budget)> reductions)
    {
        var sources = texts.Select((t, i) => SourceText.From(t, $"case{i}.kscn")).Where(s => !Compilation.Create(s).HasErrors).ToArray();
        using var assembly = Compilation.Create(sources).CompileAndLoad();
        var (compared, partly, notCompared, notModelled) = (0, 0, 0, 0);
        var problems = new List<Problem>();
        foreach (var scenario in assembly.Scenarios)
        {
            var text = texts[Index(scenario)];
            foreach (var config in ScenarioRunner.ConfigsFor(scenario, new Dictionary<string, string>()))
            {
                var where = $"{scenario.Bound.Name} ({config})";
                var searches = reductions.Select(r => (r.Reduction, Search: Search(assembly, scenario, config, r.Reduction, r.Budget))).ToArray();
                // Every search stopped by the same path the model cannot follow agrees with the others: nothing to compare.
                if (searches.All(s => s.Search.InternalError is { } e && e.EndsWith("not modelled", StringComparison.Ordinal) && e == searches[0].Search.InternalError))
                {
                    notModelled++;
                    continue;
                }
                foreach (var (reduction, search) in searches.Where(s => s.Search.InternalError is not null))
                    problems.Add(new Problem(where, $"internal error under {reduction}: {search.InternalError}", text));
                var finished = searches.Where(s => s.Search.Conclusions is not null).ToArray();
                if (finished.Length == searches.Length)
                    compared++;
                else if (finished.Length >= 2)
                    partly++;
                else
                    notCompared++;
                // finished keeps the reductions' order: its first is the weakest that finished.
                foreach (var (reduction, _) in finished.Length == 0 ? [] : searches.SkipWhile(s => s.Reduction != finished[0].Reduction).Where(s => s.Search is { Conclusions: null, InternalError: null }))
                    problems.Add(new Problem(where, $"{reduction} was cut by its budget where {finished[0].Reduction} finished", text));
                foreach (var (reduction, search) in finished.Skip(1).Where(f => f.Search.Conclusions != finished[0].Search.Conclusions))
                    problems.Add(new Problem(where, $"the conclusions differ:\n  {finished[0].Reduction}: {finished[0].Search.Conclusions}\n  {reduction}: {search.Conclusions}", text));
            }
        }
        return new Outcome(compared, partly, notCompared, notModelled, problems);
    }

    /// <summary>Each verdict by line and the distinct final states (null when the search was cut), or what went wrong.</summary>
    private static (string? Conclusions, string? InternalError) Search(CompiledAssembly assembly, CompiledScenario scenario, KernelConfig config, Reduction reduction, int budget)
    {
        // DPOR's runs also check the independence they rely on (an untracked access is an internal error).
        var options = new ExploreOptions(reduction, MaxExecutions: budget, Jobs: 1, VerifyIndependence: reduction == Reduction.Dpor);
        var run = ScenarioRunner.Run(assembly, scenario, config, options);
        if (run.InternalError is { } error)
            return (null, error);
        var result = run.Result!;
        if (result.Exploration is { Exhaustive: false })
            return (null, null);
        var verdicts = result.Entries.Where(e => e.Verdict != Verdict.None).Select(e => $"{e.Step.Line}:{e.Step.Column} {e.Verdict}");
        var states = result.Exploration?.States.Select(s => s.State) ?? [];
        return (string.Join("; ", verdicts) + " | " + string.Join(" / ", states.Order(StringComparer.Ordinal)), null);
    }

    private static int Index(CompiledScenario scenario) =>
        int.Parse(scenario.Bound.Source.Path["case".Length..^".kscn".Length], System.Globalization.CultureInfo.InvariantCulture);
}
