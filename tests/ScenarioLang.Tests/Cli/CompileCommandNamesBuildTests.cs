using ScenarioLang.Tests.Infrastructure;
using static ScenarioLang.Tests.Infrastructure.Kscn;

namespace ScenarioLang.Tests.Cli;

/// <summary>
/// The names that broke kscn compile --xunit (issue 17), in one project that <c>dotnet build</c> builds in a child process:
/// files ab.kscn and a_b.kscn (NETSDK1022 before: MSBuild took Ab.kscn.g.cs and AB.kscn.g.cs for one item), titles of
/// object's members, a title of 2,000 characters and a file name of 240. The in-memory compiles of
/// XunitProjectNameTests check each name; only MSBuild sees the items.
/// </summary>
public sealed class CompileCommandNamesBuildTests
{
    private const string Steps = " {\n  cpus 1\n  task A root\n  cpu0 A: outb 0x80 -> #GP\n}\n";

    [Fact]
    public void A_project_of_hostile_names_builds_with_dotnet_build()
    {
        using var temp = new TemporaryDirectory();
        File.WriteAllText(temp.Combine("NuGet.config"), "<configuration>\n  <packageSources>\n    <clear />\n  </packageSources>\n</configuration>\n");
        var sources = temp.Combine("kscn");
        Directory.CreateDirectory(sources);
        File.WriteAllText(Path.Combine(sources, "ab.kscn"), "scenario \"ToString\"" + Steps + "scenario \"Finalize\"" + Steps + "scenario \"GetType\"" + Steps);
        File.WriteAllText(Path.Combine(sources, "a_b.kscn"), $"scenario \"{new string('t', 2000)}\"" + Steps + "scenario \"GetHashCode\"" + Steps);
        File.WriteAllText(Path.Combine(sources, new string('f', 240) + ".kscn"), "scenario \"MemberwiseClone\"" + Steps);
        var project = temp.Combine("names");
        var compile = Invoke("compile", sources, "--xunit", "-o", project);
        Assert.Equal((0, ""), (compile.ExitCode, compile.Error));

        var build = ChildProcess.Run(project, ChildProcess.DotnetHost, ["build", project, "-p:UseSharedCompilation=false"], TimeSpan.FromMinutes(10),
            new Dictionary<string, string?> { ["MSBUILDDISABLENODEREUSE"] = "1", ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0" });
        Assert.True(build.ExitCode == 0, build.Output);
    }
}
