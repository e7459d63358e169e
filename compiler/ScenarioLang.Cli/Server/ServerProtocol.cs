using System.Buffers.Binary;
using System.Text;

namespace ScenarioLang.Cli.Server;

/// <summary>What a frame carries. A client sends one request frame; the server answers with frames until it closes.</summary>
internal enum FrameKind : byte
{
    /// <summary>Client: run this invocation (a <see cref="ServerRequest"/>).</summary>
    Run = 1,
    /// <summary>Client: say who you are. Server: its status line.</summary>
    Status = 2,
    /// <summary>Client: stop once the request running, if any, has ended. Server: the pid that will exit.</summary>
    Stop = 3,
    /// <summary>Server: another request is running; the client runs in-process rather than wait behind it.</summary>
    Busy = 4,
    /// <summary>Server: the request is taken; output follows.</summary>
    Accepted = 5,
    /// <summary>Server: bytes the invocation wrote to stdout, as it wrote them.</summary>
    Stdout = 6,
    /// <summary>Server: bytes written to stderr.</summary>
    Stderr = 7,
    /// <summary>Server: the exit code, four bytes; the last frame of a run.</summary>
    Exit = 8,
}

/// <summary>
/// The wire format between a kscn client and <c>kscn server</c>: frames of a kind byte, a little-endian 32-bit length
/// and that many bytes. Anything that does not parse is a <see cref="ProtocolException"/>, on which the client runs
/// in-process: the server only saves time.
/// </summary>
internal static class ServerProtocol
{
    /// <summary>Larger than any request or output chunk either side writes; a longer frame is garbage.</summary>
    public const int MaxFrame = 1 << 20;

    /// <summary>What the server writes as one frame at most: long output streams as several.</summary>
    public const int OutputChunk = 1 << 16;

    public const string ServerVariable = "KSCN_SERVER";

    /// <summary>
    /// The environment variables an invocation reads, which the server sets to the client's values for the request
    /// (unset when the client has none) and restores after: the compile cache's (<c>CompileCache.FromEnvironment</c>:
    /// KSCN_CACHE_DIR, KSCN_CACHE_MAX_MB, XDG_CACHE_HOME, and HOME behind the user profile folder), KSCN_TIMINGS
    /// (<c>PhaseTimings</c>), KSCN_STACK (an internal error's stack trace) and TMPDIR (temporary files). CI only decides
    /// the progress line, which the client decides.
    /// </summary>
    public static readonly string[] ForwardedVariables = ["KSCN_CACHE_DIR", "KSCN_CACHE_MAX_MB", "KSCN_TIMINGS", "KSCN_STACK", "XDG_CACHE_HOME", "HOME", "TMPDIR"];

    /// <summary>
    /// Whether the server may take an invocation: not with KSCN_SERVER=0, not <c>kscn server …</c> itself, and not
    /// <c>check --stdin-path</c>, whose input is the client's standard input, nor <c>kscn lsp</c>, a long-lived process that talks over it.
    /// </summary>
    public static bool Takes(string[] args, string? serverVariable) =>
        serverVariable != "0"
        && args is not ["server" or "lsp", ..]
        && !Array.Exists(args, a => a.StartsWith("--stdin-path", StringComparison.Ordinal));

    public static void Write(Stream stream, FrameKind kind, ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[5];
        header[0] = (byte)kind;
        BinaryPrimitives.WriteInt32LittleEndian(header[1..], payload.Length);
        // One write per frame, so frames written by different threads never interleave.
        var frame = new byte[header.Length + payload.Length];
        header.CopyTo(frame);
        payload.CopyTo(frame.AsSpan(header.Length));
        stream.Write(frame);
    }

