using System.Runtime.InteropServices;

namespace ScenarioLang.Cli.Server;

/// <summary>The POSIX call the server needs that .NET has no API for. DllImport, not LibraryImport: no unsafe code for an int-returning call.</summary>
internal static class Libc
{
    /// <summary>Makes the calling process the leader of a new session, away from the terminal and job that started it.</summary>
    [DllImport("libc", EntryPoint = "setsid")]
    public static extern int CreateSession();
}
