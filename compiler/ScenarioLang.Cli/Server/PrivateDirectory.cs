using System.Globalization;
using System.Runtime.InteropServices;

namespace ScenarioLang.Cli.Server;

/// <summary>
/// Whether a directory kscn loads code from (the compile cache) or talks through (the server's socket) is the user's
/// alone, checked as ssh checks a key file: owned by the user running kscn and writable by nobody else. Anyone else
/// who could write there could plant an assembly kscn would run, or a socket that answers in kscn's place. Here, not
/// in the compiler, because the server's client checks it too and loads nothing of the compiler.
/// <para>
/// The owner is read with statx(2), so on Linux; other Unix systems check the mode only. Windows is not checked: the
/// default places (LocalApplicationData, no server) are per-user there.
/// </para>
/// </summary>
internal static class PrivateDirectory
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The user kscn runs as: the owner its private directories must have.</summary>
    public static uint EffectiveUserId => GetEffectiveUserId();

    /// <summary>
    /// Why <paramref name="directory"/> (which exists) cannot be trusted, as the end of a sentence starting with its
    /// path ("is owned by uid 1001, not by you (uid 1000)"); null when it can.
    /// </summary>
    public static string? Problem(string directory)
    {
        if (OperatingSystem.IsWindows())
            return null;
        UnixFileMode mode;
        try
        {
            if (!Directory.Exists(directory))
                return "is not a directory";
            mode = File.GetUnixFileMode(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "cannot be examined: " + e.Message;
        }
        if (OwnerOf(directory) is { } owner && owner != EffectiveUserId)
            return $"is owned by uid {owner.ToString(CultureInfo.InvariantCulture)}, not by you (uid {EffectiveUserId.ToString(CultureInfo.InvariantCulture)})";
        var loose = (mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) switch
        {
            UnixFileMode.GroupWrite => "group",
            UnixFileMode.OtherWrite => "others",
            0 => null,
            _ => "group and others",
        };
        return loose is null ? null : $"is writable by {loose} (mode {Octal(mode)}); 'chmod 700' it if it is yours";
    }

    /// <summary>Creates <paramref name="directory"/> with mode 0700 when it is missing (an existing one keeps its mode).</summary>
    public static void Create(string directory)
    {
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(directory);
        else
            Directory.CreateDirectory(directory, OwnerOnly);
    }

    public static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0xfff, 8);

    /// <summary>The directory's owner, or null where it cannot be read (not Linux, or statx refused, as some sandboxes do).</summary>
    private static uint? OwnerOf(string path)
    {
        if (!OperatingSystem.IsLinux())
            return null;
        // struct statx is the same on every Linux architecture: stx_uid is the u32 at offset 20.
        var buffer = new byte[256];
        try
        {
            return Statx(AtFdCwd, path, 0, StatxUid, buffer) == 0 ? BitConverter.ToUInt32(buffer, 20) : null;
        }
        catch (EntryPointNotFoundException)
        {
            return null; // a libc older than statx (glibc 2.28)
        }
    }

    private const int AtFdCwd = -100;
    private const uint StatxUid = 0x8;

    [DllImport("libc", EntryPoint = "statx")]
    private static extern int Statx(int directoryFd, string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEffectiveUserId();
}
