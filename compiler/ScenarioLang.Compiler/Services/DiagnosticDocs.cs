namespace ScenarioLang.Compiler.Services;

/// <summary>
/// Where docs/language.md documents a diagnostic code: every code is a row of the table of section 13, whose heading
/// "## 13. Diagnostics" has the anchor <see cref="Anchor"/> (as GitHub and VS Code's Markdown preview make anchors).
/// </summary>
public static class DiagnosticDocs
{
    public const string Anchor = "13-diagnostics";

    /// <summary>The link to <paramref name="code"/>'s entry, from where docs/language.md is; null without one.</summary>
    public static string? Link(string? docsUri, string code) => docsUri is null || !code.StartsWith("KSC", StringComparison.Ordinal) ? null : $"{docsUri}#{Anchor}";
}
