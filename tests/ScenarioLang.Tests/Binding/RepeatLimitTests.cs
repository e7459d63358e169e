using ScenarioLang.Compiler.Binding;
using ScenarioLang.Compiler.Diagnostics;
using ScenarioLang.Compiler.Syntax;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Runtime;
using static ScenarioLang.Tests.Infrastructure.Kscn;

namespace ScenarioLang.Tests.Binding;

/// <summary>Repeats cost work in proportion to the file when checked, and a bounded number of steps and trace lines when run.</summary>
public sealed class RepeatLimitTests
{
    /// <summary><paramref name="depth"/> repeats of <paramref name="count"/>, one inside the other, around one step.</summary>
    private static string Nested(int depth, int count = 2) =>
        InScenario("  cpu0 switch A\n  " + string.Concat(Enumerable.Repeat($"repeat {count} {{ ", depth)) + "cpu0 A: outb 0x80 -> ok" + new string('}', depth));

    private static long StatementsBound(string text)
    {
        var tree = SyntaxTree.Parse(SourceText.From(text, "test.kscn"));
        var counter = new Binder.BindCounter();
        Binder.Bind(tree, new DiagnosticBag(tree.Source), counter);
        return counter.Statements;
    }

    [Theory]
    [InlineData(12)]
    [InlineData(30)]
    public void Nested_repeats_bind_each_statement_once_per_enclosing_repeat(int depth)
    {
        // The statement at depth d is bound once, and once more by each of the d repeats around it checking its
        // second iteration: 1 + 2 + ... + (depth + 1), plus cpus, the two tasks and the switch. Binding each body twice
        // per level was 2^depth.
        var expected = 4 + (depth + 1) * (depth + 2) / 2;
        Assert.Equal(expected, StatementsBound(Nested(depth)));
    }

    [Fact]
    public void A_repeat_whose_second_iteration_cannot_run_is_still_reported_when_nested()
    {
        var diagnostics = Compile(InScenario("  repeat 2 { repeat 2 { cpu0 A: exit } }")).Diagnostics;
        Assert.Equal(["KSC0218"], diagnostics.Select(d => d.Code));
    }

    [Fact]
    public void Nested_repeats_that_multiply_past_the_step_limit_are_KSC0236()
    {
        var diagnostic = Assert.Single(Compile(InScenario("  cpu0 switch A\n  repeat 1000 { repeat 10000 { cpu0 A: outb 0x80 } }")).Diagnostics);
        Assert.Equal("KSC0236", diagnostic.Code);
        Assert.Equal((6, 3), (diagnostic.Start.Line, diagnostic.Start.Column));
        Assert.Equal("with this statement the scenario runs more than 10,000,000 steps, counting every iteration of its repeats and a step per page of a read, write or vmalloc; lower a repeat count or a size", diagnostic.Message);
    }

    [Fact]
    public void Thirty_nested_repeats_of_two_are_over_the_step_limit()
    {
        Assert.Equal(["KSC0236"], Compile(Nested(30)).Diagnostics.Select(d => d.Code));
    }

    [Fact]
    public void Repeats_one_after_another_count_together()
    {
        // Each is 1 + 1000000 steps: the tenth takes the scenario past 10,000,000.
        var text = InScenario("  cpu0 switch A\n" + string.Concat(Enumerable.Repeat("  repeat 1000000 { cpu0 A: outb 0x80 }\n", 11)));
        var diagnostic = Assert.Single(Compile(text).Diagnostics);
        Assert.Equal(("KSC0236", 15), (diagnostic.Code, diagnostic.Start.Line));
    }

    /// <summary>A 64 TiB file mapped at 1 GiB, then <paramref name="access"/>.</summary>
    private static string Mapped(string access) => InScenario(
        "  file db = 65536 GiB\n  cpu0 A: mmap(0x40000000, 65536 GiB, PROT_READ | PROT_WRITE, MAP_SHARED, db, 0) -> 0x40000000\n  " + access);

