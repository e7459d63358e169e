using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ScenarioLang.Compiler.Diagnostics;

/// <summary>
/// The diagnostics of a compilation as the JSON object <c>kscn check --format json</c> prints, for editors (the VS Code
/// language server) and scripts. Version 1: counts, then each diagnostic with its file, severity, code, message and
/// range; lines and columns are 1-based, columns count UTF-16 code units (as LSP does), and the end is exclusive.
/// </summary>
public static class DiagnosticJson
{
    public const int Version = 1;

    public static string Write(Compilation compilation)
    {
        var diagnostics = compilation.Diagnostics;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteNumber("version", Version);
            json.WriteNumber("files", compilation.Units.Length);
            json.WriteNumber("scenarios", compilation.Units.Sum(u => u.Scenarios.Length));
            json.WriteNumber("errors", diagnostics.Count(d => d.IsError));
            json.WriteNumber("warnings", diagnostics.Count(d => !d.IsError));
            json.WriteStartArray("diagnostics");
            foreach (var diagnostic in diagnostics)
                WriteDiagnostic(json, diagnostic);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteDiagnostic(Utf8JsonWriter json, Diagnostic diagnostic)
    {
        json.WriteStartObject();
        json.WriteString("file", diagnostic.Source.Path);
        json.WriteString("severity", diagnostic.IsError ? "error" : "warning");
        json.WriteString("code", diagnostic.Code);
        json.WriteString("message", diagnostic.Message);
        WritePosition(json, "start", diagnostic.Start);
        WritePosition(json, "end", diagnostic.Source.GetPosition(diagnostic.Span.End));
        json.WriteEndObject();
    }

    private static void WritePosition(Utf8JsonWriter json, string name, Text.LinePosition position)
    {
        json.WriteStartObject(name);
        json.WriteNumber("line", position.Line);
        json.WriteNumber("column", position.Column);
        json.WriteEndObject();
    }
}
