using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using ScenarioLang.Tests.Infrastructure;

namespace ScenarioLang.Tests.Cli;

/// <summary>
/// The README's "Install as a dotnet tool": pack the CLI, install the package from a local folder with no other
/// source and no network, and run the installed kscn. Everything goes to a temporary folder: the pack builds Release
/// into its own artifacts path, so it never writes the bin/ and obj/ folders this test run is using.
/// </summary>
public sealed class ToolPackageTests
{
    private const string UnreachableProxy = "http://127.0.0.1:9";
    private static readonly TimeSpan PackLimit = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan InstallLimit = TimeSpan.FromMinutes(2);

    [Fact]
    public void The_packed_tool_installs_offline_and_runs_a_sample()
    {
        var work = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"kscn-tool-{Guid.NewGuid():N}")).FullName;
        try
        {
            var packages = Path.Combine(work, "packages");
            var tools = Path.Combine(work, "tools");
            var pack = ChildProcess.Run(Repository.Root, ChildProcess.DotnetHost, ["pack", "compiler/ScenarioLang.Cli", "-o", packages, "--artifacts-path", Path.Combine(work, "artifacts")], PackLimit);
            Assert.True(pack.ExitCode == 0, "dotnet pack failed:\n" + pack.Output);

            // --prerelease: off main a build's version is 0.1.N-g<commit> (version.json), which install skips without it.
            var install = ChildProcess.Run(work, ChildProcess.DotnetHost, ["tool", "install", "ScenarioLang.Kscn", "--prerelease", "--tool-path", tools, "--configfile", WriteOfflineConfig(work, packages)], InstallLimit,
                new Dictionary<string, string?>
                {
                    // A proxy nothing listens on: any request that leaves the machine fails the install.
                    ["HTTP_PROXY"] = UnreachableProxy,
                    ["HTTPS_PROXY"] = UnreachableProxy,
                    // A global packages folder of its own, so a ScenarioLang.Kscn of the same version cached by an earlier
                    // run cannot stand in for the package just built.
                    ["NUGET_PACKAGES"] = Path.Combine(work, "nuget-packages"),
                });
            Assert.True(install.ExitCode == 0, "dotnet tool install failed:\n" + install.Output);

            var run = ChildProcess.Run(Repository.Root, Path.Combine(tools, "kscn"), ["run", "samples/ioperm/andy-stale-tss-bits.kscn"], InstallLimit, InstalledKscn);
            Assert.True(run.ExitCode == 0, "the installed kscn failed:\n" + run.Output);
            Assert.Contains("PASS: 7 expectations hold", run.Output);

            // The linux-x64 package carries the native client beside kscn.dll (NativeAOT is per RID: the portable package
            // cannot). With no server it executes the kscn beside it: the same output.
            var clients = Directory.GetFiles(tools, "kscn-client", SearchOption.AllDirectories);
            if (RuntimeInformation.RuntimeIdentifier == "linux-x64")
            {
                var client = ChildProcess.Run(Repository.Root, Assert.Single(clients), ["run", "samples/ioperm/andy-stale-tss-bits.kscn"], InstallLimit, InstalledKscn);
                Assert.True(client.ExitCode == 0, "the installed kscn-client failed:\n" + client.Output);
                Assert.Equal(run.Out, client.Out);
            }
            else
                Assert.Empty(clients);

            // The help's pointer to the language reference leads to the copy installed with the tool.
            var help = ChildProcess.Run(work, Path.Combine(tools, "kscn"), ["--help"], InstallLimit, InstalledKscn);
            var reference = Regex.Match(help.Out, @"Language reference: (\S+)").Groups[1].Value;
            Assert.StartsWith(tools + "/", reference);
            Assert.Equal(File.ReadAllText(Repository.Full("docs/language.md")), File.ReadAllText(reference));

            // Every package of the tool (the pointer package and one per RID) names its licence and repository kind.
            var nupkgs = Directory.GetFiles(packages, "*.nupkg");
            Assert.NotEmpty(nupkgs);
            Assert.All(nupkgs, nupkg =>
            {
                var nuspec = Nuspec(nupkg);
                Assert.Contains("<license type=\"expression\">GPL-2.0-only</license>", nuspec);
                Assert.Matches("<repository type=\"git\"", nuspec);
            });
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static Dictionary<string, string?> InstalledKscn => new()
    {
        // The installed kscn runs in its own process and starts no server that would outlive the test.
        ["KSCN_SERVER"] = "0",
        // The apphost of the installed tool finds the runtime this test runs on.
        ["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..")),
    };

    private static string Nuspec(string nupkg)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        using var reader = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        return reader.ReadToEnd();
    }

    private static string WriteOfflineConfig(string directory, string packages)
    {
        var path = Path.Combine(directory, "nuget.config");
        File.WriteAllText(path, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{packages}" />
              </packageSources>
            </configuration>
            """);
        return path;
    }
}
