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
        Assert.Equal(("ioperm", "v2-06-16"), (((KernelStatementSyntax)s[0]).Mechanism.Text, ((KernelStatementSyntax)s[0]).Variant.Text));
        Assert.Equal("sc", ((MemoryStatementSyntax)s[1]).Model.Text);
        Assert.Equal(2UL, ((CpusStatementSyntax)s[2]).Count.Value);
        Assert.Equal(Privilege.Root, ((TaskStatementSyntax)s[3]).Privilege);
        Assert.Equal(Privilege.User, ((TaskStatementSyntax)s[4]).Privilege);
    }

    [Fact]
    public void Variant_names_with_dots_and_hyphens_are_one_name()
    {
        var kernel = (KernelStatementSyntax)Parse("kernel ioperm = pre-5.5").Items[0];
        Assert.Equal("pre-5.5", kernel.Variant.Text);
    }

    [Fact]
    public void A_syscall_step_keeps_arguments_and_result()
    {
        var step = (StepStatementSyntax)Parse("cpu1 A: ioperm(0x80, 8 KiB, off) -> EPERM").Items[0];
        Assert.Equal(1, step.Cpu.Index);
        var call = Assert.IsType<SyscallActionSyntax>(step.Action);
        Assert.Equal(SyscallKind.Ioperm, call.Kind);
        var arguments = call.Arguments!.Value;
        Assert.Equal(0x80UL, ((NumberArgumentSyntax)arguments[0]).Number.Value);
        Assert.Equal(SizeUnit.KiB, ((NumberArgumentSyntax)arguments[1]).Number.Unit);
        Assert.False(((SwitchArgumentSyntax)arguments[2]).On);
        Assert.Equal("EPERM", Assert.IsType<NameResultSyntax>(step.Result).Name.Text);
    }

    [Theory]
    [InlineData("inb", 1)]
    [InlineData("inw", 2)]
    [InlineData("inl", 4)]
    [InlineData("outb", 1)]
    [InlineData("outw", 2)]
    [InlineData("outl", 4)]
    public void Port_instructions_carry_their_width(string mnemonic, int width)
    {
        var step = (StepStatementSyntax)Parse($"cpu0 A: {mnemonic} 0x3f8 -> #GP").Items[0];
        var port = Assert.IsType<PortActionSyntax>(step.Action);
        Assert.Equal((width, 0x3f8UL), (port.Width, port.Port.Value));
        Assert.IsType<FaultResultSyntax>(step.Result);
    }

    [Fact]
    public void Fork_without_parentheses_and_switch_to_idle()
    {
        var s = Parse("cpu0 A: fork -> C\ncpu0 switch idle").Items;
        var fork = (StepStatementSyntax)s[0];
        Assert.Null(((SyscallActionSyntax)fork.Action).Arguments);
        Assert.Equal("C", ((NameResultSyntax)fork.Result!).Name.Text);
        Assert.Null(((SwitchStatementSyntax)s[1]).Target);
    }

    [Fact]
    public void Expectations_parse_comparisons_and_identities()
    {
        var s = Parse("expect tss(cpu0).prev_max >= 8 KiB\nexpect bitmap(C) is not bitmap(A)\nexpect bitmap(B) is none").Items;
        var comparison = (ComparisonExpectationSyntax)((ExpectStatementSyntax)s[0]).Conditions.Single();
        Assert.Equal((Comparison.GreaterOrEqual, 0, "prev_max"), (comparison.Operator, comparison.Subject.Argument!.Cpu!.Value, comparison.Subject.Field!.Text));
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
}
