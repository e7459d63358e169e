namespace ScenarioLang.Compiler.Emit.TestProject;

/// <summary>A NuGet package the generated test project references, at a pinned version.</summary>
public sealed record PackagePin(string Id, string Version);

/// <summary>
/// The framework and packages of the project <c>kscn compile --xunit</c> writes: the ones this repository's own tests
/// use (Directory.Build.props, Directory.Packages.props; a test keeps them equal), so that the project restores
/// from the packages already on a machine that built kscn.
/// </summary>
public static class TestProjectPackages
{
    /// <summary>The framework ScenarioLang.Runtime.dll, which the project references, is built for.</summary>
    public const string TargetFramework = "net10.0";

    public static IReadOnlyList<PackagePin> Packages { get; } =
    [
        new("Microsoft.NET.Test.Sdk", "18.0.1"),
        new("xunit", "2.9.3"),
        new("xunit.runner.visualstudio", "3.1.5"),
        // dotnet test --logger junit: JUnit XML for GitLab or Jenkins with no step of the CI's own (trx and console are built in).
        new("JunitXml.TestLogger", "8.1.0"),
    ];
}
