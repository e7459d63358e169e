using System.Text.Json.Nodes;
using ScenarioLang.Compiler.Diagnostics;
using ScenarioLang.Compiler.Services;
using ScenarioLang.Compiler.Text;

namespace ScenarioLang.Cli.LanguageServer;

/// <summary>The language services' answers in LSP's JSON shapes, and LSP's parameters read back.</summary>
internal static class Lsp
{
    public static LspPosition Position(JsonNode? node) =>
        node is JsonObject p && p["line"] is JsonValue line && p["character"] is JsonValue character
            ? new LspPosition(line.GetValue<int>(), character.GetValue<int>())
            : throw new BadParamsException("a position needs a line and a character");

    public static JsonObject Position(LspPosition position) => new() { ["line"] = position.Line, ["character"] = position.Character };

    public static JsonObject Range(LineMap lines, TextSpan span)
    {
        var (start, end) = lines.RangeOf(span);
        return new JsonObject { ["start"] = Position(start), ["end"] = Position(end) };
    }

    public static JsonObject Range(LspPosition start, LspPosition end) => new() { ["start"] = Position(start), ["end"] = Position(end) };

    public static JsonObject Diagnostic(LineMap lines, Diagnostic diagnostic, string? docsUri)
    {
        var json = new JsonObject
        {
            ["range"] = Range(lines, diagnostic.Span),
            ["severity"] = diagnostic.IsError ? 1 : 2,
            ["code"] = diagnostic.Code,
        };
        if (DiagnosticDocs.Link(docsUri, diagnostic.Code) is { } href)
            json["codeDescription"] = new JsonObject { ["href"] = href };
        json["source"] = "kscn";
        json["message"] = diagnostic.Message;
        return json;
    }

    public static JsonObject Markdown(string value) => new() { ["kind"] = "markdown", ["value"] = value };

    public static JsonObject TextEdit(LineMap lines, TextEdit edit) => new() { ["range"] = Range(lines, edit.Span), ["newText"] = edit.NewText };

    public static JsonObject WorkspaceEdit(string uri, LineMap lines, IEnumerable<TextEdit> edits) =>
        new() { ["changes"] = new JsonObject { [uri] = new JsonArray([.. edits.Select(e => TextEdit(lines, e))]) } };

    /// <summary>LSP's CompletionItemKind for each kind of proposal.</summary>
    public static int Kind(CompletionKind kind) => kind switch
    {
        CompletionKind.Keyword => 14,
        CompletionKind.Step => 3,
        CompletionKind.Mechanism => 9,
        CompletionKind.Variant => 20,
        CompletionKind.Property => 10,
        CompletionKind.Task => 6,
        CompletionKind.Cpu => 12,
        CompletionKind.PausePoint => 23,
        CompletionKind.ObjectKind => 7,
        CompletionKind.Result => 21,
        CompletionKind.Flag => 21,
        CompletionKind.Name => 6,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "a completion kind with no LSP kind"),
    };

    /// <summary>LSP's SymbolKind for each entry of the outline.</summary>
    public static int Kind(SymbolKind kind) => kind switch
    {
        SymbolKind.Scenario => 2,
        SymbolKind.Task => 13,
        SymbolKind.TaskGroup => 18,
        SymbolKind.Explore => 24,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "a symbol kind with no LSP kind"),
    };

    public static JsonObject Symbol(LineMap lines, DocumentSymbol symbol) => new()
    {
        ["name"] = symbol.Name,
        ["detail"] = symbol.Detail,
        ["kind"] = Kind(symbol.Kind),
        ["range"] = Range(lines, symbol.Span),
        ["selectionRange"] = Range(lines, symbol.SelectionSpan),
        ["children"] = new JsonArray([.. symbol.Children.Select(c => Symbol(lines, c))]),
    };
}
