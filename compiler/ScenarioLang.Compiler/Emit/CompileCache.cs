using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using ScenarioLang.Runtime;

namespace ScenarioLang.Compiler.Emit;

/// <summary>
/// Compiled scenario assemblies kept on disk, so Roslyn never compiles the same generated C# twice. An entry's key
/// hashes the generated sources with what else decides the image: the builds of this compiler (its Roslyn options
/// and version are part of it) and of the runtime, and the .NET runtime the references come from. The generated
/// sources hold no path, only the file's name, so one file has one key however its path is typed.
/// <para>
/// An entry is never trusted blindly: it holds the key it was written under and a SHA-256 of its image, and is used
/// only when both match (a copy of another entry, or flipped bytes, do not). A bad entry is deleted, reported through
/// <see cref="Note"/> and compiled again. The hash finds damage, not forgery: whoever may write the directory could
/// write a matching entry, which is why kscn refuses a directory others may write to (kscn's CacheOption).
/// </para>
/// <para>
/// Safe with several kscn processes at once: an entry is written to a temporary file of its own and renamed into
/// place, so a reader sees a whole entry or none; readers touch what they use, and whoever adds an entry evicts the
/// least recently used ones past <see cref="MaxBytes"/>. The cache only saves time: when it cannot be read or
/// written, kscn compiles as if there were none.
/// </para>
/// </summary>
public sealed class CompileCache(string directory, long maxBytes)
{
    public const string DirectoryVariable = "KSCN_CACHE_DIR";
    public const string SizeVariable = "KSCN_CACHE_MAX_MB";
    private const long DefaultMaxBytes = 256L << 20;
    private const string Extension = ".kscnasm";
    private static readonly byte[] Magic = "KSCNASM2"u8.ToArray();
    private const int HashLength = 32;
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromHours(1);

    public string Directory { get; } = directory;

    public long MaxBytes { get; } = maxBytes;

    /// <summary>Told, in a line without its end, of each bad entry discarded.</summary>
    public Action<string>? Note { get; init; }

