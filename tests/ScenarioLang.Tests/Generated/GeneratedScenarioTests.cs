using CsCheck;
using ScenarioLang.Compiler;
using ScenarioLang.Compiler.Hosting;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Runtime;

namespace ScenarioLang.Tests.Generated;

/// <summary>
/// Every scenario the checker accepts runs to a verdict (issue 16): generated schedules end in diagnostics (exit 2) or a
/// result (exit 0 or 1), never in an internal error or an exception escaping the runtime.
/// </summary>
/// <remarks>
/// The cases are generated from fixed seeds, and the accepted ones compiled in one Roslyn compilation and run in process,
/// which keeps the test to seconds. A case that fails is handed to CsCheck with its seed, which shrinks it one
/// scenario at a time; the message shows the smallest scenario that still fails.
/// </remarks>
public sealed class GeneratedScenarioTests
{
    private const int Cases = 300;

    /// <summary>Enough for every interleaving of the generated explore blocks, which are small.</summary>
    private static readonly ExploreOptions Explore = new(Reduction.Dpor, MaxExecutions: 200_000);

    [Fact]
    public void Generated_scenarios_end_in_diagnostics_or_a_verdict_never_in_an_internal_error()
    {
        var gen = ScenarioGenerator.Mixed;
        var seeds = Enumerable.Range(0, Cases).Select(i => new PCG(1, (ulong)i)).Select(p => p.ToString()).ToArray();
        var texts = seeds.Select(s => gen.Generate(PCG.Parse(s), null!, out Size _)).ToArray();

        var failures = Problems(texts).ToList();

        if (failures.Count == 0)
            return;
        var (index, problem) = failures[0];
        var shrunk = Shrink(gen, seeds[index]);
        Assert.Fail($"{failures.Count} of {Cases} generated scenarios crashed; the first ({problem}):\n{texts[index]}\nshrunk:\n{shrunk}");
    }

    [Fact]
    public void The_generator_writes_scenarios_the_checker_mostly_accepts_with_every_kind_of_statement()
    {
        var pcg = new PCG(7, 7);
        var texts = Enumerable.Range(0, 200).Select(_ => ScenarioGenerator.Mixed.Generate(pcg, null!, out Size _)).ToArray();

        var accepted = texts.Count(t => !Compile(t).HasErrors);
        Assert.True(accepted >= texts.Length * 6 / 10, $"only {accepted} of {texts.Length} accepted; the first rejected:\n{texts.First(t => Compile(t).HasErrors)}\n{string.Join("\n", Compile(texts.First(t => Compile(t).HasErrors)).Diagnostics)}");
        var all = string.Join("\n", texts);
        foreach (var word in new[] { "fork", "clone", "exec", "exit", "vmalloc", "touch", "mmap", "munmap", "read(", "write(", "ioperm", "iopl", "outb", " until ", "continue", "switch", "expect", "explore {", "MAP_SHARED_PT", "drain" })
            Assert.Contains(word, all);
    }

    [Fact]
    public void Explore_scenarios_have_two_cpus_with_one_or_two_steps_each_and_some_a_task_preempting_cpu0s()
    {
        var pcg = new PCG(3, 3);
        var preempting = 0;
        foreach (var text in Enumerable.Range(0, 100).Select(_ => ScenarioGenerator.Explore.Generate(pcg, null!, out Size _)))
        {
            var block = text[(text.IndexOf("explore {", StringComparison.Ordinal) + 9)..text.IndexOf("\n  }", StringComparison.Ordinal)];
            var steps = block.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(s => s.TrimStart()).ToArray();
            foreach (var cpu in new[] { "cpu0 A:", "cpu1 B:" })
                Assert.InRange(steps.Count(s => s.StartsWith(cpu, StringComparison.Ordinal)), 1, 2);
            var preempts = steps.Count(s => s.StartsWith("cpu0 P preempts A:", StringComparison.Ordinal));
            Assert.InRange(preempts, 0, 2);
            Assert.Equal(steps.Length, steps.Count(s => s.StartsWith("cpu0 A:", StringComparison.Ordinal) || s.StartsWith("cpu1 B:", StringComparison.Ordinal)) + preempts);
            // The reductions' differential campaigns need preemptions the checker accepts: DPOR once missed them.
            if (preempts > 0 && !Compile(text).HasErrors)
                preempting++;
        }
        Assert.InRange(preempting, 3, 30);
    }

    /// <summary>The cases that crashed, with what went wrong: the accepted ones are compiled together and run one by one.</summary>
    private static IEnumerable<(int Index, string Problem)> Problems(IReadOnlyList<string> texts)
    {
        var accepted = new List<int>();
        for (var i = 0; i < texts.Count; i++)
        {
            if (Guard(() => _ = Compile(texts[i])) is { } crash)
                yield return (i, "checking: " + crash);
            else if (!Compile(texts[i]).HasErrors)
                accepted.Add(i);
        }
        var compilation = Compilation.Create(accepted.Select(i => SourceText.From(texts[i], $"case{i}.kscn")));
        using var assembly = compilation.CompileAndLoad();
        foreach (var scenario in assembly.Scenarios)
        {
            var index = int.Parse(scenario.Bound.Source.Path[4..^5], System.Globalization.CultureInfo.InvariantCulture);
            if (RunProblem(assembly, scenario) is { } problem)
                yield return (index, problem);
        }
    }

    /// <summary>What went wrong running the scenario under each of its kernel configurations, or null.</summary>
    private static string? RunProblem(CompiledAssembly assembly, CompiledScenario scenario)
    {
        foreach (var config in ScenarioRunner.ConfigsFor(scenario, new Dictionary<string, string>()))
        {
            ScenarioRunResult? run = null;
            if (Guard(() => run = ScenarioRunner.Run(assembly, scenario, config, Explore)) is { } crash)
                return crash;
            if (run!.InternalError is { } error)
                return error;
        }
        return null;
    }

    /// <summary>A single scenario, compiled alone: what CsCheck runs while it shrinks.</summary>
    private static string? SingleProblem(string text)
    {
        Compilation? compilation = null;
        if (Guard(() => compilation = Compile(text)) is { } crash)
            return "checking: " + crash;
        if (compilation!.HasErrors)
            return null;
        using var assembly = compilation.CompileAndLoad();
        return RunProblem(assembly, assembly.Scenarios.Single());
    }

    private static string Shrink(Gen<string> gen, string seed)
    {
        try
        {
            gen.Sample(text => SingleProblem(text) is null, seed: seed, iter: 300, threads: 1, print: text => text);
            return "(CsCheck found no failing case from the seed)";
        }
        catch (CsCheckException e)
        {
            return e.Message;
        }
    }

    private static string? Guard(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"{e.GetType().Name}: {e.Message}\n{e.StackTrace}";
        }
    }

    private static Compilation Compile(string text) => Compilation.Create(SourceText.From(text, "generated.kscn"));
}
