using ScenarioLang.Tests.Infrastructure;
using ScenarioLang.Compiler.Binding;
using ScenarioLang.Compiler.Syntax;
using ScenarioLang.Runtime;
using static ScenarioLang.Tests.Infrastructure.Kscn;

namespace ScenarioLang.Tests.Binding;

/// <summary>Every step is a kernel path (issue 18): one bound form, one runtime path, so until, continue and explore work for all.</summary>
public sealed class OneStepModelTests
{
    /// <summary>Every step of the catalog; the test fails when a step is added without an example.</summary>
    public static TheoryData<string> EveryKindOfStep() => [.. StepExamples.All().Select(e => e.Example)];

    [Theory]
    [MemberData(nameof(EveryKindOfStep))]
    public void Every_kind_of_step_binds_to_a_thread_step_that_can_stop_at_its_return(string step)
    {
        var whole = Bind(step);
        Assert.IsType<BoundThreadStep>(whole.Statements[^1]);
        var paused = Assert.IsType<BoundThreadStep>(Bind(Until(step, "return") + "\n  cpu0 continue").Statements[^2]);
        Assert.Equal("return", paused.Until);
    }

    [Fact]
    public void Ioperm_until_installed_pauses_it_with_its_task_current_and_continue_returns_it()
    {
        // Regression: 'until' on ioperm was refused as "ioperm cannot be made to fail at a named point" (KSC0212).
        var result = RunSingle(InScenario("""
              cpu0 A: ioperm(0x80, 1, on) until installed -> 0
              expect task(A).tif_io_bitmap == on
              expect bitmap(A).allowed_ports == 0
              cpu0 continue
              cpu0 A: outb 0x80 -> ok
            """));
        Assert.Equal("", string.Join("\n", result.Entries.Where(e => e.Verdict == Verdict.Fail).Select(e => $"{e.Step.Line}: {e.Failure}")));
        Assert.Equal(4, result.Entries.Count(e => e.Verdict == Verdict.Pass));
    }

    [Fact]
    public void Until_keeps_the_cpu_where_preempted_at_lets_it_switch()
    {
        Assert.Equal(["KSC0220"], Codes("  cpu0 A: ioperm(0x80, 1, on) until installed\n  cpu0 switch B\n  cpu0 continue"));
        Bind("  cpu0 A: ioperm(0x80, 1, on) preempted at installed\n  cpu0 switch B\n  cpu0 switch A");
    }

    [Fact]
    public void Exit_exec_and_the_io_permission_steps_run_in_explore_blocks()
    {
        var result = RunSingle(InScenario("""
              cpu0 A: ioperm(0x80, 1, on) -> 0
              cpu0 A: fork -> C
              cpu1 switch C
              explore {
                cpu0 A: iopl(3) -> 0
                cpu0 A: exec -> 0
                cpu1 C: ioperm(0x80, 1, off) -> 0
                cpu1 C: exit
              }
              expect always machine.live_bitmaps == 1
            """));
        Assert.True(result.Passed, string.Join("\n", result.Entries.Where(e => e.Verdict == Verdict.Fail).Select(e => $"{e.Step.Line}: {e.Failure}")));
        Assert.True(result.Exploration!.Exhaustive);
    }

    private static string Until(string step, string point) =>
        step.Contains(" -> ", StringComparison.Ordinal) ? step.Replace(" -> ", $" until {point} -> ", StringComparison.Ordinal) : $"{step} until {point}";

    private static BoundScenario Bind(string statements)
    {
        var compilation = Compile(InScenario(StepExamples.Prelude + statements));
        Assert.Empty(compilation.Diagnostics.Select(d => d.ToString()));
        return Assert.Single(compilation.Units.SelectMany(u => u.Scenarios));
    }

    private static IEnumerable<string> Codes(string statements) => Compile(InScenario(statements)).Diagnostics.Select(d => d.Code);
}
