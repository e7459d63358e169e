using ScenarioLang.Compiler.Binding;
using ScenarioLang.Runtime;
using static ScenarioLang.Tests.Infrastructure.Kscn;

namespace ScenarioLang.Tests.Binding;

/// <summary>
/// How the binder checks the gaps met writing scenarios from the mails: two subjects compared, alternative results,
/// task groups and 'for each', bitmap(A).refcnt and faults(T).
/// </summary>
public sealed class LanguageGapsBindingTests
{
    private static BoundScenario Bind(string text)
    {
        var compilation = Compile(text);
        Assert.Empty(compilation.Diagnostics.Select(d => d.ToString()));
        return Assert.Single(compilation.Units.SelectMany(u => u.Scenarios));
    }

    private static string[] Codes(string text) => [.. Compile(text).Diagnostics.Select(d => d.Code)];

    private static string Message(string text) => Assert.Single(Compile(text).Diagnostics).Message;

    private static string Group(string statements, int members = 3) =>
        $"scenario \"t\" {{\n  cpus 2\n  task W[{members}] user\n  task A root\n  file db = 2 MiB\n{statements}\n}}\n";

    [Fact]
    public void Two_subjects_of_one_type_bind_as_a_comparison_of_reads()
    {
        var expectation = Assert.IsType<BoundExpectation>(Bind(InScenario("  expect tss(cpu0).prev_sequence == bitmap(A).sequence")).Statements[^1]);
        var comparison = Assert.IsType<BoundSubjectComparison>(Assert.Single(expectation.Conditions));
        Assert.Equal(("tss(cpu0).prev_sequence", "bitmap(A).sequence"), (comparison.Subject, comparison.RightSubject));
        Assert.Equal(("TssPrevSequence", "BitmapSequence"), (comparison.Read.Property.Accessor, comparison.Right.Property.Accessor));
    }

    [Fact]
    public void A_bare_name_is_a_register_or_shared_word_only_where_the_left_side_is_a_number()
    {
        var text = InScenario("  shared x\n  cpu0 kernel: load x -> r0\n  expect r0 == x\n  expect always r0 == r0 and x >= r0");
        Assert.IsType<BoundSubjectComparison>(Assert.IsType<BoundExpectation>(Bind(text).Statements[^2]).Conditions[0]);
        // On an io_bitmap_base a name is a value, even one a register has.
        Assert.IsType<BoundComparison>(Assert.IsType<BoundExpectation>(Bind(InScenario("  expect tss(cpu0).io_bitmap_base == valid-map")).Statements[^1]).Conditions[0]);
        Assert.Equal(["KSC0303"], Codes(InScenario("  expect task(A).uid == nobody")));
    }

    [Theory]
    [InlineData("  expect tss(cpu0).prev_max == bitmap(A).sequence", "tss(cpu0).prev_max is a size in bytes and bitmap(A).sequence is a count: the two sides of a comparison must be of one kind")]
    [InlineData("  expect task(A).uid != bitmap(A)", "task(A).uid is a count and bitmap(A) is a kernel object (compare it with 'is'): the two sides of a comparison must be of one kind")]
    [InlineData("  expect task(A).tif_io_bitmap == task(A).eflags", "task(A).tif_io_bitmap is a flag and task(A).eflags is a register's bits: the two sides of a comparison must be of one kind")]
    public void Subjects_of_different_types_are_KSC0312_naming_both(string statement, string message)
    {
        var diagnostic = Assert.Single(Compile(InScenario(statement)).Diagnostics);
        Assert.Equal(("KSC0312", message), (diagnostic.Code, diagnostic.Message));
    }

    [Fact]
    public void The_checks_of_one_side_apply_to_the_other()
    {
        Assert.Equal(["KSC0304"], Codes(InScenario("  expect task(A).tif_io_bitmap < task(B).tif_io_bitmap")));
        Assert.Equal(["KSC0108"], Codes(InScenario("  expect bitmap(A).max == bitmap(C).max")));
        Assert.Equal(["KSC0201"], Codes(InScenario("  expect tss(cpu0).prev_max == tss(cpu7).prev_max")));
        Assert.Equal(["KSC0311"], Codes(InScenario("  cpu0 B: exit\n  expect mm(A).users == mm(B).users")));
    }

