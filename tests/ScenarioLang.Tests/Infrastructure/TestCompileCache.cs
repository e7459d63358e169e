using System.Runtime.CompilerServices;
using ScenarioLang.Compiler.Emit;

namespace ScenarioLang.Tests.Infrastructure;

/// <summary>
/// The in-process kscn commands of the tests compile through a cache of this test run's own, removed at exit,
/// so a test run neither reads nor fills the user's ~/.cache/kscn.
/// </summary>
internal static class TestCompileCache
{
    public static string Directory { get; } = Path.Combine(Path.GetTempPath(), $"kscn-test-cache-{Environment.ProcessId}");

    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "Sets the environment before any test runs a command.")]
    internal static void UseOwnDirectory()
    {
        Environment.SetEnvironmentVariable(CompileCache.DirectoryVariable, Directory);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (System.IO.Directory.Exists(Directory))
                System.IO.Directory.Delete(Directory, recursive: true);
        };
    }
}
