using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using ScenarioLang.Cli;
using ScenarioLang.Cli.Commands;
using ScenarioLang.Cli.Server;
using ScenarioLang.Compiler.Emit;
using ScenarioLang.Tests.Infrastructure;

namespace ScenarioLang.Tests.Cli;

/// <summary>
/// The compile cache and the server's socket directory are used only when they are the user's alone (issue 17): another
/// user's directory, or one others may write to, could hold an assembly kscn would load or a socket answering for it.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class PrivateDirectoryTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private readonly TemporaryDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static (CompileCache? Cache, string Error) Trusted(string directory)
    {
        var stderr = new StringWriter { NewLine = "\n" };
        var cache = CacheOption.Trusted(new CompileCache(directory, 1 << 20), new CliConsole(TextWriter.Null, stderr));
        return (cache, stderr.ToString());
    }

    /// <summary>
    /// A directory of mode 0700 owned by someone else: as root (containers), a new one given to nobody (65534) with
    /// chown(1), for .NET has no chown; as anyone else, the root directory.
    /// </summary>
    private string DirectoryOfAnotherUser()
    {
        if (PrivateDirectory.EffectiveUserId != 0)
            return "/";
        var directory = _temp.Combine("theirs");
        Directory.CreateDirectory(directory, OwnerOnly);
        var chown = ChildProcess.Run(_temp.Path, "chown", ["65534", directory], TimeSpan.FromMinutes(1));
        Assert.True(chown.ExitCode == 0, chown.Output);
        return directory;
    }

    [Fact]
    public void A_missing_cache_directory_is_made_with_mode_0700()
    {
        var directory = _temp.Combine("made/cache");
        var (cache, error) = Trusted(directory);
        Assert.NotNull(cache);
        Assert.Equal("", error);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(directory));
    }

    [Theory]
    [InlineData(UnixFileMode.GroupWrite, "group", "0720")]
    [InlineData(UnixFileMode.OtherWrite, "others", "0702")]
    [InlineData(UnixFileMode.GroupWrite | UnixFileMode.OtherWrite | UnixFileMode.StickyBit, "group and others", "01722")]
    public void A_cache_directory_others_may_write_to_is_not_used_and_kscn_says_why(UnixFileMode loose, string who, string octal)
    {
        var directory = _temp.Combine("cache");
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, OwnerOnly | loose);
        var (cache, error) = Trusted(directory);
        Assert.Null(cache);
        Assert.Equal($"kscn: not using the compile cache: {directory} is writable by {who} (mode {octal}); 'chmod 700' it if it is yours\n", error);
    }

    [Fact]
    public void A_cache_directory_of_another_user_is_not_used_and_kscn_says_why()
    {
        var directory = DirectoryOfAnotherUser();
        var (cache, error) = Trusted(directory);
        Assert.Null(cache);
        Assert.Matches($"^kscn: not using the compile cache: {Regex.Escape(directory)} is owned by uid [0-9]+, not by you \\(uid {PrivateDirectory.EffectiveUserId}\\)\n$", error);
    }

    [Fact]
    public void A_server_directory_of_another_user_or_open_to_others_is_not_private()
    {
        var theirs = new ServerEndpoint(DirectoryOfAnotherUser(), "test");
        Assert.False(theirs.IsPrivate());
        Assert.StartsWith("is owned by uid ", theirs.Problem(), StringComparison.Ordinal);

        var loose = new ServerEndpoint(_temp.Combine("server"), "test");
        Assert.True(loose.MakePrivate());
        File.SetUnixFileMode(loose.Directory, OwnerOnly | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);
        Assert.Equal("is writable by others (mode 0703); 'chmod 700' it if it is yours", loose.Problem());
        File.SetUnixFileMode(loose.Directory, OwnerOnly | UnixFileMode.GroupRead);
        Assert.Equal("has mode 0740, not 0700", loose.Problem());
    }
}
