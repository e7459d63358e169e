using System.Text.Json.Nodes;
using ScenarioLang.Compiler;
using ScenarioLang.Compiler.Services;
using ScenarioLang.Compiler.Text;

namespace ScenarioLang.Cli.LanguageServer;

/// <summary>An open document: its text and version as the client last sent them, and the analysis of that text once made.</summary>
internal sealed class OpenDocument(string uri, string text, int version)
{
    public string Uri { get; } = uri;

    public string Text { get; private set; } = text;

    public int Version { get; private set; } = version;

    private (int Version, CompilationUnit Unit, LineMap Lines)? _analysis;

    /// <summary>The path kscn names the text by: the file's, or an unsaved buffer's name.</summary>
    public string Path => PathOf(Uri);

    /// <summary>Applies a didChange's edits in order: each a range and its new text, or the whole text.</summary>
    public void Change(JsonArray changes, int version)
    {
        foreach (var change in changes.OfType<JsonObject>())
        {
            var replacement = (string?)change["text"] ?? throw new BadParamsException("a content change without text");
            if (change["range"] is JsonObject range)
            {
                var lines = new LineMap(Text);
                var start = lines.OffsetOf(Lsp.Position(range["start"]));
                var end = Math.Max(start, lines.OffsetOf(Lsp.Position(range["end"])));
                Text = string.Concat(Text.AsSpan(0, start), replacement, Text.AsSpan(end));
            }
            else
            {
                Text = replacement;
            }
        }
        Version = version;
    }

    /// <summary>The compiler's view of the current text: parsed and bound once per version.</summary>
    public (CompilationUnit Unit, LineMap Lines) Analysis()
    {
        if (_analysis is { } done && done.Version == Version)
            return (done.Unit, done.Lines);
        var unit = Compiler.Services.Analysis.Of(SourceText.From(Text, Path));
        var lines = new LineMap(Text);
        _analysis = (Version, unit, lines);
        return (unit, lines);
    }

    /// <summary>A file URI's local path; for another scheme (an unsaved buffer), its last segment, decoded.</summary>
    public static string PathOf(string uri)
    {
        if (System.Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.IsFile)
            return parsed.LocalPath;
        var rest = uri[(uri.IndexOf(':', StringComparison.Ordinal) + 1)..];
        var name = System.Uri.UnescapeDataString(rest.Split('/')[^1]);
        return name.Length > 0 ? name : "untitled.kscn";
    }
}

/// <summary>Parameters a request or notification cannot be carried out with: answered with InvalidParams.</summary>
internal sealed class BadParamsException(string message) : Exception(message);