    /// <summary>
    /// <c>$KSCN_CACHE_DIR</c>, else <c>$XDG_CACHE_HOME/kscn</c>, else <c>~/.cache/kscn</c> (LocalApplicationData on
    /// Windows); bounded by <c>$KSCN_CACHE_MAX_MB</c> mebibytes (default 256). <paramref name="note"/> becomes its <see cref="Note"/>.
    /// </summary>
    public static CompileCache FromEnvironment(Action<string>? note = null)
    {
        var directory = Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } chosen
            ? chosen
            : Path.Combine(UserCacheRoot(), "kscn");
        var size = long.TryParse(Environment.GetEnvironmentVariable(SizeVariable), out var mebibytes) && mebibytes > 0
            ? mebibytes << 20
            : DefaultMaxBytes;
        return new CompileCache(directory, size) { Note = note };
    }

    private static string UserCacheRoot()
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            return Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
        return Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
    }

    /// <summary>The key of an assembly compiled from <paramref name="sources"/>: 64 hex digits.</summary>
    public static string KeyFor(IEnumerable<GeneratedSource> sources)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text) => hash.AppendData(Encoding.UTF8.GetBytes(text + "\0"));
        Add(typeof(CompileCache).Assembly.ManifestModule.ModuleVersionId.ToString());
        Add(typeof(ScenarioRun).Assembly.ManifestModule.ModuleVersionId.ToString());
        Add(RuntimeInformation.FrameworkDescription);
        foreach (var source in sources)
        {
            Add(source.HintName);
            Add(source.Text);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// The cached image of <paramref name="key"/>, or null when there is none, it cannot be read, or it is bad (then
    /// it is deleted, with a <see cref="Note"/>).
    /// </summary>
    public AssemblyImage? TryRead(string key)
    {
        var path = PathOf(key);
        try
        {
            var (image, problem) = Decode(File.ReadAllBytes(path), key);
            if (image is null)
            {
                File.Delete(path);
                Note?.Invoke($"discarded compile cache entry {path}: {problem}; compiling again");
            }
            else
            {
                File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
            }
            return image;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Adds an entry (replacing an equal one another process may have written meanwhile), then evicts.</summary>
    public void Write(string key, AssemblyImage image)
    {
        var temporary = Path.Combine(Directory, $"{key}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            if (OperatingSystem.IsWindows())
                System.IO.Directory.CreateDirectory(Directory);
            else
                System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.WriteAllBytes(temporary, Encode(key, image));
            File.Move(temporary, PathOf(key), overwrite: true);
            Evict();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
        }
    }

    private string PathOf(string key) => Path.Combine(Directory, key + Extension);

    /// <summary>Deletes the least recently used entries until the cache is within its bound, and abandoned temporary files.</summary>
    private void Evict()
    {
        var now = DateTime.UtcNow;
        var files = new DirectoryInfo(Directory).EnumerateFiles().ToList();
        foreach (var abandoned in files.Where(f => f.Extension == ".tmp" && now - f.LastWriteTimeUtc > AbandonedAfter))
            TryDelete(abandoned.FullName);
        var entries = files.Where(f => f.Extension == Extension).OrderBy(f => f.LastWriteTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal).ToList();
        var total = entries.Sum(f => f.Length);
        foreach (var oldest in entries.TakeWhile(_ => total > MaxBytes))
        {
            total -= oldest.Length;
            TryDelete(oldest.FullName);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another process may hold or have taken it; the next eviction tries again.
        }
    }

    // An entry: the magic, the key it was written under (UTF-8, after its length), the SHA-256 of the PE image and
    // the PDB as they follow, then the PE image and the PDB, each after its length (little-endian int32).
    private static byte[] Encode(string key, AssemblyImage image)
    {
        var keyBytes = Encoding.UTF8.GetBytes(key);
        var bytes = new byte[Magic.Length + 4 + keyBytes.Length + HashLength + 4 + image.Pe.Length + 4 + image.Pdb.Length];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        span = span[Magic.Length..];
        span = WritePart(span, keyBytes);
        var hashed = span;
        span = span[HashLength..];
        span = WritePart(span, image.Pe);
        WritePart(span, image.Pdb);
        SHA256.HashData(hashed[HashLength..], hashed);
        return bytes;
    }

    private static Span<byte> WritePart(Span<byte> span, byte[] part)
    {
        BinaryPrimitives.WriteInt32LittleEndian(span, part.Length);
        part.CopyTo(span[4..]);
        return span[(4 + part.Length)..];
    }

    /// <summary>The image in an entry's bytes, or why there is none: they are not a whole entry, or not the entry of <paramref name="key"/>.</summary>
    private static (AssemblyImage? Image, string Problem) Decode(ReadOnlySpan<byte> bytes, string key)
    {
        if (!bytes.StartsWith(Magic))
            return (null, "not an entry of this kscn");
        bytes = bytes[Magic.Length..];
        if (ReadPart(ref bytes) is not { } written || bytes.Length < HashLength)
            return (null, "cut short");
        if (!written.AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(key)))
            return (null, "it was written for other sources");
        var hash = bytes[..HashLength];
        bytes = bytes[HashLength..];
        if (!SHA256.HashData(bytes).AsSpan().SequenceEqual(hash))
            return (null, "its image does not match its hash");
        if (ReadPart(ref bytes) is not { } pe || ReadPart(ref bytes) is not { } pdb || !bytes.IsEmpty)
            return (null, "cut short");
        return (new AssemblyImage(pe, pdb), "");
    }

    /// <summary>A part after its length, or null when the bytes hold no whole part.</summary>
    private static byte[]? ReadPart(ref ReadOnlySpan<byte> bytes)
    {
        var length = bytes.Length < 4 ? -1 : BinaryPrimitives.ReadInt32LittleEndian(bytes);
        if (length < 0 || length > bytes.Length - 4)
            return null;
        var part = bytes.Slice(4, length).ToArray();
        bytes = bytes[(4 + length)..];
        return part;
    }
}
