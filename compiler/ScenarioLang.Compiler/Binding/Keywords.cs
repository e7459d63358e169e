using System.Diagnostics;
using ScenarioLang.Compiler.Syntax;
using ScenarioLang.Runtime;

namespace ScenarioLang.Compiler.Binding;

/// <summary>What the language's words mean to the runtime: the one place the syntax's keywords meet its types.</summary>
internal static class Keywords
{
    public static Privilege Privilege(PrivilegeKeyword keyword) => keyword switch
    {
        PrivilegeKeyword.Root => Runtime.Privilege.Root,
        PrivilegeKeyword.User => Runtime.Privilege.User,
        _ => throw new UnreachableException($"privilege keyword {keyword}"),
    };

    public static Quantifier Quantifier(QuantifierKeyword keyword) => keyword switch
    {
        QuantifierKeyword.Always => Runtime.Quantifier.Always,
        QuantifierKeyword.Never => Runtime.Quantifier.Never,
        QuantifierKeyword.Sometimes => Runtime.Quantifier.Sometimes,
        _ => throw new UnreachableException($"quantifier keyword {keyword}"),
    };

    public static Comparison Comparison(ComparisonOperator op) => op switch
    {
        ComparisonOperator.Equal => Runtime.Comparison.Equal,
        ComparisonOperator.NotEqual => Runtime.Comparison.NotEqual,
        ComparisonOperator.Less => Runtime.Comparison.Less,
        ComparisonOperator.LessOrEqual => Runtime.Comparison.LessOrEqual,
        ComparisonOperator.Greater => Runtime.Comparison.Greater,
        ComparisonOperator.GreaterOrEqual => Runtime.Comparison.GreaterOrEqual,
        _ => throw new UnreachableException($"comparison operator {op}"),
    };

    public static FindingKind Finding(FindingKeyword keyword) => keyword switch
    {
        FindingKeyword.Leak => FindingKind.Leak,
        FindingKeyword.UseAfterFree => FindingKind.UseAfterFree,
        FindingKeyword.DoubleFree => FindingKind.DoubleFree,
        FindingKeyword.RefcountMisuse => FindingKind.RefcountMisuse,
        FindingKeyword.Warn => FindingKind.Warn,
        FindingKeyword.Oops => FindingKind.Oops,
        _ => throw new UnreachableException($"finding keyword {keyword}"),
    };
}
