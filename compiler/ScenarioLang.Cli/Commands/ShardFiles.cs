using System.Reflection;
using System.Security.Cryptography;
using ScenarioLang.Compiler;
using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Cli.Commands;

/// <summary>
/// kscn explore's shard files: --shard i/n --shard-output FILE writes what one shard found, --merge FILE... reads every
/// shard's file back and prints what the whole search prints (<see cref="ShardFile"/>, <see cref="ShardMerge"/>).
/// </summary>
internal static class ShardFiles
{
    /// <summary>Why the shard options cannot go together as given, or null.</summary>
    public static string? Refusal(ExploreShard? shard, string? output, string[]? merge, bool timeout) =>
        output is not null && shard is null ? "--shard-output needs --shard i/n: it writes one shard's part of the search"
        : merge is not null && shard is not null ? "--merge takes no --shard: it reads every shard's file and searches no part itself"
        : timeout && (output is not null || merge is not null)
            ? "--timeout cannot go with --shard-output or --merge: a timeout cuts each shard where its machine's speed leaves it, and no whole search stops there (a CI job's own time limit stops a shard that takes too long)"
        : null;

    /// <summary>What the shards of this command line search, and the merge of them must have searched.</summary>
    public static ShardIdentity Identity(string[] paths, string[]? variants, ExploreOptions options) => new(
        typeof(ShardFiles).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? throw new InvalidOperationException("kscn was built without a version"),
        $"runtime {typeof(ExploreOptions).Assembly.ManifestModule.ModuleVersionId}, compiler {typeof(Compilation).Assembly.ManifestModule.ModuleVersionId}",
        [.. paths.Select(p => new ShardSource(p, Hash(p)))],
        variants ?? [],
        ShardIdentity.SearchOf(options));

    /// <summary>
    /// The SHA-256 of a scenario file's bytes, up to what kscn would read of it; a file that cannot be read hashes to
    /// nothing, and the run that follows says why it cannot be read.
    /// </summary>
    private static string Hash(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 16];
            // UTF-8 takes at most 4 bytes a character.
            for (long left = SourceFiles.MaxSourceChars * 4L, read; left > 0 && (read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left))) > 0; left -= read)
                hash.AppendData(buffer, 0, (int)read);
            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>The merge of the shard files at <paramref name="paths"/>, or null with what is wrong in <paramref name="problem"/>.</summary>
    public static ShardMerge? Merge(string[] paths, ShardIdentity identity, out string problem)
    {
        var shards = new List<(string, ShardFile)>();
        foreach (var path in paths)
        {
            try
            {
                shards.Add((PrintableText.Escape(path), ShardFile.Read(ReadBytes(path))));
            }
            catch (Exception e) when (e is ShardFileException or IOException or UnauthorizedAccessException)
            {
                problem = $"cannot read '{PrintableText.Escape(path)}': {(Directory.Exists(path) ? "it is a directory" : e.Message)}";
                return null;
            }
        }
        try
        {
            problem = "";
            return ShardMerge.Combine(identity, shards);
        }
        catch (ShardFileException e)
        {
            problem = e.Message;
            return null;
        }
    }

    /// <summary>A file's bytes, or only its first ones when they do not start a shard file (/dev/zero never ends).</summary>
    private static byte[] ReadBytes(string path)
    {
        using var stream = File.OpenRead(path);
        var start = new byte[ShardFile.MagicLength];
        var read = stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        if (!ShardFile.Begins(start.AsSpan(0, read)))
            return start[..read];
        var rest = new MemoryStream();
        rest.Write(start);
        stream.CopyTo(rest);
        return rest.ToArray();
    }

    /// <summary>Writes the shard's file; exit 0 once it is written, whatever the shard saw: the verdict is the merge's.</summary>
    public static ExitCode Write(string path, ShardFile file, CliConsole console)
    {
        try
        {
            File.WriteAllBytes(path, file.ToBytes());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return console.Refuse($"--shard-output: cannot write '{path}': {e.Message}");
        }
        console.Error.Write($"kscn: wrote shard {file.Shard} to {path}: merge every shard's file with kscn explore --merge\n");
        return ExitCode.Success;
    }
}