    /// <summary>The next frame, or null at a clean end of the stream (before a frame's first byte).</summary>
    public static (FrameKind Kind, byte[] Payload)? Read(Stream stream)
    {
        var header = new byte[5];
        var first = stream.Read(header, 0, 1);
        if (first == 0)
            return null;
        ReadExactly(stream, header.AsSpan(1));
        var kind = (FrameKind)header[0];
        var length = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(1));
        if (!Enum.IsDefined(kind) || length is < 0 or > MaxFrame)
            throw new ProtocolException($"a frame of kind {header[0]} and {length} bytes");
        var payload = new byte[length];
        ReadExactly(stream, payload);
        return (kind, payload);
    }

    public static int ReadExit(byte[] payload) =>
        payload.Length == 4 ? BinaryPrimitives.ReadInt32LittleEndian(payload) : throw new ProtocolException("an exit frame without its code");

    public static byte[] ExitPayload(int code)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(payload, code);
        return payload;
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException)
        {
            throw new ProtocolException("the connection ended inside a frame");
        }
    }
}

/// <summary>
/// One invocation as the client sees it: its arguments and current directory, the <see cref="ServerProtocol.ForwardedVariables"/>
/// (null: unset), whether stderr shows a live progress line, which streams may be coloured, and the code page of its console, which the server encodes
/// output in as Console.Out would.
/// </summary>
internal sealed record ServerRequest(string[] Args, string Directory, IReadOnlyDictionary<string, string?> Environment, bool ProgressOnStderr, Terminal Terminal, int CodePage)
{
    private const string Magic = "kscn-request-2";

    public static ServerRequest FromProcess(string[] args, bool progressOnStderr, Terminal terminal, int codePage)
    {
        // No LINQ here or anywhere on the client's path: every assembly it loads is start-up time.
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in ServerProtocol.ForwardedVariables)
            environment[name] = System.Environment.GetEnvironmentVariable(name);
        return new ServerRequest(args, System.Environment.CurrentDirectory, environment, progressOnStderr, terminal, codePage);
    }

    public byte[] Serialize()
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8))
        {
            writer.Write(Magic);
            writer.Write(Args.Length);
            foreach (var arg in Args)
                writer.Write(arg);
            writer.Write(Directory);
            writer.Write(Environment.Count);
            foreach (var (name, value) in Environment)
            {
                writer.Write(name);
                writer.Write(value is not null);
                writer.Write(value ?? "");
            }
            writer.Write(ProgressOnStderr);
            writer.Write(Terminal.ColorsOut);
            writer.Write(Terminal.ColorsError);
            writer.Write(CodePage);
        }
        return buffer.ToArray();
    }

    public static ServerRequest Deserialize(byte[] payload)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
            if (reader.ReadString() != Magic)
                throw new ProtocolException("a request of another version");
            var args = new string[Count(reader, payload)];
            for (var i = 0; i < args.Length; i++)
                args[i] = reader.ReadString();
            var directory = reader.ReadString();
            var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
            for (var count = Count(reader, payload); count > 0; count--)
            {
                var name = reader.ReadString();
                var set = reader.ReadBoolean();
                var value = reader.ReadString();
                // Only the variables an invocation reads: a request never changes the rest of the server's environment.
                if (!ServerProtocol.ForwardedVariables.Contains(name))
                    throw new ProtocolException($"a request setting {name}");
                environment[name] = set ? value : null;
            }
            var request = new ServerRequest(args, directory, environment, reader.ReadBoolean(), new Terminal(reader.ReadBoolean(), reader.ReadBoolean()), reader.ReadInt32());
            return reader.BaseStream.Position == payload.Length ? request : throw new ProtocolException("bytes after a request");
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException)
        {
            throw new ProtocolException("a garbled request: " + e.Message);
        }
    }

    private static int Count(BinaryReader reader, byte[] payload)
    {
        var count = reader.ReadInt32();
        return count >= 0 && count <= payload.Length ? count : throw new ProtocolException($"a count of {count}");
    }
}

/// <summary>The other side did not speak the protocol, or stopped in the middle of a frame.</summary>
internal sealed class ProtocolException(string message) : Exception(message);
