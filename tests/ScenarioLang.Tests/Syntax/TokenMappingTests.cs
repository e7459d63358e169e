using System.Collections.Immutable;
using ScenarioLang.Compiler.Binding;
using ScenarioLang.Compiler.Syntax;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime;

namespace ScenarioLang.Tests.Syntax;

/// <summary>
/// The tree builder maps tokens to enums with no catch-all arm, so each enum is walked here: every value has a spelling
/// that parses to it. A value added without its token, or a token mapped to the wrong value, fails.
/// </summary>
public sealed class TokenMappingTests
{
    private static ImmutableArray<StatementSyntax> Statements(string body)
    {
        var tree = SyntaxTree.Parse(SourceText.From("scenario \"t\" {\n  task A root\n" + body + "\n}\n", "t.kscn"));
        Assert.Empty(tree.Diagnostics);
        return tree.Root.Scenarios.Single().Statements;
    }

    private static ActionSyntax Action(string action) => Statements($"  cpu0 A: {action}").OfType<StepStatementSyntax>().Single().Action;

    public static TheoryData<SyscallKind> Syscalls => new(Enum.GetValues<SyscallKind>());

    [Theory]
    [MemberData(nameof(Syscalls))]
    public void Every_syscall_kind_is_the_syscall_of_its_name(SyscallKind kind) =>
        Assert.Equal(kind, Assert.IsType<SyscallActionSyntax>(Action(kind.ToString().ToLowerInvariant() + "()")).Kind);

    public static TheoryData<FlagsInstruction> FlagsInstructions => new(Enum.GetValues<FlagsInstruction>());

    [Theory]
    [MemberData(nameof(FlagsInstructions))]
    public void Every_flags_instruction_is_the_instruction_of_its_name(FlagsInstruction instruction) =>
        Assert.Equal(instruction, Assert.IsType<FlagsActionSyntax>(Action(instruction.ToString().ToLowerInvariant())).Instruction);

    [Theory]
    [InlineData("inb", 1)]
    [InlineData("outw", 2)]
    [InlineData("inl", 4)]
    [InlineData("outl", 4)]
    public void A_port_instruction_has_the_width_of_its_suffix(string mnemonic, int width) =>
        Assert.Equal(width, Assert.IsType<PortActionSyntax>(Action($"{mnemonic} 0x80")).Width);

    [Fact]
    public void Every_comparison_has_its_operator()
    {
        string[] operators = ["==", "!=", "<", "<=", ">", ">="];
        var parsed = operators.Select(o => Statements($"  expect tss(cpu0).io_bitmap_base {o} 0").OfType<ExpectStatementSyntax>().Single().Conditions.Single())
            .Cast<ComparisonExpectationSyntax>().Select(c => c.Operator);
        Assert.Equal(Enum.GetValues<ComparisonOperator>(), parsed);
        Assert.Equal(Enum.GetValues<Comparison>(), Enum.GetValues<ComparisonOperator>().Select(Keywords.Comparison));
    }

    [Fact]
    public void Every_finding_kind_has_its_spelling()
    {
        string[] spellings = ["leak", "use-after-free", "double-free", "refcount-misuse"];
        var parsed = spellings.Select(f => Statements($"  expect never {f} io_bitmap").OfType<ExpectStatementSyntax>().Single().Conditions.Single())
            .Cast<FindingExpectationSyntax>().Select(f => f.Kind);
        Assert.Equal(Enum.GetValues<FindingKeyword>(), parsed);
        Assert.Equal(Enum.GetValues<FindingKind>(), Enum.GetValues<FindingKeyword>().Select(Keywords.Finding));
        Assert.Equal(spellings, Enum.GetValues<FindingKeyword>().Select(SyntaxPrinter.FindingWord));
        Assert.Equal(Enum.GetValues<FindingKind>().Select(Finding.Name), Enum.GetValues<FindingKeyword>().Select(SyntaxPrinter.FindingWord));
    }

    [Fact]
    public void Every_privilege_and_quantifier_keyword_means_one_runtime_value()
    {
        Assert.Equal(Enum.GetValues<Privilege>(), Enum.GetValues<PrivilegeKeyword>().Select(Keywords.Privilege));
        Assert.Equal(Enum.GetValues<Quantifier>(), Enum.GetValues<QuantifierKeyword>().Select(Keywords.Quantifier));
    }
}
