using System.Globalization;
using System.Text;

namespace ScenarioLang.Compiler.Emit;

/// <summary>
/// Text from a scenario enters the generated C# only through these methods: as string literals with
/// everything outside printable ASCII escaped (so no quote, backslash or Unicode line separator can
/// end the literal), and as #line file names stripped of what could end the directive.
/// </summary>
internal static class CSharpLiteral
{
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
