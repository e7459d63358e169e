using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ScenarioLang.Compiler.Emit;

/// <summary>
/// Text from a scenario enters the generated C# only through these methods: as string literals with
/// everything outside printable ASCII escaped (so no quote, backslash or Unicode line separator can
/// end the literal), as #line file names stripped of what could end the directive, and as identifiers of bounded length.
/// </summary>
internal static class CSharpLiteral
{
    /// <summary>
    /// The longest identifier made from a scenario's text: far below the 1,023 UTF-8 bytes metadata allows a name
    /// (CS7013), and short enough that a file named after it fits every file system.
    /// </summary>
    public const int MaxIdentifier = 128;

    /// <summary>
    /// <paramref name="name"/>, made of identifier characters already, at most <see cref="MaxIdentifier"/> long: a longer
    /// one keeps its start and ends in a hash of the whole, so names that differ only past the cut stay apart, and the
    /// same name is cut the same way in every run.
    /// </summary>
    public static string Identifier(string name)
    {
        const int hashDigits = 16;
        if (name.Length <= MaxIdentifier)
            return name;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..hashDigits];
        return name[..(MaxIdentifier - hashDigits - 1)] + "_" + hash;
    }

    public static string String(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case >= ' ' and <= '~':
                    builder.Append(c);
                    break;
                default:
                    builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
            }
        }
        return builder.Append('"').ToString();
    }

    /// <summary>The file name of a #line directive, which allows no escapes: quotes and line breaks become '_'.</summary>
    public static string LineFile(string path)
    {
        var chars = path.Select(c => c is '"' or '\u0085' or '\u2028' or '\u2029' || char.IsControl(c) ? '_' : c);
        return "\"" + new string(chars.ToArray()) + "\"";
    }

    public static string Hex(ulong value) => "0x" + value.ToString("X", CultureInfo.InvariantCulture) + "UL";

    public static string Hex(uint value) => "0x" + value.ToString("X", CultureInfo.InvariantCulture) + "U";

    /// <summary>Bits such as mmap's flags; never negative.</summary>
    public static string Hex(int value) => "0x" + value.ToString("X", CultureInfo.InvariantCulture);

    public static string Long(long value) => value.ToString(CultureInfo.InvariantCulture) + "L";

    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
