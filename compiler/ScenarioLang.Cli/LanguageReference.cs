namespace ScenarioLang.Cli;

/// <summary>
/// docs/language.md as kscn ships it: the build copies it beside kscn.dll, and the tool package carries it, so the
/// path kscn --help prints exists for an installed tool as for a build of this repository.
/// </summary>
internal static class LanguageReference
{
    public static string Path { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, "docs", "language.md");
}
