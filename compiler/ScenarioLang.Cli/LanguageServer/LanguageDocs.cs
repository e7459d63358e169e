namespace ScenarioLang.Cli.LanguageServer;

/// <summary>Where docs/language.md is, as a file URI, for the links of diagnostic codes: beside kscn or in a folder above it (a build in the repository).</summary>
internal static class LanguageDocs
{
    public static string? Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var file = Path.Join(directory.FullName, "docs", "language.md");
            if (File.Exists(file))
                return new Uri(file).AbsoluteUri;
        }
        return null;
    }
}