    [Fact]
    public void Alternatives_bind_to_an_expected_set_in_the_order_written()
    {
        var cli = Assert.IsType<BoundThreadStep>(Bind(InScenario("  cpu0 A: cli -> #GP | ok")).Statements[^1]);
        Assert.Equal(new ExpectedOutcome(Outcome.GeneralProtection, Outcome.Ok), cli.Expected);
        Assert.Equal("#GP | ok", cli.Expected!.ToString());
        var mmap = Assert.IsType<BoundThreadStep>(Bind(Group("  cpu0 A: mmap(0x40000000, 2 MiB, PROT_READ, MAP_SHARED, db, 0) -> 0x40000000 | ENOMEM")).Statements[^1]);
        Assert.Equal(new ExpectedOutcome(Outcome.Address(0x40000000), Outcome.Fails(ScenarioLang.Runtime.Errno.ENOMEM)), mmap.Expected);
        var pushf = Assert.IsType<BoundThreadStep>(Bind(InScenario("  cpu0 A: pushf -> 0x202 | 0x3202")).Statements[^1]);
        Assert.Equal(new ExpectedOutcome(Outcome.Eflags(0x202), Outcome.Eflags(0x3202)), pushf.Expected);
        Assert.Equal(new ExpectedOutcome(Outcome.Returns(0), Outcome.Fails(ScenarioLang.Runtime.Errno.EPERM)),
            Assert.IsType<BoundThreadStep>(Bind(InScenario("  cpu0 A: ioperm(0x80, 1, on) -> 0 | EPERM")).Statements[^1]).Expected);
    }

    [Theory]
    [InlineData("  cpu0 A: cli -> ok | #PF", "KSC0235")]
    [InlineData("  cpu0 A: outb 0x80 -> ok | 0", "KSC0208")]
    [InlineData("  cpu0 A: ioperm(0x80, 1, on) -> 0 | ok", "KSC0208")]
    [InlineData("  cpu0 A: ioperm(0x80, 1, on) -> 0 | EFOO", "KSC0209")]
    [InlineData("  cpu0 A: munmap(0x40000000, 2 MiB) -> 0 | 1", "KSC0208")]
    [InlineData("  cpu0 A: read(0x40000000) -> ok | #GP", "KSC0235")]
    [InlineData("  cpu0 A: pushf -> 0x202 | ok", "KSC0208")]
    [InlineData("  cpu0 A: exit -> 0 | ok", "KSC0208")]
    [InlineData("  cpu0 A: fork -> C | D", "KSC0210")]
    public void Every_alternative_must_be_a_result_of_the_step(string statement, string code) =>
        Assert.Equal([code], Codes(InScenario(statement)));

    [Theory]
    [InlineData("  cpu0 A: cli -> ok | #GP | ok", "cli already lists the result ok: write each alternative once")]
    [InlineData("  cpu0 A: iopl(3) -> 0 | 0x0", "iopl already lists the result 0 (0x0 is the same result): write each alternative once")]
    public void An_alternative_listed_twice_is_KSC0313(string statement, string message)
    {
        var diagnostic = Assert.Single(Compile(InScenario(statement)).Diagnostics);
        Assert.Equal(("KSC0313", message), (diagnostic.Code, diagnostic.Message));
    }

    [Fact]
    public void A_group_declares_its_members_in_order_and_is_no_task_itself()
    {
        var scenario = Bind(Group("  cpu0 W2: exec"));
        Assert.Equal(["W0", "W1", "W2", "A"], scenario.DeclaredTasks.Select(t => t.Name));
        Assert.All(scenario.DeclaredTasks.Take(3), t => Assert.Equal(("W", 3), (t.Group!.Name, t.Group.Count)));
        Assert.Equal("W is a group of 3 tasks, not one task: name a member (W0 to W2), or write the step inside 'for each W { … }'", Message(Group("  cpu0 W: exec")));
        Assert.Equal(["KSC0314"], Codes(Group("  expect faults(W) == 0")));
    }

    [Theory]
    [InlineData("task W[0] user", "KSC0007")]
    [InlineData("task W[10001] user", "KSC0007")]
    [InlineData("task W[2] user\n  task W1 root", "KSC0107")]
    [InlineData("task W[2] user\n  task W root", "KSC0107")]
    [InlineData("task w-x[2] user", "KSC0109")]
    public void Group_declarations_are_checked(string declaration, string code) =>
        Assert.Equal([code], Codes($"scenario \"t\" {{\n  {declaration}\n}}\n"));

    [Fact]
    public void For_each_binds_its_body_once_with_the_member_as_the_cursor()
    {
        var scenario = Bind(Group("  for each W {\n    cpu0 switch W\n    cpu0 W: exec -> 0\n    expect faults(W) == 0\n  }\n  expect faults(W2).minor == 0"));
        var forEach = Assert.IsType<BoundForEach>(scenario.Statements[0]);
        Assert.Equal(("W", 3), (forEach.Group.Name, forEach.Group.Count));
        Assert.Equal(3, forEach.Body.Length);
        var exec = Assert.IsType<BoundThreadStep>(forEach.Body[1]);
        Assert.Equal("exec", exec.Operation.Step.Name);
        Assert.Equal(("W0", true), (exec.Task!.Name, exec.Task.Cursor));
        Assert.Equal(1 + 3 * 3, forEach.Steps);
    }

