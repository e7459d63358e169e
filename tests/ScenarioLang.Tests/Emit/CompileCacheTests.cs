using ScenarioLang.Compiler;
using ScenarioLang.Compiler.Emit;
using ScenarioLang.Compiler.Hosting;
using ScenarioLang.Tests.Infrastructure;
using static ScenarioLang.Tests.Infrastructure.Kscn;

namespace ScenarioLang.Tests.Emit;

public sealed class CompileCacheTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"kscn-cache-test-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Passes with #GP (A has no ioperm()), fails with ok.</summary>
    private static string Scenario(string result) => InScenario($"  cpu0 A: outb 0x80 -> {result}");

    private static string KeyOf(Compilation compilation) => CompileCache.KeyFor(compilation.Units.Select(u => compilation.EmitCSharp(u)));

    private static bool Passes(CompiledAssembly assembly)
    {
        var scenario = assembly.Scenarios.Single();
        return ScenarioRunner.Run(assembly, scenario, ScenarioRunner.ConfigsFor(scenario, new Dictionary<string, string>()).Single()).Passed;
    }

    [Fact]
    public void A_second_compile_of_the_same_source_loads_the_cached_assembly_without_Roslyn()
    {
        var cache = new CompileCache(_directory, 1 << 20);
        var failing = Compile(Scenario("ok"));
        var passing = Compile(Scenario("#GP"));
        using (var first = passing.CompileAndLoad(cache))
            Assert.True(Passes(first));
        Assert.Single(Directory.GetFiles(_directory, "*.kscnasm"));

        // Put the image of another scenario under this key: loading it proves the second compile came from the cache.
        cache.Write(KeyOf(passing), CompileImage(failing));
        using var second = Compile(Scenario("#GP")).CompileAndLoad(cache);
        Assert.False(Passes(second));
    }

    [Fact]
    public void Without_a_cache_nothing_is_read_or_written()
    {
        var cache = new CompileCache(_directory, 1 << 20);
        var passing = Compile(Scenario("#GP"));
        cache.Write(KeyOf(passing), CompileImage(Compile(Scenario("ok"))));
        using var assembly = passing.CompileAndLoad();
        Assert.True(Passes(assembly));
    }

    [Fact]
    public void The_key_follows_the_generated_source()
    {
        Assert.Equal(KeyOf(Compile(Scenario("#GP"))), KeyOf(Compile(Scenario("#GP"))));
        Assert.NotEqual(KeyOf(Compile(Scenario("#GP"))), KeyOf(Compile(Scenario("ok"))));
        Assert.NotEqual(KeyOf(Compile(Scenario("#GP"))), KeyOf(Compile(Scenario("#GP"), "other.kscn")));
        Assert.Matches("^[0-9a-f]{64}$", KeyOf(Compile(Scenario("#GP"))));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { (byte)'K', (byte)'S', (byte)'C', (byte)'N', (byte)'A', (byte)'S', (byte)'M', (byte)'1', 0xff, 0xff, 0xff, 0x7f })]
    public void A_damaged_entry_is_a_miss_and_is_replaced(byte[] damaged)
    {
        var cache = new CompileCache(_directory, 1 << 20);
        var compilation = Compile(Scenario("#GP"));
        Directory.CreateDirectory(_directory);
        var entry = Path.Combine(_directory, KeyOf(compilation) + ".kscnasm");
        File.WriteAllBytes(entry, damaged);
        Assert.Null(cache.TryRead(KeyOf(compilation)));
        using (var assembly = compilation.CompileAndLoad(cache))
            Assert.True(Passes(assembly));
        Assert.NotNull(cache.TryRead(KeyOf(compilation)));
    }

    [Fact]
    public void A_full_cache_evicts_the_least_recently_used_entries()
    {
        var image = new AssemblyImage(new byte[1000], new byte[100]);
        var cache = new CompileCache(_directory, 2500);
        cache.Write("a", image);
        cache.Write("b", image);
        File.SetLastWriteTimeUtc(Path.Combine(_directory, "a.kscnasm"), DateTime.UtcNow.AddMinutes(-2));
        File.SetLastWriteTimeUtc(Path.Combine(_directory, "b.kscnasm"), DateTime.UtcNow.AddMinutes(-1));
        Assert.NotNull(cache.TryRead("a")); // used now: b is the least recently used
        cache.Write("c", image);
        Assert.Equal(["a.kscnasm", "c.kscnasm"], Directory.GetFiles(_directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Processes_compiling_the_same_scenario_at_once_share_one_whole_entry()
    {
        var caches = Enumerable.Range(0, 8).Select(_ => new CompileCache(_directory, 1 << 20)).ToArray();
        Parallel.ForEach(caches, cache =>
        {
            using var assembly = Compile(Scenario("#GP")).CompileAndLoad(cache);
            Assert.True(Passes(assembly));
        });
        Assert.Single(Directory.GetFiles(_directory));
        Assert.NotNull(caches[0].TryRead(KeyOf(Compile(Scenario("#GP")))));
    }

    [Fact]
    public void A_cache_that_cannot_be_written_only_costs_time()
    {
        File.WriteAllText(_directory, "a file where the cache directory should be");
        try
        {
            using var assembly = Compile(Scenario("#GP")).CompileAndLoad(new CompileCache(_directory, 1 << 20));
            Assert.True(Passes(assembly));
        }
        finally
        {
            File.Delete(_directory);
        }
    }

    [Fact]
    public void Run_fills_the_cache_and_no_cache_leaves_it_alone()
    {
        Directory.CreateDirectory(_directory);
        var cached = Path.Combine(_directory, "cached.kscn");
        var uncached = Path.Combine(_directory, "uncached.kscn");
        File.WriteAllText(cached, Scenario("#GP"));
        File.WriteAllText(uncached, Scenario("#GP"));
        Assert.Equal(0, Invoke("run", cached).ExitCode);
        Assert.Equal(0, Invoke("run", "--no-cache", uncached).ExitCode);
        var user = CompileCache.FromEnvironment();
        Assert.Equal(TestCompileCache.Directory, user.Directory);
        Assert.NotNull(user.TryRead(KeyOf(Compile(Scenario("#GP"), cached))));
        Assert.Null(user.TryRead(KeyOf(Compile(Scenario("#GP"), uncached))));
    }

    private string WriteFile(string prefix, string text)
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, $"{prefix}-{Guid.NewGuid():N}.kscn");
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>The entry kscn run keeps for the file at <paramref name="path"/>, in the tests' cache (named so no other test shares it).</summary>
    private static string EntryOf(string path) =>
        Path.Combine(TestCompileCache.Directory, KeyOf(Compile(File.ReadAllText(path), path)) + ".kscnasm");

    [Fact]
    public void An_entry_with_flipped_bytes_is_discarded_with_a_note_and_compiled_again()
    {
        var path = WriteFile("flipped", Scenario("#GP"));
        var first = Invoke("run", path);
        Assert.Equal((0, ""), (first.ExitCode, first.Error));
        var entry = EntryOf(path);
        var bytes = File.ReadAllBytes(entry);
        for (var i = bytes.Length / 4; i < bytes.Length / 2; i++)
            bytes[i] ^= 0x5a;
        File.WriteAllBytes(entry, bytes);

        // Before: BadImageFormatException on this and every later run, until the entry was deleted by hand.
        var second = Invoke("run", path);
        Assert.Equal((0, first.Out), (second.ExitCode, second.Out));
        Assert.Equal($"kscn: discarded compile cache entry {entry}: its image does not match its hash; compiling again\n", second.Error);
        Assert.Equal((0, first.Out, ""), (Invoke("run", path) is var third ? (third.ExitCode, third.Out, third.Error) : default));
    }

    [Fact]
    public void Another_scenario_s_entry_copied_over_this_one_s_is_discarded()
    {
        var passing = WriteFile("copied-over", Scenario("#GP"));
        var failing = WriteFile("copied", Scenario("ok"));
        var expected = Invoke("run", passing);
        Assert.Equal(0, expected.ExitCode);
        Assert.Equal(1, Invoke("run", failing).ExitCode);
        File.Copy(EntryOf(failing), EntryOf(passing), overwrite: true);

        // Before: the other scenario ran, and its verdict was printed for this one.
        var run = Invoke("run", passing);
        Assert.Equal((0, expected.Out), (run.ExitCode, run.Out));
        Assert.Equal($"kscn: discarded compile cache entry {EntryOf(passing)}: it was written for other sources; compiling again\n", run.Error);
    }

    [Fact]
    public void A_file_has_one_key_however_its_path_is_typed_and_runs_show_the_path_as_typed()
    {
        var absolute = WriteFile("typed", Scenario("ok"));
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, absolute);
        var dotted = Path.Join(Path.GetDirectoryName(absolute), ".", Path.GetFileName(absolute));
        var text = File.ReadAllText(absolute);
        Assert.Equal(KeyOf(Compile(text, absolute)), KeyOf(Compile(text, relative)));
        Assert.Equal(KeyOf(Compile(text, absolute)), KeyOf(Compile(text, dotted)));

        foreach (var typed in new[] { absolute, relative })
        {
            var run = Invoke("run", typed);
            Assert.Equal(1, run.ExitCode);
            Assert.Contains($"  {typed} | ", run.Out, StringComparison.Ordinal);
            Assert.Contains($"    {typed}(", run.Out, StringComparison.Ordinal);
        }
        Assert.True(File.Exists(EntryOf(relative)));
    }

    private static AssemblyImage CompileImage(Compilation compilation)
    {
        var sources = compilation.Units.Select(u => compilation.EmitCSharp(u)).ToArray();
        var (image, diagnostics) = RoslynCompiler.Emit(RoslynCompiler.CreateCompilation(sources, "CacheTest"));
        Assert.Empty(diagnostics);
        return image!;
    }
}
