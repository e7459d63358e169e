using System.Globalization;

namespace ScenarioLang.Cli.Server;

/// <summary>
/// Where the server of this kscn build listens: <c>$XDG_RUNTIME_DIR/kscn</c>, else <c>/tmp/kscn-UID</c>, a directory
/// of mode 0700, holding <c>server-BUILD.sock</c> and the lock its server holds, <c>server-BUILD.lock</c>. BUILD
/// fingerprints the kscn assemblies, so a rebuilt or reinstalled kscn never talks to the server of another build.
/// </summary>
internal sealed record ServerEndpoint(string Directory, string Build)
{
    private static readonly string[] BuildFiles = ["kscn.dll", "ScenarioLang.Compiler.dll", "ScenarioLang.Runtime.dll"];

    public string SocketPath => Path.Join(Directory, $"server-{Build}.sock");

    public string LockPath => Path.Join(Directory, $"server-{Build}.lock");

    /// <summary>This user's endpoint for the kscn in <see cref="AppContext.BaseDirectory"/>; null where there are no Unix sockets to use.</summary>
    public static ServerEndpoint? FromEnvironment()
    {
        if (OperatingSystem.IsWindows())
            return null;
        var directory = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } runtime
            ? Path.Join(runtime, "kscn")
            : Path.Join(Path.GetTempPath(), "kscn-" + PrivateDirectory.EffectiveUserId.ToString(CultureInfo.InvariantCulture));
        return new ServerEndpoint(directory, BuildOf(AppContext.BaseDirectory));
    }

    /// <summary>
    /// 16 hex digits hashing the sizes and write times of kscn's assemblies in <paramref name="baseDirectory"/> and the
    /// .NET version: cheap enough for every invocation (three stats, no hashing of contents, no crypto assembly).
    /// </summary>
    public static string BuildOf(string baseDirectory)
    {
        var hash = 14695981039346656037UL; // FNV-1a, 64 bits
        void Add(string text)
        {
            foreach (var c in text)
                hash = (hash ^ c) * 1099511628211UL;
        }
        foreach (var name in BuildFiles)
        {
            var file = new FileInfo(Path.Join(baseDirectory, name));
            Add(file.Exists ? $"{name}:{file.Length}:{file.LastWriteTimeUtc.Ticks};" : $"{name}:missing;");
        }
        Add(Environment.Version.ToString());
        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Why the directory is not the private one it must be, as the end of a sentence starting with its path; null when
    /// it is: a directory of this user (<see cref="PrivateDirectory"/>: another user's could hold their socket, which
    /// would answer for kscn) with mode 0700 exactly.
    /// </summary>
    public string? Problem()
    {
        if (OperatingSystem.IsWindows())
            return "is not used on Windows";
        if (PrivateDirectory.Problem(Directory) is { } problem)
            return problem;
        try
        {
            var mode = File.GetUnixFileMode(Directory);
            return mode == PrivateDirectory.OwnerOnly ? null : $"has mode {PrivateDirectory.Octal(mode)}, not 0700";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "cannot be examined: " + e.Message;
        }
    }

    public bool IsPrivate() => Problem() is null;

    /// <summary>Creates the directory with mode 0700 if it is missing; whether it is private then.</summary>
    public bool MakePrivate()
    {
        if (OperatingSystem.IsWindows())
            return false;
        try
        {
            PrivateDirectory.Create(Directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        return IsPrivate();
    }
}
