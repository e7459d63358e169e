using ScenarioLang.Compiler.Binding;
using ScenarioLang.Compiler.Syntax;
using ScenarioLang.Runtime;
using static ScenarioLang.Tests.Infrastructure.Kscn;

namespace ScenarioLang.Tests.Binding;

/// <summary>Every step is a kernel path (issue 18): one bound form, one runtime path, so until, continue and explore work for all.</summary>
public sealed class OneStepModelTests
{
    /// <summary>A step of each syscall kind; the test fails when a kind is added without one.</summary>
    private static readonly Dictionary<SyscallKind, string> Syscalls = new()
    {
        [SyscallKind.Ioperm] = "cpu0 A: ioperm(0x80, 1, on) -> 0",
        [SyscallKind.Iopl] = "cpu0 A: iopl(3) -> 0",
        [SyscallKind.Fork] = "cpu0 A: fork -> C",
        [SyscallKind.Clone] = "cpu0 A: clone -> T",
        [SyscallKind.Exec] = "cpu0 A: exec -> 0",
        [SyscallKind.Exit] = "cpu0 A: exit",
        [SyscallKind.Setresuid] = "cpu0 A: setresuid(1000, 1000, 1000) -> 0",
        [SyscallKind.Vmalloc] = "cpu0 A: vmalloc(4 KiB) -> V",
        [SyscallKind.Mmap] = "cpu0 A: mmap(0x40000000, 2 MiB, PROT_READ, MAP_SHARED, -1, 0)",
        [SyscallKind.Munmap] = "cpu0 A: munmap(0x40000000, 2 MiB)",
        [SyscallKind.Read] = "cpu0 A: read(0x40000000)",
        [SyscallKind.Write] = "cpu0 A: write(0x40000000)",
    };

    private static readonly Dictionary<FlagsInstruction, string> Flags = new()
    {
        [FlagsInstruction.Cli] = "cpu0 A: cli",
        [FlagsInstruction.Sti] = "cpu0 A: sti",
        [FlagsInstruction.Pushf] = "cpu0 A: pushf",
    };

    public static TheoryData<string> EveryKindOfStep()
    {
        Assert.Equal(Enum.GetValues<SyscallKind>(), Syscalls.Keys.Order());
        Assert.Equal(Enum.GetValues<FlagsInstruction>(), Flags.Keys.Order());
        return [.. Syscalls.Values, .. Flags.Values, "cpu0 A: outb 0x80", "cpu0 A: store x = 1"];
    }

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
        var compilation = Compile(InScenario("  shared x\n" + statements));
        Assert.Empty(compilation.Diagnostics.Select(d => d.ToString()));
        return Assert.Single(compilation.Units.SelectMany(u => u.Scenarios));
    }

    private static IEnumerable<string> Codes(string statements) => Compile(InScenario(statements)).Diagnostics.Select(d => d.Code);
}
