namespace ScenarioLang.Tests.Infrastructure;

/// <summary>Paths in the repository the tests read: the root, the samples.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Samples => Path.Combine(Root, "samples");

    /// <summary>Every sample, as a path relative to the repository root with '/' separators, in ordinal order.</summary>
    public static IReadOnlyList<string> SampleFiles() =>
        Directory.EnumerateFiles(Samples, "*.kscn", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToArray();

    public static string Full(string relative) => Path.Combine(Root, relative);

    /// <summary>
    /// A copy of a sample without its known-failure marks (blanked, so lines and columns stay), in a folder of its own:
    /// for the tests of what a violation does, which the samples' races show only unmarked.
    /// </summary>
    public static string Unmarked(string sample)
    {
        var text = System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(Full(sample)), @"known failure under [^/\n]*?(?=\s*(?://|\n))", m => new string(' ', m.Length));
        var path = Path.Combine(Directory.CreateTempSubdirectory("kscn-unmarked-").FullName, Path.GetFileName(sample));
        File.WriteAllText(path, text);
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ScenarioLang.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("ScenarioLang.sln not found above " + AppContext.BaseDirectory);
    }
}
