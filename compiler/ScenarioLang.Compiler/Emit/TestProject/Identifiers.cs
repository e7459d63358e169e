using System.Text;

namespace ScenarioLang.Compiler.Emit.TestProject;

/// <summary>
/// C# identifiers made from file and scenario names for test classes and methods, unique in their scope (a namespace,
/// a class), so that <c>dotnet test</c> lists and filters them by names a reader recognises. Unique ignoring case too:
/// a class names its files, and MSBuild's items, like the file systems of Windows and macOS, ignore case. Never one of
/// the members every class inherits from object (a test named ToString would hide it, an error under warnings as
/// errors), and at most <see cref="CSharpLiteral.MaxIdentifier"/> characters before a numeric suffix.
/// </summary>
internal sealed class Identifiers(params string[] reserved)
{
    private static readonly string[] ObjectMembers = ["Equals", "Finalize", "GetHashCode", "GetType", "MemberwiseClone", "ReferenceEquals", "ToString"];

    private readonly HashSet<string> _taken = new(reserved.Concat(ObjectMembers), StringComparer.OrdinalIgnoreCase);

    /// <summary>"andy-stale-tss-bits" becomes AndyStaleTssBits.</summary>
    public string Pascal(string text) => Claim(string.Concat(Words(text).Select(w => char.ToUpperInvariant(w[0]) + w[1..])));

    /// <summary>"stale TSS bits [ioperm=merged]" becomes Stale_TSS_bits_ioperm_merged.</summary>
    public string Underscored(string text)
    {
        var joined = string.Join('_', Words(text));
        return Claim(joined.Length == 0 ? joined : char.ToUpperInvariant(joined[0]) + joined[1..]);
    }

    /// <summary>
    /// Takes <paramref name="candidate"/>, or the first of candidate2, candidate3… still free. A leading capital keeps it
    /// clear of C# keywords; a leading digit or an empty name gets an underscore.
    /// </summary>
    private string Claim(string candidate)
    {
        if (candidate.Length == 0 || char.IsAsciiDigit(candidate[0]))
            candidate = "_" + candidate;
        candidate = CSharpLiteral.Identifier(candidate);
        var name = candidate;
        for (var suffix = 2; !_taken.Add(name); suffix++)
            name = candidate + CSharpLiteral.Int(suffix);
        return name;
    }

    /// <summary>The runs of ASCII letters and digits; everything else separates words.</summary>
    private static IEnumerable<string> Words(string text)
    {
        var word = new StringBuilder();
        foreach (var c in text.Append(' '))
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                word.Append(c);
            }
            else if (word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }
        }
    }
}