    [Fact]
    public void The_schedule_after_a_for_each_is_the_last_members()
    {
        // W2 is on cpu0 after the loop, so a step by W1 there is refused and one by W2 is not.
        Assert.Equal(["KSC0202"], Codes(Group("  for each W {\n    cpu0 switch W\n  }\n  cpu0 W1: exec")));
        Assert.Empty(Codes(Group("  for each W {\n    cpu0 switch W\n  }\n  cpu0 W2: exec")));
        // Every member exited in the loop, not only the first and the last.
        Assert.Equal(["KSC0204"], Codes(Group("  for each W {\n    cpu0 W: exit\n  }\n  cpu1 W1: exec", members: 4)));
    }

    [Theory]
    [InlineData("  for each W {\n    cpu0 W: exec\n  }", "the body of this for each W cannot run for W1: line 7: W1 is not running on cpu0 (W0 is); add 'cpu0 switch W1' before this step")]
    [InlineData("  cpu1 switch W2\n  for each W {\n    cpu0 switch W\n  }", "the body of this for each W cannot run for W2: line 8: W2 is running on cpu1; switch cpu1 to another task first")]
    [InlineData("  for each W {\n    cpu0 switch W\n    expect faults(W0) == 0\n  }", "the body of this for each W cannot run for W0: line 8 names W0, the member it runs for then; write W for the current member")]
    [InlineData("  cpu0 switch W0\n  for each W {\n    cpu0 W: exit\n  }", "the body of this for each W cannot run for W1: it switches a task onto an idle CPU implicitly where for W0 it did not, or the other way; switch W in with 'cpuN switch W'")]
    [InlineData("  for each W {\n    for each W {\n    }\n  }", "the body of this for each W cannot run for W0: it is inside a for each of W already")]
    public void A_body_that_cannot_run_for_a_member_is_KSC0315(string statements, string message) =>
        Assert.Equal(message, Message(Group(statements)));

    [Fact]
    public void A_body_names_members_of_other_groups_but_each_of_its_own_is_current_once()
    {
        var other = "  task V[2] user\n  for each W {\n    cpu0 switch W\n    expect faults(W) >= faults(V1)\n  }";
        Assert.IsType<BoundForEach>(Bind(Group(other)).Statements[0]);
        Assert.Equal("the body of this for each W cannot run for W1: line 8 names W1, the member it runs for then; write W for the current member",
            Message(Group("  for each W {\n    cpu0 switch W\n    expect faults(W) >= faults(W1)\n  }")));
    }

    [Theory]
    [InlineData("  for each A { }", "A is one task, not a group: 'for each' runs through a group declared as 'task A[N] user'")]
    [InlineData("  for each V { }", "no task group named V; 'for each' runs through a group declared as 'task V[N] user'")]
    public void For_each_over_what_is_not_a_group_is_KSC0008(string statements, string message) =>
        Assert.Equal(message, Message(Group(statements)));

    [Fact]
    public void A_mistyped_group_is_answered_with_the_closest_group()
    {
        var text = "scenario \"t\" {\n  task Workers[2] user\n  for each Worker { }\n}";
        Assert.Equal("no task group named Worker; did you mean 'Workers'?", Message(text));
    }

    [Fact]
    public void A_for_each_counts_its_body_once_per_member_against_the_step_limit()
    {
        var text = Group("  for each W {\n    cpu0 switch W\n    repeat 1000 { repeat 1000 { cpu0 W: outb 0x80 -> #GP } }\n  }", members: 20);
        Assert.Equal(["KSC0236"], Codes(text));
    }

    [Fact]
    public void Fork_and_settings_are_refused_in_a_for_each_body_as_in_a_repeat()
    {
        Assert.Equal(["KSC0217"], Codes(Group("  for each W {\n    cpu0 switch W\n    cpu0 W: fork -> C\n  }")));
        Assert.Equal(["KSC0110"], Codes(Group("  for each W {\n    cpus 2\n  }")));
    }

    [Fact]
    public void Refcnt_is_the_kernels_name_and_refcount_its_alias()
    {
        var scenario = Bind(InScenario("  expect bitmap(A).refcnt == 1\n  expect bitmap(A).refcount == 1"));
        var reads = scenario.Statements.OfType<BoundExpectation>().Select(e => e.Conditions[0].Read.Property.Accessor).ToArray();
        Assert.Equal(["BitmapRefcount", "BitmapRefcount"], reads);
    }

    [Fact]
    public void Faults_reads_a_task_in_total_minor_or_major()
    {
        var scenario = Bind(InScenario("  expect faults(A) == 0\n  expect faults(A).minor == 0\n  expect faults(A).major == 0"));
        var reads = scenario.Statements.OfType<BoundExpectation>().Select(e => e.Conditions[0].Read.Property.Accessor).ToArray();
        Assert.Equal(["TaskFaults", "TaskMinorFaults", "TaskMajorFaults"], reads);
        Assert.Equal(["KSC0301"], Codes(InScenario("  expect faults(A).minr == 0")));
        Assert.Equal(["KSC0302"], Codes(InScenario("  expect faults(cpu0) == 0")));
    }
}
