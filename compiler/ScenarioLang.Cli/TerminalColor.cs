using System.CommandLine;
using System.Text.RegularExpressions;

namespace ScenarioLang.Cli;

/// <summary>
/// The one place that decides colour: --color [always|never|auto] and --no-color on every verb, else what
/// <see cref="Terminal"/> allows. Commands write plain text; <see cref="ColoredWriter"/> colours it on the way out, so no
/// printing code has a coloured twin and, with colour off, the bytes are exactly the plain ones.
/// </summary>
internal static class TerminalColor
{
    public static readonly string[] Choices = ["always", "never", "auto"];

    public static Option<string?> ColorOption() => new("--color")
    {
        Description = "Colour verdicts, diagnostics and matrix cells: always (the default of a bare --color), never or auto (on a terminal, unless NO_COLOR or CI is set).",
        HelpName = "when",
        Arity = ArgumentArity.ZeroOrOne,
        Recursive = true,
        // A bare --color means always; an unknown value is refused with the choices.
        CustomParser = r => r.Tokens is [] ? "always" : r.Tokens[0].Value is var when && Choices.Contains(when) ? when
            : Refused(r, $"--color takes {string.Join(", ", Choices)}, not '{r.Tokens[0].Value}'"),
    };

    public static Option<bool> NoColorOption() => new("--no-color")
    {
        Description = "No colour, whatever the terminal (as NO_COLOR does).",
        Recursive = true,
    };

    /// <summary>Whether a stream that <paramref name="automatic"/> would colour is coloured, given the options.</summary>
    public static bool Decide(string? color, bool noColor, bool automatic) =>
        !noColor && color switch
        {
            "always" => true,
            "never" => false,
            "auto" or null => automatic,
            _ => throw new ArgumentOutOfRangeException(nameof(color), color, "not a --color choice"),
        };

    private static string? Refused(System.CommandLine.Parsing.ArgumentResult result, string message)
    {
        result.AddError(message);
        return null;
    }
}

/// <summary>
/// A writer that, once <see cref="Enabled"/>, colours what kscn prints by its fixed forms: the trace's [pass]/[FAIL]
/// marks ([known] as a pass, [XPASS] as a failure), PASS, FAIL, KNOWN FAILURE, UNEXPECTED PASS and INCONCLUSIVE
/// verdicts and matrix cells, kscn test's pass/known/FAIL/XPASS/inconclusive/error line starts,
/// "error KSCnnnn"/"warning KSCnnnn" of diagnostics and findings. Each write is coloured on its own (commands write
/// whole lines; the progress line's pieces match nothing), so nothing is held back. Disabled, it passes text through.
/// </summary>
internal sealed partial class ColoredWriter(TextWriter inner) : TextWriter
{
    private const string Reset = "\e[0m";

    public bool Enabled { get; set; }

    public override System.Text.Encoding Encoding => inner.Encoding;

    public override void Write(char value) => inner.Write(value);

    public override void Write(string? value) => inner.Write(Enabled && value is not null ? Colorize(value) : value);

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Flush() => inner.Flush();

    /// <summary>The text with ANSI SGR colours around each form it knows.</summary>
    public static string Colorize(string text) => Forms().Replace(text, m => Sgr(m) + m.Value + Reset);

    private static string Sgr(Match match) =>
        match.Groups["pass"].Success ? "\e[32m"
        : match.Groups["fail"].Success ? "\e[1;31m"
        : match.Groups["inconclusive"].Success ? "\e[33m"
        : match.Groups["warning"].Success ? "\e[1;33m"
        : match.Groups["finding"].Success ? "\e[35m"
        : throw new InvalidOperationException($"'{match.Value}' matched no group of the colour forms");

    [GeneratedRegex(@"(?<pass>\[pass\]|\[known\]|\bKNOWN FAILURE\b|\bPASS\b|^pass(?= )|^known(?= ))|(?<fail>\[FAIL\]|\[XPASS\]|\bUNEXPECTED PASS\b|\bFAIL\b|^FAIL(?= )|^XPASS(?= )|^error(?= )|\berror(?= KSC\d{4}:))|(?<inconclusive>\bINCONCLUSIVE\b|^inconclusive(?= ))|(?<warning>\bwarning(?= KSC\d{4}:))|(?<finding>\bfinding(?=: ))", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex Forms();
}
