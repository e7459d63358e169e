using System.Text;

namespace ScenarioLang.Cli;

/// <summary>The encoding Console.Out uses for a code page, as kscn writes its standard output itself.</summary>
internal static class ConsoleEncoding
{
    /// <summary>
    /// The code page's encoding without a byte order mark, which Console.Out never writes (a writer of our own would, at
    /// its first flush); null for one whose byte order mark is part of it (UTF-16, UTF-32).
    /// </summary>
    /// <exception cref="ArgumentException">No such code page.</exception>
    /// <exception cref="NotSupportedException">A code page .NET does not serve here.</exception>
    public static Encoding? Of(int codePage)
    {
        var encoding = codePage == Encoding.UTF8.CodePage ? new UTF8Encoding(false) : Encoding.GetEncoding(codePage);
        return encoding.Preamble.Length == 0 ? encoding : null;
    }
}
