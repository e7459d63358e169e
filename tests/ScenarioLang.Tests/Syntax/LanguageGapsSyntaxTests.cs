using ScenarioLang.Compiler.Syntax;
using ScenarioLang.Compiler.Text;

namespace ScenarioLang.Tests.Syntax;

/// <summary>The syntax of the gaps met writing scenarios from the mails: two subjects, alternative results, task groups.</summary>
public sealed class LanguageGapsSyntaxTests
{
    private static StatementSyntax[] Parse(string statements)
    {
        var tree = SyntaxTree.Parse(SourceText.From("scenario \"t\" {\n" + statements + "\n}"));
        Assert.Empty(tree.Diagnostics.Select(d => d.ToString()));
        return [.. Assert.Single(tree.Root.Scenarios).Statements];
    }

    private static ComparisonExpectationSyntax Comparison(string expectation) =>
        Assert.IsType<ComparisonExpectationSyntax>(Assert.Single(Assert.IsType<ExpectStatementSyntax>(Parse(expectation).Single()).Conditions));

    [Fact]
    public void A_subject_with_an_argument_or_field_on_the_right_is_a_subject()
    {
        var comparison = Comparison("expect tss(cpu0).prev_sequence == bitmap(A).sequence");
        var right = Assert.IsType<SubjectValueSyntax>(comparison.Value).Subject;
        Assert.Equal(("bitmap", "A", "sequence"), (right.Object.Text, right.Argument!.Text, right.Field!.Text));
        Assert.IsType<SubjectValueSyntax>(Comparison("expect machine.live_mms == machine.live_bitmaps").Value);
        Assert.IsType<SubjectValueSyntax>(Comparison("expect r0 == pgd(C)[V]").Value);
    }

    [Fact]
    public void A_bare_name_on_the_right_stays_a_name_for_the_binder_to_read()
    {
        Assert.Equal("valid-map", Assert.IsType<NameValueSyntax>(Comparison("expect tss(cpu0).io_bitmap_base == valid-map").Value).Name.Text);
        Assert.Equal("r1", Assert.IsType<NameValueSyntax>(Comparison("expect r0 == r1").Value).Name.Text);
    }

    [Fact]
    public void Results_joined_by_a_bar_are_alternatives_in_the_order_written()
    {
        var step = Assert.IsType<StepStatementSyntax>(Parse("cpu0 A: cli -> ok | #GP | 0").Single());
        var alternatives = Assert.IsType<AlternativeResultsSyntax>(step.Result).Alternatives;
        Assert.Collection(alternatives, r => Assert.IsType<OkResultSyntax>(r), r => Assert.IsType<FaultResultSyntax>(r), r => Assert.IsType<NumberResultSyntax>(r));
        Assert.Equal("cpu0 A: cli -> ok | #GP | 0", SyntaxPrinter.Print(step));
        Assert.IsType<OkResultSyntax>(Assert.IsType<StepStatementSyntax>(Parse("cpu0 A: cli -> ok").Single()).Result);
    }

    [Fact]
    public void Mmap_flags_still_join_with_a_bar_before_an_alternative_result()
    {
        var step = Assert.IsType<StepStatementSyntax>(Parse("cpu0 A: mmap(0, 2 MiB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_SHARED_PT, db, 0) -> 0x40000000 | ENOMEM").Single());
        var flags = Assert.IsType<FlagSetArgumentSyntax>(step.Action.Arguments[3]);
        Assert.Equal(["MAP_SHARED", "MAP_SHARED_PT"], flags.Names.Select(n => n.Text));
        Assert.Equal(2, Assert.IsType<AlternativeResultsSyntax>(step.Result).Alternatives.Length);
    }

    [Fact]
    public void A_trailing_bar_is_a_syntax_error_that_names_the_results()
    {
        var tree = SyntaxTree.Parse(SourceText.From("scenario \"t\" {\n  cpu0 A: cli -> ok |\n}"));
        var diagnostic = Assert.Single(tree.Diagnostics);
        Assert.Equal("KSC0001", diagnostic.Code);
        Assert.Contains("'ok', '#GP', '#PF', a number or a name", diagnostic.Message);
    }

    [Fact]
    public void A_task_group_and_for_each_become_their_nodes()
    {
        var s = Parse("task W[1000] user\nfor each W {\n  cpu0 switch W\n  cpu0 W: exec\n}");
        var group = Assert.IsType<TaskStatementSyntax>(s[0]);
        Assert.Equal(("W", 1000UL), (group.Name.Text, group.Members!.Value));
        Assert.Equal("task W[1000] user", SyntaxPrinter.Print(group));
        var forEach = Assert.IsType<ForEachStatementSyntax>(s[1]);
        Assert.Equal("W", forEach.Group.Text);
        Assert.Equal(2, forEach.Body.Length);
        Assert.Equal("for each W", SyntaxPrinter.Print(forEach));
        Assert.Null(Assert.IsType<TaskStatementSyntax>(Parse("task A root").Single()).Members);
    }
}
