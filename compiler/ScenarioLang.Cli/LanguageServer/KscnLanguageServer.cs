using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScenarioLang.Compiler.Emit;
using ScenarioLang.Compiler.Services;

namespace ScenarioLang.Cli.LanguageServer;

/// <summary>
/// kscn's language server: LSP over a pair of streams, with the compiler in-process. Notifications and the language
/// services' requests run in the order they come, on the reading thread (each costs a parse and bind of one buffer,
/// milliseconds); diagnostics are published a little after the last change (<see cref="ChangeDelay"/>); kscn/run
/// runs on a thread of its own, one at a time, so the editor stays live while a search runs. A message the server
/// cannot read or carry out is logged and answered with an error; nothing a client sends ends the server but exit.
/// </summary>
internal sealed class KscnLanguageServer
{
    /// <summary>How long after a change its diagnostics wait for the next one: typing does not check every key.</summary>
    public static readonly TimeSpan ChangeDelay = TimeSpan.FromMilliseconds(50);

    private readonly JsonRpcConnection _connection;
    private readonly TextWriter _log;
    private readonly string? _docsUri;
    private readonly ScenarioRunRequest _runs;
    private readonly Dictionary<string, OpenDocument> _documents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Timer> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);
    /// <summary>Guards the documents and their analyses, which the reading thread and the diagnostics timers share.</summary>
    private readonly Lock _lock = new();
    private bool _initialized;
    private bool _shutdown;

    public KscnLanguageServer(Stream input, Stream output, TextWriter log, CompileCache? cache, string? docsUri)
    {
        _connection = new JsonRpcConnection(input, output);
        _log = log;
        _docsUri = docsUri;
        _runs = new ScenarioRunRequest(cache);
    }

    /// <summary>Serves until exit or the end of the input; the exit code is 0 after a shutdown request, else 1 (LSP's rule).</summary>
    public int Run()
    {
        while (true)
        {
            JsonObject? message;
            try
            {
                message = _connection.Read();
            }
            catch (BadMessageException e)
            {
                Log($"bad message: {e.Message}");
                _connection.RespondError(null, ErrorCodes.ParseError, e.Message);
                continue;
            }
            catch (EndOfStreamException)
            {
                message = null;
            }
            if (message is null)
                break;
            if ((string?)(message["method"] as JsonValue) is "exit")
                break;
            Dispatch(message);
        }
        lock (_lock)
        {
            foreach (var timer in _pending.Values)
                timer.Dispose();
            _pending.Clear();
        }
        return _shutdown ? 0 : 1;
    }

    private void Log(string line) => _log.Write($"kscn lsp: {line}\n");

    private void Dispatch(JsonObject message)
    {
        var id = message["id"];
        string? method = null;
        try
        {
            method = message["method"] is JsonValue m && m.TryGetValue<string>(out var name) ? name : null;
            if (method is null)
            {
                // A response to a request of ours (the server sends none that wait for one), or garbage.
                if (id is null || message["result"] is null && message["error"] is null)
                    throw new BadParamsException("a message with no method");
                return;
            }
            var parameters = message["params"] as JsonObject;
            if (id is null)
            {
                Notification(method, parameters);
                return;
            }
            if (!_initialized && method != "initialize")
            {
                _connection.RespondError(id, ErrorCodes.ServerNotInitialized, $"{method} before initialize");
                return;
            }
            if (Request(id, method, parameters) is { } result)
                _connection.Respond(id, result.Value);
        }
        catch (Exception e) when (e is BadParamsException or InvalidOperationException or FormatException or JsonException or KeyNotFoundException)
        {
            Log($"{method ?? "a message"}: {e.Message}");
            if (id is not null)
                _connection.RespondError(id, ErrorCodes.InvalidParams, e.Message);
        }
        catch (Exception e)
        {
            // A bug of ours on this message: said once, and the server goes on with the next.
            Log($"{method ?? "a message"}: internal error: {e}");
            if (id is not null)
                _connection.RespondError(id, ErrorCodes.InternalError, "kscn: internal error: " + e.Message);
        }
    }

    /// <summary>A request's result (wrapped, since null is a result), or null when it is answered later or already was.</summary>
    private Answer? Request(JsonNode id, string method, JsonObject? parameters)
    {
        switch (method)
        {
            case "initialize":
                _initialized = true;
                return new(Capabilities());
            case "shutdown":
                _shutdown = true;
                return new(null);
            case "textDocument/completion":
                return new(Completions(parameters));
            case "textDocument/hover":
                return new(HoverAt(parameters));
            case "textDocument/documentSymbol":
                return new(WithDocument(parameters, (_, unit, lines) => new JsonArray([.. DocumentSymbols.Of(unit).Select(s => Lsp.Symbol(lines, s))])));
            case "textDocument/definition":
                return new(WithPosition(parameters, (document, unit, lines, offset) =>
                    Definition.At(unit, offset) is { } span ? new JsonObject { ["uri"] = document.Uri, ["range"] = Lsp.Range(lines, span) } : null));
            case "textDocument/prepareRename":
                return new(WithPosition(parameters, (_, unit, lines, offset) =>
                    Rename.Prepare(unit, offset) is { } span ? new JsonObject { ["range"] = Lsp.Range(lines, span), ["placeholder"] = unit.Source.ToString(span) } : null));
            case "textDocument/rename":
                return Renamed(id, parameters);
            case "textDocument/codeAction":
                return new(CodeActions(parameters));
            case "textDocument/codeLens":
                return new(WithDocument(parameters, (document, unit, lines) => new JsonArray([.. CodeLenses.Of(unit).Select(l => Lens(document, lines, l))])));
            case ScenarioRunRequest.Method:
                StartRun(id, parameters);
                return null;
            default:
                _connection.RespondError(id, ErrorCodes.MethodNotFound, $"kscn lsp does not handle '{method}'");
                return null;
        }
    }

    private readonly record struct Answer(JsonNode? Value);

    private void Notification(string method, JsonObject? parameters)
    {
        switch (method)
        {
            case "initialized":
                return;
            case "textDocument/didOpen":
            {
                var item = parameters?["textDocument"] as JsonObject ?? throw new BadParamsException("didOpen needs a textDocument");
                var uri = Uri(item);
                lock (_lock)
                    _documents[uri] = new OpenDocument(uri, (string?)item["text"] ?? "", (int?)item["version"] ?? 0);
                Schedule(uri, ChangeDelay);
                return;
            }
            case "textDocument/didChange":
            {
                var item = parameters?["textDocument"] as JsonObject ?? throw new BadParamsException("didChange needs a textDocument");
                var uri = Uri(item);
                lock (_lock)
                {
                    if (!_documents.TryGetValue(uri, out var document))
                        throw new BadParamsException($"didChange of a document that is not open: {uri}");
                    document.Change(parameters!["contentChanges"] as JsonArray ?? [], (int?)item["version"] ?? document.Version + 1);
                }
                Schedule(uri, ChangeDelay);
                return;
            }
            case "textDocument/didSave":
                Schedule(Uri(parameters?["textDocument"] as JsonObject), TimeSpan.Zero);
                return;
            case "textDocument/didClose":
            {
                var uri = Uri(parameters?["textDocument"] as JsonObject);
                lock (_lock)
                {
                    _documents.Remove(uri);
                    if (_pending.Remove(uri, out var timer))
                        timer.Dispose();
                }
                _connection.Notify("textDocument/publishDiagnostics", new JsonObject { ["uri"] = uri, ["diagnostics"] = new JsonArray() });
                return;
            }
            case "$/cancelRequest":
                if (parameters?["id"]?.ToJsonString() is { } cancelled && _running.TryGetValue(cancelled, out var source))
                    source.Cancel();
                return;
            default:
                // Notifications the server has no use for ($/setTrace, workspace/didChangeConfiguration…) need no answer.
                return;
        }
    }

    private static string Uri(JsonObject? textDocument) =>
        (string?)textDocument?["uri"] ?? throw new BadParamsException("a textDocument needs a uri");

    private JsonObject Capabilities() => new()
    {
        ["capabilities"] = new JsonObject
        {
            ["textDocumentSync"] = new JsonObject { ["openClose"] = true, ["change"] = 2, ["save"] = new JsonObject { ["includeText"] = false } },
            ["completionProvider"] = new JsonObject { ["triggerCharacters"] = new JsonArray(".", "(", ",", "|", ">", " ", "=") },
            ["hoverProvider"] = true,
            ["documentSymbolProvider"] = true,
            ["definitionProvider"] = true,
            ["renameProvider"] = new JsonObject { ["prepareProvider"] = true },
            ["codeActionProvider"] = new JsonObject { ["codeActionKinds"] = new JsonArray("quickfix") },
            ["codeLensProvider"] = new JsonObject { ["resolveProvider"] = false },
        },
        ["serverInfo"] = new JsonObject
        {
            ["name"] = "kscn",
            ["version"] = typeof(KscnLanguageServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
        },
    };

    /// <summary>Publishes the document's diagnostics after <paramref name="delay"/>, unless another change comes first.</summary>
    private void Schedule(string uri, TimeSpan delay)
    {
        lock (_lock)
        {
            if (_pending.Remove(uri, out var earlier))
                earlier.Dispose();
            var timer = new Timer(_ => Publish(uri));
            _pending[uri] = timer;
            timer.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    private void Publish(string uri)
    {
        try
        {
            JsonObject message;
            lock (_lock)
            {
                if (!_documents.TryGetValue(uri, out var document))
                    return;
                var (unit, lines) = document.Analysis();
                message = new JsonObject
                {
                    ["uri"] = uri,
                    ["version"] = document.Version,
                    ["diagnostics"] = new JsonArray([.. unit.Diagnostics.Select(d => Lsp.Diagnostic(lines, d, _docsUri))]),
                };
            }
            _connection.Notify("textDocument/publishDiagnostics", message);
        }
        catch (Exception e)
        {
            Log($"diagnostics of {uri}: internal error: {e}");
        }
    }

    private T WithDocument<T>(JsonObject? parameters, Func<OpenDocument, Compiler.CompilationUnit, LineMap, T> answer)
    {
        var uri = Uri(parameters?["textDocument"] as JsonObject);
        lock (_lock)
        {
            if (!_documents.TryGetValue(uri, out var document))
                throw new BadParamsException($"a document that is not open: {uri}");
            var (unit, lines) = document.Analysis();
            return answer(document, unit, lines);
        }
    }

    private T WithPosition<T>(JsonObject? parameters, Func<OpenDocument, Compiler.CompilationUnit, LineMap, int, T> answer) =>
        WithDocument(parameters, (document, unit, lines) => answer(document, unit, lines, lines.OffsetOf(Lsp.Position(parameters!["position"]))));

    private JsonObject Completions(JsonObject? parameters) => WithPosition(parameters, (_, unit, lines, offset) =>
    {
        var list = Completion.At(unit, offset);
        // A space typed where a statement starts (indenting) is no request for the statement keywords.
        var trigger = (string?)parameters?["context"]?["triggerCharacter"];
        var lineStart = lines.OffsetOf(lines.PositionOf(offset) with { Character = 0 });
        var items = trigger == " " && string.IsNullOrWhiteSpace(unit.Source.Text[lineStart..offset]) ? [] : list.Items;
        return new JsonObject
        {
            ["isIncomplete"] = false,
            ["items"] = new JsonArray([.. items.Select(i => (JsonNode)new JsonObject
            {
                ["label"] = i.Label,
                ["kind"] = Lsp.Kind(i.Kind),
                ["detail"] = i.Detail,
                ["documentation"] = i.Documentation is null ? null : Lsp.Markdown(i.Documentation),
                ["insertTextFormat"] = i.IsSnippet ? 2 : 1,
                ["textEdit"] = new JsonObject { ["range"] = Lsp.Range(lines, list.Replace), ["newText"] = i.InsertText },
            })]),
        };
    });

    private JsonObject? HoverAt(JsonObject? parameters) => WithPosition(parameters, (_, unit, lines, offset) =>
        Hover.At(unit, offset, _docsUri) is { } hover ? new JsonObject { ["contents"] = Lsp.Markdown(hover.Markdown), ["range"] = Lsp.Range(lines, hover.Span) } : null);

    private Answer? Renamed(JsonNode id, JsonObject? parameters)
    {
        var newName = (string?)parameters?["newName"] ?? throw new BadParamsException("rename needs a newName");
        var (result, edit) = WithPosition(parameters, (document, unit, lines, offset) =>
        {
            var result = Rename.At(unit, offset, newName);
            return (result, result.Error is null ? Lsp.WorkspaceEdit(document.Uri, lines, result.Edits) : null);
        });
        if (result.Error is null)
            return new(edit);
        _connection.RespondError(id, ErrorCodes.RequestFailed, result.Error);
        return null;
    }

    private JsonArray CodeActions(JsonObject? parameters) => WithDocument(parameters, (document, unit, lines) =>
    {
        var range = parameters!["range"] as JsonObject ?? throw new BadParamsException("codeAction needs a range");
        var span = Compiler.Text.TextSpan.FromBounds(lines.OffsetOf(Lsp.Position(range["start"])), lines.OffsetOf(Lsp.Position(range["end"])));
        return new JsonArray([.. CodeFixes.For(unit, span).Select(fix => (JsonNode)new JsonObject
        {
            ["title"] = fix.Title,
            ["kind"] = "quickfix",
            ["diagnostics"] = new JsonArray(Lsp.Diagnostic(lines, fix.Diagnostic, _docsUri)),
            ["isPreferred"] = true,
            ["edit"] = Lsp.WorkspaceEdit(document.Uri, lines, [fix.Edit]),
        })]);
    });

    /// <summary>The commands the client runs from the lenses; their one argument is <c>{ uri, scenario, line }</c>.</summary>
    private static (string Title, string Command) LensCommand(ScenarioAction action) => action switch
    {
        ScenarioAction.Run => ("Run", "kscn.run"),
        ScenarioAction.Explore => ("Explore", "kscn.explore"),
        ScenarioAction.RunAllVariants => ("Run all variants", "kscn.runAllVariants"),
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "a lens with no command"),
    };

    private static JsonObject Lens(OpenDocument document, LineMap lines, ScenarioLens lens)
    {
        var (title, command) = LensCommand(lens.Action);
        return new JsonObject
        {
            ["range"] = Lsp.Range(lines, lens.Span),
            ["command"] = new JsonObject
            {
                ["title"] = title,
                ["command"] = command,
                ["arguments"] = new JsonArray(new JsonObject { ["uri"] = document.Uri, ["scenario"] = lens.Scenario, ["line"] = lens.Line }),
            },
        };
    }

    /// <summary>kscn/run on a thread of its own, answered when it ends (or cancelled, if $/cancelRequest came first).</summary>
    private void StartRun(JsonNode id, JsonObject? parameters)
    {
        var request = ScenarioRunRequest.Parse(parameters);
        string text;
        lock (_lock)
        {
            if (!_documents.TryGetValue(request.Uri, out var document))
                throw new BadParamsException($"a document that is not open: {request.Uri}");
            text = document.Text;
        }
        var key = id.ToJsonString();
        var cancel = new CancellationTokenSource();
        _running[key] = cancel;
        _ = Task.Run(() =>
        {
            try
            {
                var result = _runs.Run(request, text, cancel.Token);
                if (cancel.IsCancellationRequested)
                    _connection.RespondError(id, ErrorCodes.RequestCancelled, "cancelled");
                else
                    _connection.Respond(id, result);
            }
            catch (BadParamsException e)
            {
                _connection.RespondError(id, ErrorCodes.InvalidParams, e.Message);
            }
            catch (Exception e)
            {
                Log($"{ScenarioRunRequest.Method}: internal error: {e}");
                _connection.RespondError(id, ErrorCodes.InternalError, "kscn: internal error: " + e.Message);
            }
            finally
            {
                // Not disposed: a $/cancelRequest may still find it, and a token source without a timer holds nothing.
                _running.TryRemove(key, out _);
            }
        });
    }
}
