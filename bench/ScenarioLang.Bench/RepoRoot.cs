namespace ScenarioLang.Bench;

/// <summary>The repository the bench runs from: samples, the CLI's project and bench/reference are found from it.</summary>
public static class RepoRoot
{
    private const string Marker = "ScenarioLang.sln";

    public static string Find()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, Marker)))
                return dir.FullName;
        throw new BenchException($"run from inside the repository: no {Marker} in the current directory or above");
    }
}
