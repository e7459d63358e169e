using System.Runtime.InteropServices;

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

    /// <summary>Publishes a project for this machine's RID, as `dotnet pack` publishes the tool, into OUT/name; returns that folder.</summary>
    public static async Task<string> PublishAsync(string root, string outDir, string project, string name, TextWriter progress, params string[] extra)
    {
        progress.WriteLine($"publishing {project} in Release for {RuntimeInformation.RuntimeIdentifier}");
        var target = Path.Combine(outDir, name);
        var publish = await TimedProcess.RunAsync(root, TimeSpan.FromMinutes(15), "dotnet",
            ["publish", project, "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "-o", target,
             "--artifacts-path", Path.Combine(outDir, "artifacts"), "-nologo", "-v", "q", .. extra]);
        if (publish.ExitCode != 0)
            throw new BenchException($"dotnet publish {project} failed:\n{publish.Output}");
        return target;
    }
}
