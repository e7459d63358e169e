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
