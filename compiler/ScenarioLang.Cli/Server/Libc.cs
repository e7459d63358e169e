using System.Runtime.InteropServices;

namespace ScenarioLang.Cli.Server;

/// <summary>The two POSIX calls the server needs that .NET has no API for. DllImport, not LibraryImport: no unsafe code for two int-returning calls.</summary>
internal static class Libc
{
    /// <summary>The user the private socket directory under /tmp is named after.</summary>
    [DllImport("libc", EntryPoint = "geteuid")]
    public static extern uint GetEffectiveUserId();

    /// <summary>Makes the calling process the leader of a new session, away from the terminal and job that started it.</summary>
    [DllImport("libc", EntryPoint = "setsid")]
    public static extern int CreateSession();
}
