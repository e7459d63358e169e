using System.Text;
using System.Text.Json.Nodes;
using ScenarioLang.Cli.LanguageServer;
using ScenarioLang.Cli.Server;

namespace ScenarioLang.Tests.Cli;

/// <summary>
/// kscn lsp's protocol in-process, on streams of whole conversations: framing, the order of answers, the errors a bad
/// message gets, and the exit code. Only requests are asserted (answered in order on the reading thread); the timed
/// diagnostics and kscn/run are tested by npm test against the real process.
/// </summary>
public sealed class LspCommandTests
{
    private static string Frame(string json) => $"Content-Length: {Encoding.UTF8.GetByteCount(json)}\r\n\r\n{json}";

    private static string Request(int id, string method, string parameters = "{}") => Frame($$"""{"jsonrpc":"2.0","id":{{id}},"method":"{{method}}","params":{{parameters}}}""");

    private static string Notification(string method, string parameters) => Frame($$"""{"jsonrpc":"2.0","method":"{{method}}","params":{{parameters}}}""");

    private static readonly string Initialize = Request(0, "initialize", """{"processId":null,"rootUri":null,"capabilities":{}}""");

    /// <summary>Runs the server on <paramref name="conversation"/>; its exit code, the messages it wrote, and its log.</summary>
    private static (int Exit, List<JsonObject> Messages, string Log) Serve(string conversation)
    {
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(conversation));
        using var output = new MemoryStream();
        var log = new StringWriter();
        var exit = new KscnLanguageServer(input, output, log, cache: null, docsUri: "file:///docs/language.md").Run();
        var text = Encoding.UTF8.GetString(output.ToArray());
        var messages = new List<JsonObject>();
        while (text.Length > 0)
        {
            var header = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var length = int.Parse(text["Content-Length: ".Length..header], System.Globalization.CultureInfo.InvariantCulture);
            var body = Encoding.UTF8.GetBytes(text[(header + 4)..]);
            messages.Add((JsonObject)JsonNode.Parse(body.AsSpan(0, length))!);
            text = Encoding.UTF8.GetString(body.AsSpan(length));
        }
        return (exit, messages.Where(m => m["method"] is null).ToList(), log.ToString());
    }

    private const string Uri = "file:///tmp/t.kscn";

    private static string Open(string text) =>
        Notification("textDocument/didOpen", new JsonObject { ["textDocument"] = new JsonObject { ["uri"] = Uri, ["languageId"] = "kscn", ["version"] = 1, ["text"] = text } }.ToJsonString());

    [Fact]
    public void Requests_are_answered_in_order_and_exit_after_shutdown_is_0()
    {
        var (exit, messages, log) = Serve(Initialize + Notification("initialized", "{}") + Open("scenario \"s\" {\n  task A root\n  cpu0 A: ioperm(0x80, 1, on) -> 0\n}\n")
            + Request(1, "textDocument/hover", $$$"""{"textDocument":{"uri":"{{{Uri}}}"},"position":{"line":2,"character":11}}""")
            + Request(2, "textDocument/documentSymbol", $$$"""{"textDocument":{"uri":"{{{Uri}}}"}}""")
            + Request(3, "shutdown") + Notification("exit", "{}"));
        Assert.Equal(0, exit);
        Assert.Equal("", log);
        Assert.Equal([0, 1, 2, 3], messages.Select(m => (int)m["id"]!));
        Assert.Equal("kscn", (string?)messages[0]["result"]!["serverInfo"]!["name"]);
        Assert.Contains("ksys_ioperm", (string?)messages[1]["result"]!["contents"]!["value"]);
        Assert.Equal("s", (string?)messages[2]["result"]![0]!["name"]);
        Assert.Null(messages[3]["result"]);
    }

    [Fact]
    public void Exit_without_shutdown_is_1_and_the_end_of_the_input_ends_the_server()
    {
        Assert.Equal(1, Serve(Initialize + Notification("exit", "{}")).Exit);
        Assert.Equal(1, Serve(Initialize).Exit);
    }

    [Fact]
    public void A_bad_message_is_logged_and_answered_and_the_next_one_is_served()
    {
        var (exit, messages, log) = Serve(Initialize + Frame("{not json") + "Content-Type: x\r\n\r\n" + Request(7, "kscn/nothing")
            + Request(8, "textDocument/hover", """{"textDocument":{"uri":"file:///not-open.kscn"},"position":{"line":0,"character":0}}""")
            + Request(9, "textDocument/hover", "{}")
            + Request(10, "shutdown") + Notification("exit", "{}"));
        Assert.Equal(0, exit);
        Assert.Equal([ErrorCodes.ParseError, ErrorCodes.ParseError, ErrorCodes.MethodNotFound, ErrorCodes.InvalidParams, ErrorCodes.InvalidParams],
            messages.Where(m => m["error"] is not null).Select(m => (int)m["error"]!["code"]!));
        Assert.Null(messages[1]["id"]);
        Assert.Equal(10, (int)messages[^1]["id"]!);
        Assert.Contains("kscn lsp: bad message: a message that is not JSON", log);
        Assert.Contains("kscn lsp: textDocument/hover: a document that is not open: file:///not-open.kscn", log);
    }

    [Fact]
    public void A_request_before_initialize_is_refused()
    {
        var (_, messages, _) = Serve(Request(1, "textDocument/hover", "{}") + Initialize);
        Assert.Equal(ErrorCodes.ServerNotInitialized, (int)messages[0]["error"]!["code"]!);
        Assert.NotNull(messages[1]["result"]);
    }

    [Fact]
    public void Incremental_changes_apply_in_utf16_units_across_crlf_lines()
    {
        var document = new OpenDocument(Uri, "a\r\n\U0001D538b\rc\n", 1);
        document.Change(JsonNode.Parse("""[{"range":{"start":{"line":1,"character":2},"end":{"line":2,"character":0}},"text":"X"},{"range":{"start":{"line":0,"character":1},"end":{"line":0,"character":9}},"text":"Y"}]""")!.AsArray(), 2);
        Assert.Equal("aY\r\n\U0001D538Xc\n", document.Text);
        var lines = new LineMap(document.Text);
        Assert.Equal(new LspPosition(1, 3), lines.PositionOf(document.Text.IndexOf('c', StringComparison.Ordinal)));
        Assert.Equal(document.Text.Length, lines.OffsetOf(new LspPosition(9, 0)));
    }

    [Fact]
    public void An_unsaved_buffer_is_named_by_its_last_segment()
    {
        Assert.Equal("Untitled-1", OpenDocument.PathOf("untitled:Untitled-1"));
        Assert.Equal("/tmp/a b.kscn", OpenDocument.PathOf("file:///tmp/a%20b.kscn"));
    }

    [Fact]
    public void The_kscn_server_never_takes_lsp()
    {
        Assert.False(ServerProtocol.Takes(["lsp"], serverVariable: null));
        Assert.False(ServerProtocol.Takes(["lsp", "--stdio"], serverVariable: "1"));
    }
}
