using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml;

namespace ScenarioLang.Cli.Results;

/// <summary>What both result formats need of XML: a writer with fixed settings, text it accepts, invariant numbers, stable ids.</summary>
internal static class XmlText
{
    public static XmlWriter CreateWriter(Stream stream) => XmlWriter.Create(stream, new XmlWriterSettings
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = true,
        IndentChars = "  ",
        NewLineChars = "\n",
    });

    /// <summary>
    /// The text with every character XML 1.0 cannot carry (control characters, a lone surrogate) written as \uXXXX:
    /// a scenario's name or trace must not make the file unreadable. The writer escapes &lt;, &amp; and quotes itself.
    /// </summary>
    public static string Clean(string text)
    {
        if (text.All(XmlConvert.IsXmlChar))
            return text;
        var clean = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            if (XmlConvert.IsXmlChar(text[i]))
                clean.Append(text[i]);
            else if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]))
                clean.Append(text[i]).Append(text[++i]);
            else
                clean.Append(CultureInfo.InvariantCulture, $"\\u{(int)text[i]:X4}");
        }
        return clean.ToString();
    }

    public static void Attribute(this XmlWriter xml, string name, string value) => xml.WriteAttributeString(name, Clean(value));

    public static void Attribute(this XmlWriter xml, string name, int value) => xml.WriteAttributeString(name, value.ToString(CultureInfo.InvariantCulture));

    public static void Text(this XmlWriter xml, string name, string value) => xml.WriteElementString(name, Clean(value));

    /// <summary>Seconds with three decimals, as JUnit readers expect.</summary>
    public static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>The same id for the same text on every run and machine, so that only the times differ between two files.</summary>
    public static Guid IdOf(string text) => new(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 16));
}
