namespace ScenarioLang.Bench.Measuring;

/// <summary>The kscn the benches measure when none is given: the CLI of the checkout, built in Release.</summary>
public static class KscnBuild
{
    private const string CliProject = "compiler/ScenarioLang.Cli";
    private const string CliDll = "compiler/ScenarioLang.Cli/bin/Release/net10.0/kscn.dll";

    /// <summary>Builds the CLI in Release, so the figures are for the sources checked out, not a stale build; returns kscn.dll.</summary>
    public static async Task<string> ReleaseAsync(string root, TextWriter progress)
    {
        progress.WriteLine($"building {CliProject} in Release");
        var build = await TimedProcess.RunAsync(root, TimeSpan.FromMinutes(10), "dotnet", ["build", "-c", "Release", CliProject, "-nologo", "-v", "q"]);
        if (build.ExitCode != 0)
            throw new BenchException($"dotnet build -c Release {CliProject} failed:\n{build.Output}");
        return Path.Combine(root, CliDll);
    }
}
