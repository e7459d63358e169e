using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScenarioLang.Cli.LanguageServer;

/// <summary>JSON-RPC 2.0 error codes (and LSP's own) the server answers with.</summary>
internal static class ErrorCodes
{
    public const int ParseError = -32700;
    public const int InvalidRequest = -32600;
    public const int MethodNotFound = -32601;
    public const int InvalidParams = -32602;
    public const int InternalError = -32603;
    public const int ServerNotInitialized = -32002;
    public const int RequestFailed = -32803;
    public const int RequestCancelled = -32800;
}

/// <summary>A message the server cannot read: its framing or JSON is bad. Answered with <see cref="ErrorCodes.ParseError"/>, then reading goes on.</summary>
internal sealed class BadMessageException(string message) : Exception(message);

/// <summary>
/// JSON-RPC 2.0 over a pair of streams with LSP's base protocol: each message is <c>Content-Length: N\r\n\r\n</c> (other
/// headers ignored) and N bytes of UTF-8 JSON. Reading is for one thread; writing is safe from any thread, one whole
/// message at a time.
/// </summary>
internal sealed class JsonRpcConnection(Stream input, Stream output)
{
    /// <summary>The largest message read: a 32 MiB source (the most kscn reads from one) escaped in JSON, with room to spare.</summary>
    private const int MaxContentLength = 256 << 20;

    private readonly Lock _writing = new();

    /// <summary>The next message, or null at the end of the input. A bad header or body throws <see cref="BadMessageException"/> after consuming it.</summary>
    public JsonObject? Read()
    {
        int? length = null;
        while (true)
        {
            var line = ReadHeaderLine();
            if (line is null)
                return null;
            if (line.Length == 0)
            {
                if (length is null)
                    throw new BadMessageException("a message without a Content-Length header");
                break;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (!int.TryParse(line[(colon + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > MaxContentLength)
                    throw new BadMessageException($"a bad Content-Length: '{line[(colon + 1)..].Trim()}'");
                length = n;
            }
        }
        var body = new byte[length.Value];
        input.ReadExactly(body);
        try
        {
            return JsonNode.Parse(body) as JsonObject ?? throw new BadMessageException("a message that is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new BadMessageException("a message that is not JSON: " + e.Message);
        }
    }

    /// <summary>A header line without its CR LF (ASCII), or null at the end of the input before the line's first byte.</summary>
    private string? ReadHeaderLine()
    {
        var line = new StringBuilder();
        while (true)
        {
            var b = input.ReadByte();
            if (b < 0)
                return line.Length == 0 ? null : throw new EndOfStreamException("the input ended inside a header");
            if (b == '\n')
                return line.ToString().TrimEnd('\r');
            if (line.Length > 4096)
                throw new BadMessageException("a header line longer than 4096 bytes");
            line.Append((char)b);
        }
    }

    public void Send(JsonObject message)
    {
        message["jsonrpc"] = "2.0";
        var body = Encoding.UTF8.GetBytes(message.ToJsonString());
        var header = Encoding.ASCII.GetBytes($"Content-Length: {body.Length.ToString(CultureInfo.InvariantCulture)}\r\n\r\n");
        lock (_writing)
        {
            output.Write(header);
            output.Write(body);
            output.Flush();
        }
    }

    public void Respond(JsonNode? id, JsonNode? result) => Send(new JsonObject { ["id"] = id?.DeepClone(), ["result"] = result });

    public void RespondError(JsonNode? id, int code, string message) =>
        Send(new JsonObject { ["id"] = id?.DeepClone(), ["error"] = new JsonObject { ["code"] = code, ["message"] = message } });

    public void Notify(string method, JsonNode? parameters) => Send(new JsonObject { ["method"] = method, ["params"] = parameters });
}
