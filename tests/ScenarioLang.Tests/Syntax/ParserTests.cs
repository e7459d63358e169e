using ScenarioLang.Compiler.Syntax;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Kernel;

namespace ScenarioLang.Tests.Syntax;

public sealed class ParserTests
{
    private static ImmutableStatements Parse(string statements)
    {
        var tree = SyntaxTree.Parse(SourceText.From("scenario \"t\" {\n" + statements + "\n}"));
        Assert.Empty(tree.Diagnostics);
        return new ImmutableStatements(Assert.Single(tree.Root.Scenarios).Statements.ToArray());
    }

    private sealed record ImmutableStatements(StatementSyntax[] Items);

    [Fact]
    public void Settings_and_tasks_become_their_nodes()
    {
        var s = Parse("kernel ioperm = v2-06-16\nmemory sc\ncpus 2\ntask A root\ntask B user").Items;
        Assert.Equal(("ioperm", "v2-06-16"), (((KernelStatementSyntax)s[0]).Mechanism.Text, ((KernelStatementSyntax)s[0]).Variants.Single().Text));
        Assert.Equal("sc", ((MemoryStatementSyntax)s[1]).Model.Text);
        Assert.Equal(2UL, ((CpusStatementSyntax)s[2]).Count.Value);
        Assert.Equal(PrivilegeKeyword.Root, ((TaskStatementSyntax)s[3]).Privilege);
        Assert.Equal(PrivilegeKeyword.User, ((TaskStatementSyntax)s[4]).Privilege);
    }

    [Fact]
    public void Variant_names_with_dots_and_hyphens_are_one_name()
    {
        var kernel = (KernelStatementSyntax)Parse("kernel ioperm = pre-5.5").Items[0];
        Assert.Equal("pre-5.5", kernel.Variants.Single().Text);
    }

    [Fact]
    public void A_syscall_step_keeps_arguments_and_result()
    {
        var step = (StepStatementSyntax)Parse("cpu1 A: ioperm(0x80, 8 KiB, off) -> EPERM").Items[0];
        Assert.Equal(1, step.Cpu.Index);
        var call = step.Action;
        Assert.Equal(("ioperm", CallForm.Parenthesized), (call.Name.Text, call.Form));
        var arguments = call.Arguments;
        Assert.Equal(0x80UL, ((NumberArgumentSyntax)arguments[0]).Number.Value);
        Assert.Equal(SizeUnit.KiB, ((NumberArgumentSyntax)arguments[1]).Number.Unit);
        Assert.False(((SwitchArgumentSyntax)arguments[2]).On);
        Assert.Equal("EPERM", Assert.IsType<NameResultSyntax>(step.Result).Name.Text);
    }

    [Theory]
    [InlineData("outb 0x3f8", 1)]
    [InlineData("store x = 1", 2)]
    [InlineData("load x", 1)]
    public void Instructions_take_their_operand_and_a_value_after_the_equals_sign(string action, int arguments)
    {
        var step = (StepStatementSyntax)Parse($"cpu0 A: {action} -> #GP").Items[0];
        Assert.Equal((CallForm.Operand, arguments), (step.Action.Form, step.Action.Arguments.Length));
        Assert.Equal(action, SyntaxPrinter.Print(step.Action));
        Assert.IsType<FaultResultSyntax>(step.Result);
    }

    [Theory]
    [InlineData("iopem(0x80, 1, on)")]
    [InlineData("frobnicate x = 1")]
    [InlineData("cli")]
    public void Any_name_parses_as_a_step_which_the_binder_checks_against_the_catalog(string action)
    {
        Assert.Equal(action, SyntaxPrinter.Print(((StepStatementSyntax)Parse($"cpu0 A: {action}").Items[0]).Action));
    }

    [Fact]
    public void Fork_without_parentheses_and_switch_to_idle()
    {
        var s = Parse("cpu0 A: fork -> C\ncpu0 switch idle").Items;
        var fork = (StepStatementSyntax)s[0];
        Assert.Equal(CallForm.Bare, fork.Action.Form);
        Assert.Equal("C", ((NameResultSyntax)fork.Result!).Name.Text);
        Assert.Null(((SwitchStatementSyntax)s[1]).Target);
    }

