using ScenarioLang.Compiler;
using ScenarioLang.Compiler.Emit;
using ScenarioLang.Compiler.Hosting;
using static ScenarioLang.Tests.Infrastructure.Kscn;

namespace ScenarioLang.Tests.Emit;

/// <summary>
/// A process that compiles through the compile cache keeps the assemblies it loaded and runs them again for the same
/// image (a kscn server's next request). The tests run alone: another test loading assemblies meanwhile would push
/// theirs out.
/// </summary>
[Collection(nameof(LoadedAssembliesTests))]
public sealed class LoadedAssembliesTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"kscn-loaded-test-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Passes: A has no ioperm(), so the port access traps; <paramref name="port"/> makes each source another image.</summary>
    private static string Scenario(int port = 0x80) => InScenario($"  cpu0 A: outb 0x{port:x} -> #GP");

    private CompileCache Cache => new(_directory, 16 << 20);

    private static Type ScenarioType(CompiledAssembly assembly) => assembly.Instantiate(assembly.Scenarios.Single()).GetType();

    private static bool Passes(CompiledAssembly assembly)
    {
        var scenario = assembly.Scenarios.Single();
        return ScenarioRunner.Run(assembly, scenario, ScenarioRunner.ConfigsFor(scenario, new Dictionary<string, string>()).Single()).Passed;
    }

    [Fact]
    public void The_same_image_again_runs_the_code_loaded_the_first_time()
    {
        Type first;
        using (var assembly = Compile(Scenario()).CompileAndLoad(Cache))
            first = ScenarioType(assembly);

        using var again = Compile(Scenario()).CompileAndLoad(Cache);

        Assert.Same(first, ScenarioType(again));
        Assert.True(Passes(again));
    }

    [Fact]
    public void Without_a_cache_every_compile_loads_its_own()
    {
        using var first = Compile(Scenario()).CompileAndLoad();
        using var second = Compile(Scenario()).CompileAndLoad();

        Assert.NotSame(ScenarioType(first), ScenarioType(second));
    }

    [Fact]
    public void One_pushed_out_by_others_is_loaded_again_and_runs_while_a_run_still_uses_it()
    {
        using var held = Compile(Scenario()).CompileAndLoad(Cache);
        var first = ScenarioType(held);
        for (var port = 0x81; port <= 0x80 + LoadedAssemblies.Kept; port++)
        {
            using var other = Compile(Scenario(port)).CompileAndLoad(Cache);
            Assert.True(Passes(other));
        }

        using var again = Compile(Scenario()).CompileAndLoad(Cache);

        Assert.NotSame(first, ScenarioType(again));
        // Pushed out while held: unloaded only once its lease is disposed.
        Assert.True(Passes(held));
    }
}

[CollectionDefinition(nameof(LoadedAssembliesTests), DisableParallelization = true)]
public sealed class LoadedAssembliesTestsCollection;
