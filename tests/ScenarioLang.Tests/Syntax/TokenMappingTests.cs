using System.Collections.Immutable;
using ScenarioLang.Compiler.Binding;
using ScenarioLang.Compiler.Syntax;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Tests.Infrastructure;

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

    public static TheoryData<string> Steps => [.. StepExamples.All().Select(e => e.Example)];

    /// <summary>Steps are not tokens: each is a name, parsed in the one shape of a call and printed back as written.</summary>
    [Theory]
    [MemberData(nameof(Steps))]
    public void Every_step_of_the_catalog_parses_as_a_call_of_its_name(string example)
    {
        var step = Statements(StepExamples.Prelude + "  " + example).OfType<StepStatementSyntax>().Last();
        Assert.Equal(example, SyntaxPrinter.Print(step));
    }

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
        string[] spellings = ["leak", "use-after-free", "double-free", "refcount-misuse", "warn", "oops"];
        var parsed = spellings.Select(f => Statements($"  expect never {f} io_bitmap").OfType<ExpectStatementSyntax>().Single().Conditions.Single())
            .Cast<FindingExpectationSyntax>().Select(f => f.Kind);
        Assert.Equal(Enum.GetValues<FindingKeyword>(), parsed);
        Assert.Equal(Enum.GetValues<FindingKind>(), Enum.GetValues<FindingKeyword>().Select(Keywords.Finding));
        Assert.Equal(spellings, Enum.GetValues<FindingKeyword>().Select(SyntaxPrinter.FindingWord));
        Assert.Equal(Enum.GetValues<FindingKind>().Select(FindingPattern.Name), Enum.GetValues<FindingKeyword>().Select(SyntaxPrinter.FindingWord));
    }

    [Fact]
    public void Every_privilege_and_quantifier_keyword_means_one_runtime_value()
    {
        Assert.Equal(Enum.GetValues<Privilege>(), Enum.GetValues<PrivilegeKeyword>().Select(Keywords.Privilege));
        Assert.Equal(Enum.GetValues<Quantifier>(), Enum.GetValues<QuantifierKeyword>().Select(Keywords.Quantifier));
    }
}