    [Fact]
    public void Expectations_parse_comparisons_and_identities()
    {
        var s = Parse("expect tss(cpu0).prev_max >= 8 KiB\nexpect bitmap(C) is not bitmap(A)\nexpect bitmap(B) is none").Items;
        var comparison = (ComparisonExpectationSyntax)((ExpectStatementSyntax)s[0]).Conditions.Single();
        Assert.Equal((ComparisonOperator.GreaterOrEqual, 0, "prev_max"), (comparison.Operator, comparison.Subject.Argument!.Cpu!.Value, comparison.Subject.Field!.Text));
        var identity = (IdentityExpectationSyntax)((ExpectStatementSyntax)s[1]).Conditions.Single();
        Assert.True(identity.Negated);
        Assert.Equal("A", identity.Right!.Argument!.Text);
        Assert.Null(((IdentityExpectationSyntax)((ExpectStatementSyntax)s[2]).Conditions.Single()).Right);
    }

    [Fact]
    public void Comments_are_ignored_and_strings_unescape()
    {
        var tree = SyntaxTree.Parse(SourceText.From("// x\nscenario \"say \\\"hi\\\"\" { /* block\n comment */ cpus 1 }"));
        Assert.Empty(tree.Diagnostics);
        Assert.Equal("say \"hi\"", tree.Root.Scenarios[0].Name);
    }

    [Fact]
    public void Printer_writes_the_canonical_form()
    {
        var s = Parse("cpu0   A :ioperm( 0x80,1 ,on )->0").Items[0];
        Assert.Equal("cpu0 A: ioperm(0x80, 1, on) -> 0", SyntaxPrinter.Print(s));
    }

    [Fact]
    public void A_file_keeps_its_name_size_and_file_system()
    {
        var s = Parse("file db = 1 GiB\nfile pages = 0x200000 hugetlbfs").Items;
        var db = Assert.IsType<FileStatementSyntax>(s[0]);
        Assert.Equal(("db", 1UL, SizeUnit.GiB), (db.Name.Text, db.Size.Value, db.Size.Unit));
        Assert.Null(db.FileSystem);
        var pages = Assert.IsType<FileStatementSyntax>(s[1]);
        Assert.Equal((0x200000UL, "hugetlbfs"), (pages.Size.Value, pages.FileSystem!.Text));
    }

    [Fact]
    public void Mmap_arguments_are_numbers_flag_sets_and_a_file_name()
    {
        var step = (StepStatementSyntax)Parse("cpu0 A: mmap(0x40000000, 1 GiB, PROT_READ | PROT_WRITE, MAP_SHARED|MAP_SHARED_PT, db, 0) -> 0x40000000").Items[0];
        var arguments = step.Action.Arguments;
        Assert.Equal("mmap", step.Action.Name.Text);
        Assert.Equal(6, arguments.Length);
        Assert.Equal(0x40000000UL, Assert.IsType<NumberArgumentSyntax>(arguments[0]).Number.Value);
        Assert.Equal(SizeUnit.GiB, Assert.IsType<NumberArgumentSyntax>(arguments[1]).Number.Unit);
        Assert.Equal(["PROT_READ", "PROT_WRITE"], Assert.IsType<FlagSetArgumentSyntax>(arguments[2]).Names.Select(n => n.Text));
        Assert.Equal(["MAP_SHARED", "MAP_SHARED_PT"], Assert.IsType<FlagSetArgumentSyntax>(arguments[3]).Names.Select(n => n.Text));
        Assert.Equal(["db"], Assert.IsType<FlagSetArgumentSyntax>(arguments[4]).Names.Select(n => n.Text));
        Assert.Equal(0x40000000UL, Assert.IsType<NumberResultSyntax>(step.Result).Number.Value);
    }

    [Fact]
    public void A_kernel_matrix_lists_its_variants_or_takes_every_one()
    {
        var s = Parse("kernel ioperm = pre-5.5, merged\nkernel pgd = *").Items;
        var listed = (KernelStatementSyntax)s[0];
        Assert.Equal(["pre-5.5", "merged"], listed.Variants.Select(v => v.Text));
        Assert.False(listed.Every);
        var every = (KernelStatementSyntax)s[1];
        Assert.True(every.Every);
        Assert.Empty(every.Variants);
        Assert.Equal(["kernel ioperm = pre-5.5, merged", "kernel pgd = *"], s.Select(SyntaxPrinter.Print));
    }

    [Fact]
    public void Minus_one_is_a_negative_argument_and_the_arrow_and_hyphenated_names_still_lex()
    {
        var s = Parse("kernel ioperm = v2-06-16\ncpu0 A: mmap(0x7f0000000000, 2 MiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)->0x7f0000000000").Items;
        Assert.Equal("v2-06-16", ((KernelStatementSyntax)s[0]).Variants.Single().Text);
        var step = (StepStatementSyntax)s[1];
        var file = Assert.IsType<NegativeArgumentSyntax>(step.Action.Arguments[4]);
        Assert.Equal(1UL, file.Magnitude.Value);
        Assert.Equal(0x7f0000000000UL, Assert.IsType<NumberResultSyntax>(step.Result).Number.Value);
    }

