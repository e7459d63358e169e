namespace ScenarioLang.Cli;

/// <summary>
/// Whether each stream may be coloured without being asked: it is a terminal, NO_COLOR is empty or unset
/// (no-color.org: any non-empty value turns colour off) and CI is unset (a CI log is a file). Decided by the process
/// that owns the streams: the client, for an invocation the server runs.
/// </summary>
public sealed record Terminal(bool ColorsOut, bool ColorsError)
{
    public static Terminal None { get; } = new(false, false);

    /// <summary>Kept apart from TerminalColor: the server's client reads it, and loads nothing it does not need.</summary>
    public static Terminal OfProcess() => From(!Console.IsOutputRedirected, !Console.IsErrorRedirected, Environment.GetEnvironmentVariable);

    /// <summary>A terminal on stderr shows the live progress line, unless a CI log is being written.</summary>
    public static bool ShowsProgressOnStderr() => !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("CI") is null;

    public static Terminal From(bool outIsTerminal, bool errorIsTerminal, Func<string, string?> environment)
    {
        var allowed = string.IsNullOrEmpty(environment("NO_COLOR")) && environment("CI") is null;
        return new Terminal(allowed && outIsTerminal, allowed && errorIsTerminal);
    }
}