    [Theory]
    [InlineData("cpu0 A: read(0x40000000, 65536 GiB) -> ok")] // walked every page without end
    [InlineData("cpu0 A: write(0x40000000, 40 GiB) -> ok")] // 10,485,760 pages
    [InlineData("cpu0 A: read(0x7fffffffe000, 0xffffffffffffffff) -> SIGSEGV")] // wrapped past 2^64 to a small end
    [InlineData("repeat 3 { cpu0 A: read(0x40000000, 16 GiB) -> ok }")]
    public void An_access_counts_a_step_per_page(string access)
    {
        var diagnostic = Assert.Single(Compile(Mapped(access)).Diagnostics);
        Assert.Equal(("KSC0236", 7), (diagnostic.Code, diagnostic.Start.Line));
    }

    [Fact]
    public void A_vmalloc_counts_its_pages_up_to_the_machines_memory()
    {
        // 1000000 MiB fails at once (NULL, as the kernel's vmalloc does), so it costs what 4 GiB does: 2^20 pages.
        Assert.Empty(Compile(InScenario("  cpu0 kernel: vmalloc(1000000 MiB) -> V")).Diagnostics);
        // Ten of 4 GiB are 10 * 2^20 pages: the tenth, on line 14, takes the scenario past 10,000,000.
        var tenAreas = string.Concat(Enumerable.Range(0, 10).Select(i => $"  cpu0 kernel: vmalloc(4 GiB) -> V{i}\n"));
        var diagnostic = Assert.Single(Compile(InScenario(tenAreas)).Diagnostics);
        Assert.Equal(("KSC0236", 14), (diagnostic.Code, diagnostic.Start.Line));
    }

    [Fact]
    public void An_access_under_the_limit_is_accepted() =>
        Assert.Empty(Compile(Mapped("cpu0 A: read(0x40000000, 38 GiB) -> ok")).Diagnostics); // 9,961,472 pages

    [Fact]
    public void Steps_up_to_the_limit_are_accepted()
    {
        // 1 + 1000 * (1 + 9998) = 9,999,001 steps, and the switch.
        Assert.Empty(Compile(InScenario("  cpu0 switch A\n  repeat 1000 { repeat 9998 { cpu0 A: outb 0x80 } }")).Diagnostics);
    }

    private static ScenarioResult Run(string text)
    {
        var compilation = Compile(text);
        Assert.Empty(compilation.Diagnostics);
        using var assembly = compilation.CompileAndLoad();
        var scenario = assembly.Instantiate(assembly.Scenarios[0]);
        var run = new ScenarioRun(scenario.Description, KernelConfig.Default);
        scenario.Run(run);
        return run.Complete();
    }

    [Fact]
    public void A_repeat_traces_its_first_failures_and_counts_the_rest()
    {
        var result = Run("scenario \"t\" {\n  task U user\n  cpu0 switch U\n  repeat 100 { cpu0 U: outb 0x80 -> ok }\n}\n");
        Assert.Equal((100, 100), (result.Failed, result.Expectations));
        // The first iteration, then the first ten of the other 99.
        var traced = result.Entries.Where(e => e.Verdict == Verdict.Fail).Select(e => e.Step.Text).ToArray();
        Assert.Equal(1 + ScenarioRun.MaxTracedFailures, traced.Length);
        Assert.Equal("iteration 11: cpu0 U: outb 0x80 -> ok", traced[^1]);
        Assert.Contains("iterations 2 to 100 ran untraced: 0 of 99 expectations held; the trace shows the first 10 failures",
            result.Entries.SelectMany(e => e.Notes));
    }

    [Fact]
    public void Failures_of_nested_repeats_are_capped_per_repeat()
    {
        var result = Run("scenario \"t\" {\n  task U user\n  cpu0 switch U\n  repeat 5 { repeat 20 { cpu0 U: outb 0x80 -> ok } }\n}\n");
        Assert.Equal(100, result.Failed);
        // The inner repeat's first run: its first iteration and ten more; then ten of the outer repeat's later iterations.
        Assert.Equal(21, result.Entries.Count(e => e.Verdict == Verdict.Fail));
        Assert.False(result.Passed);
    }
}
