using ScenarioLang.Compiler.Binding;
using static ScenarioLang.Tests.Infrastructure.Kscn;

namespace ScenarioLang.Tests.Binding;

/// <summary>How the binder follows the schedule through repeats, preemption, threads and failing forks.</summary>
public sealed class ScheduleTests
{
    private static BoundScenario Bind(string statements)
    {
        var compilation = Compile(InScenario(statements));
        Assert.Empty(compilation.Diagnostics.Select(d => d.ToString()));
        return Assert.Single(compilation.Units.SelectMany(u => u.Scenarios));
    }

    private static IEnumerable<string> Codes(string statements) => Compile(InScenario(statements)).Diagnostics.Select(d => d.Code);

    [Fact]
    public void A_repeat_binds_its_body_once_with_its_count()
    {
        var scenario = Bind("  cpu0 switch A\n  repeat 1000 {\n    cpu0 switch B\n    cpu0 switch A\n  }");
        var repeat = Assert.IsType<BoundRepeat>(scenario.Statements[^1]);
        Assert.Equal(1000, repeat.Count);
        Assert.Equal(["cpu0 switch B", "cpu0 switch A"], repeat.Body.Select(s => s.Text));
    }

    [Fact]
    public void A_repeat_may_start_where_its_body_ends()
    {
        // The first iteration switches from idle to B; every later one from A to B.
        Bind("  repeat 3 {\n    cpu0 switch B\n    cpu0 switch A\n  }\n  cpu0 A: exec");
    }

    [Fact]
    public void Nested_repeats_bind()
    {
        var scenario = Bind("  cpu0 switch A\n  repeat 2 {\n    repeat 3 {\n      cpu0 switch B\n      cpu0 switch A\n    }\n    cpu0 A: outb 0x80\n  }");
        var outer = Assert.IsType<BoundRepeat>(scenario.Statements[^1]);
        Assert.IsType<BoundRepeat>(outer.Body[0]);
    }

    [Fact]
    public void The_second_iteration_is_checked_and_reported_at_the_repeat()
    {
        var diagnostic = Assert.Single(Compile(InScenario("  repeat 2 {\n    cpu0 A: exit\n  }")).Diagnostics);
        Assert.Equal("KSC0218", diagnostic.Code);
        Assert.Equal((5, 3), (diagnostic.Start.Line, diagnostic.Start.Column));
        Assert.Contains("line 6: A exited on line 6", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failing_fork_may_be_repeated_because_it_creates_nothing()
    {
        var scenario = Bind("  cpu0 A: ioperm(0x80, 1, on) -> 0\n  repeat 10 {\n    cpu0 A: fork failing at alloc_pid -> ENOMEM\n  }");
        var fork = Assert.IsType<BoundThreadStep>(Assert.IsType<BoundRepeat>(scenario.Statements[^1]).Body[0]).Operation;
        Assert.Null(fork.Child);
        Assert.Equal(("fork", "alloc_pid"), (fork.Step.Name, fork.FailingAt));
    }

    [Fact]
    public void A_preempted_task_may_resume_on_another_cpu()
    {
        var scenario = Bind("  cpu0 A: ioperm(0x80, 1, on) preempted at installed -> 0\n  cpu0 switch B\n  cpu1 switch A\n  cpu1 A: outb 0x80 -> ok");
        var ioperm = Assert.IsType<BoundThreadStep>(scenario.Statements[1]);
        Assert.Equal("ioperm", ioperm.Operation.Step.Name);
        Assert.Equal(("installed", true), (ioperm.Until, ioperm.Preempted));
    }

    [Fact]
    public void A_step_on_an_idle_cpu_resumes_a_preempted_task_implicitly()
    {
        Bind("  cpu0 A: ioperm(0x80, 1, on) preempted at alloc\n  cpu0 switch idle\n  cpu1 A: outb 0x80");
    }

    [Fact]
    public void Expectations_may_observe_a_preempted_task()
    {
        Bind("  cpu0 A: ioperm(0x80, 1, on) preempted at installed\n  expect task(A).tif_io_bitmap == on\n  cpu0 switch B\n  cpu0 switch A");
    }

    [Fact]
    public void Exec_kills_the_other_threads_of_the_group()
    {
        Assert.Equal(["KSC0204"], Codes("  cpu0 A: clone -> T\n  cpu1 switch T\n  cpu0 A: exec\n  cpu1 T: exec"));
        // The CPU that ran the killed thread is idle, so another task may go there.
        Bind("  cpu0 A: clone -> T\n  cpu1 switch T\n  cpu0 A: exec\n  cpu1 B: exec");
    }

    [Fact]
    public void Exec_leaves_a_forked_child_alone()
    {
        Bind("  cpu0 A: fork -> C\n  cpu1 switch C\n  cpu0 A: exec\n  cpu1 C: exec");
    }

    [Fact]
    public void Clone_binds_as_a_thread()
    {
        var fork = Assert.IsType<BoundThreadStep>(Bind("  cpu0 A: clone -> T").Statements[^1]).Operation;
        Assert.Equal(ScenarioLang.Runtime.Catalog.StepEffect.CreatesThread, fork.Step.Effect);
        Assert.Equal("T", fork.Child!.Name);
    }

    [Fact]
    public void Setresuid_takes_uids_up_to_the_unchanged_marker()
    {
        var call = Assert.IsType<BoundThreadStep>(Bind("  cpu0 A: setresuid(1, 0xffffffff, 2) -> 0").Statements[^1]).Operation;
        Assert.Equal(new object?[] { 1u, uint.MaxValue, 2u }, call.Arguments.ToArray());
        Assert.Equal(["KSC0207"], Codes("  cpu0 A: setresuid(1, 0x100000000, 1)"));
    }

    [Fact]
    public void Pushf_takes_a_number_and_cli_takes_ok_or_gp()
    {
        var pushf = Assert.IsType<BoundThreadStep>(Bind("  cpu0 A: pushf -> 0x202").Statements[^1]);
        Assert.Equal("pushf", pushf.Operation.Step.Name);
        Assert.Equal(new ScenarioLang.Runtime.ExpectedOutcome(ScenarioLang.Runtime.Outcome.Eflags(0x202)), pushf.Expected);
        Assert.Equal(["KSC0208"], Codes("  cpu0 A: pushf -> ok"));
        Assert.Equal(["KSC0208"], Codes("  cpu0 A: cli -> 0"));
    }
}