    [Fact]
    public void A_minus_outside_an_argument_is_a_syntax_error_not_a_stray_character()
    {
        var tree = SyntaxTree.Parse(SourceText.From("scenario \"t\" {\n  task A root\n  cpu0 A: outb -1\n}"));
        Assert.Equal("KSC0001", Assert.Single(tree.Diagnostics).Code);
    }

    // Found by the mutation fuzzer: a file cut off after "until" crashed the tree builder (no point token at all).
    [Theory]
    [InlineData("cpu0 A: fork until \n// the rest is lost")]
    [InlineData("cpu0 continue until")]
    public void An_until_cut_off_by_the_end_of_the_file_is_a_syntax_error(string statement)
    {
        var tree = SyntaxTree.Parse(SourceText.From("scenario \"t\" {\n  task A root\n  " + statement));
        Assert.All(tree.Diagnostics, d => Assert.Equal("KSC0001", d.Code));
        Assert.NotEmpty(tree.Diagnostics);
    }

    [Theory]
    [InlineData("munmap(0x40000000, 2 MiB)", "munmap", 2)]
    [InlineData("read(0x40000000)", "read", 1)]
    [InlineData("read(0x40000000, 4 MiB)", "read", 2)]
    [InlineData("write(0x40000000)", "write", 1)]
    public void Munmap_read_and_write_are_calls(string action, string name, int arguments)
    {
        var call = ((StepStatementSyntax)Parse($"cpu0 A: {action} -> ok").Items[0]).Action;
        Assert.Equal((name, CallForm.Parenthesized, arguments), (call.Name.Text, call.Form, call.Arguments.Length));
    }

    [Fact]
    public void Findings_are_conditions_of_their_own_and_hyphenated_keywords_win_over_names()
    {
        var s = Parse("expect leak ptshare_data\nexpect never use-after-free pte and double-free pmd and refcount-misuse mm_struct").Items;
        var leak = Assert.IsType<FindingExpectationSyntax>(Assert.Single(((ExpectStatementSyntax)s[0]).Conditions));
        Assert.Equal((FindingKeyword.Leak, "ptshare_data"), (leak.Kind, leak.ObjectKind.Text));
        var never = (ExpectStatementSyntax)s[1];
        Assert.Equal(QuantifierKeyword.Never, never.Quantifier);
        Assert.Equal([FindingKeyword.UseAfterFree, FindingKeyword.DoubleFree, FindingKeyword.RefcountMisuse], never.Conditions.Cast<FindingExpectationSyntax>().Select(f => f.Kind));
    }

    [Fact]
    public void A_subject_index_is_an_area_name_or_an_address()
    {
        var s = Parse("expect pgd(A)[V] is none\nexpect vma(A)[0x40000000].shared_pt == on").Items;
        var area = ((IdentityExpectationSyntax)((ExpectStatementSyntax)s[0]).Conditions.Single()).Left.Index!;
        Assert.Equal(("V", null), (area.Text, area.Address));
        var address = ((ComparisonExpectationSyntax)((ExpectStatementSyntax)s[1]).Conditions.Single()).Subject.Index!;
        Assert.Equal(0x40000000UL, address.Address!.Value);
    }

    [Fact]
    public void Printer_writes_the_new_constructs_in_canonical_form()
    {
        var s = Parse("file  db=1GiB hugetlbfs\ncpu0 A:mmap(0x40000000,1GiB,PROT_READ|PROT_WRITE,MAP_SHARED|MAP_SHARED_PT,db,0)until ptshare_publish->0x40000000\n"
            + "cpu0 A: mmap(0, 4 KiB, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, - 1, 0)\nexpect sometimes leak ptshare_data and use-after-free pte").Items;
        Assert.Equal("file db = 1 GiB hugetlbfs", SyntaxPrinter.Print(s[0]));
        Assert.Equal("cpu0 A: mmap(0x40000000, 1 GiB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_SHARED_PT, db, 0) until ptshare_publish -> 0x40000000", SyntaxPrinter.Print(s[1]));
        Assert.Equal("cpu0 A: mmap(0, 4 KiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)", SyntaxPrinter.Print(s[2]));
        Assert.Equal("expect sometimes leak ptshare_data and use-after-free pte", SyntaxPrinter.Print(s[3]));
    }
}
