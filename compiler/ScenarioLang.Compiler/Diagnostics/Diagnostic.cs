using ScenarioLang.Compiler.Text;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Compiler.Diagnostics;

public enum DiagnosticSeverity
{
    Warning,
    Error,
}

/// <summary>A message about a .kscn file, with a stable code (KSCnnnn) and the span it concerns.</summary>
public sealed record Diagnostic(string Code, DiagnosticSeverity Severity, string Message, SourceText Source, TextSpan Span)
{
    /// <summary>
    /// The edit a "did you mean" message proposes, for an editor's quick fix; null when the message names no spelling.
    /// No output of kscn prints it: the message says the same in words.
    /// </summary>
    public DiagnosticFix? Fix { get; init; }

    public LinePosition Start => Source.GetPosition(Span.Start);

    public bool IsError => Severity == DiagnosticSeverity.Error;

    /// <summary>
    /// <c>path(line,col): error KSC0001: message</c>, the form compilers and editors parse; a control character the path or
    /// a quoted name brings in is shown escaped, so a file cannot drive the terminal through its diagnostics.
    /// </summary>
    public override string ToString() =>
        PrintableText.Escape($"{Source.Path}({Start.Line},{Start.Column}): {(IsError ? "error" : "warning")} {Code}: {Message}");
}

/// <summary>Replaces <see cref="Span"/> with <see cref="Replacement"/>: the closest valid spelling of what is written there.</summary>
public sealed record DiagnosticFix(TextSpan Span, string Replacement);
