using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Compilation = ScenarioLang.Compiler.Compilation;
using ScenarioLang.Compiler.Emit.TestProject;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Tests.Infrastructure;
using static ScenarioLang.Tests.Infrastructure.Kscn;

namespace ScenarioLang.Tests.Cli;

/// <summary>kscn compile --xunit in process: the files it writes, what it refuses, and that the C# compiles.</summary>
public sealed class CompileCommandTests
{
    private static string Andy => Repository.Full("samples/ioperm/andy-stale-tss-bits.kscn");

    [Fact]
    public void The_project_for_one_sample_matches_its_snapshot()
    {
        using var temp = new TemporaryDirectory();
        var output = Invoke("compile", Andy, "--xunit", "-o", temp.Combine("andy-tests"), "--variant", "ioperm=merged,v2-06-16");
        Assert.Equal(0, output.ExitCode);
        Snapshot.Verify(Transcript(output, temp) + ProjectText(temp.Combine("andy-tests"), temp, withScenarioCode: false), "compile-xunit-andy-stale-tss-bits");
    }

    [Fact]
    public void Without_xunit_compile_exits_2_and_says_it_is_required()
    {
        using var temp = new TemporaryDirectory();
        var output = Invoke("compile", Andy, "-o", temp.Combine("out"));
        Assert.Equal(2, output.ExitCode);
        Assert.Contains("--xunit is required", output.Error);
        Assert.False(Directory.Exists(temp.Combine("out")));
    }

    [Fact]
    public void Without_an_output_directory_compile_exits_2()
    {
        var output = Invoke("compile", Andy, "--xunit");
        Assert.Equal(2, output.ExitCode);
        Assert.Contains("'--output' is required", output.Error);
    }

    [Fact]
    public void A_file_with_errors_exits_2_and_writes_nothing()
    {
        using var temp = new TemporaryDirectory();
        var bad = temp.Combine("bad.kscn");
        File.WriteAllText(bad, "scenario \"x\" {\n  task A root\n  cpu3 A: exec\n}\n");
        var output = Invoke("compile", bad, "--xunit", "-o", temp.Combine("out"));
        Assert.Equal(2, output.ExitCode);
        Assert.Contains($"{bad}(3,3): error KSC0201", output.Error);
        Assert.False(Directory.Exists(temp.Combine("out")));
    }

    [Fact]
    public void A_directory_kscn_did_not_write_is_refused_and_left_alone()
    {
        using var temp = new TemporaryDirectory();
        var mine = temp.Combine("notes.txt");
        File.WriteAllText(mine, "mine");
        var output = Invoke("compile", Andy, "--xunit", "-o", temp.Path);
        Assert.Equal(2, output.ExitCode);
        Assert.Equal($"kscn compile: cannot write '{temp.Path}': it is not empty and holds no earlier output of kscn compile; name a new or empty directory\n", output.Error);
        Assert.Equal([mine], Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Writing_again_replaces_kscn_s_files_only_and_gives_the_same_bytes()
    {
        using var temp = new TemporaryDirectory();
        var project = temp.Combine("tests");
        var fork = Repository.Full("samples/ioperm/fork-shares-bitmap.kscn");
        Assert.Equal(0, Invoke("compile", Andy, "--xunit", "-o", project).ExitCode);
        var first = ProjectText(project, temp);
        Assert.Equal(0, Invoke("compile", Andy, fork, "--xunit", "-o", project).ExitCode);
        Assert.True(File.Exists(Path.Combine(project, "ForkSharesBitmap.Tests.g.cs")));
        File.WriteAllText(Path.Combine(project, "Mine.cs"), "// the user's");
        Directory.CreateDirectory(Path.Combine(project, "obj"));

        Assert.Equal(0, Invoke("compile", Andy, "--xunit", "-o", project).ExitCode);

        // The file no longer compiled leaves no test behind; what kscn did not write stays.
        Assert.False(File.Exists(Path.Combine(project, "ForkSharesBitmap.Tests.g.cs")));
        Assert.True(File.Exists(Path.Combine(project, "Mine.cs")));
        Assert.True(Directory.Exists(Path.Combine(project, "obj")));
        Assert.Equal(first, ProjectText(project, temp));
    }

    [Fact]
    public void Every_sample_s_generated_csharp_compiles_with_warnings_as_errors()
    {
        var compilation = Compilation.Create(Repository.SampleFiles().Select(f => SourceText.Load(Repository.Full(f))));
        var project = XunitProjectWriter.Create(compilation, [EmptyOverrides], "samples");
        Assert.Empty(RoslynErrors(project));
        // A test per scenario and kernel: copy-costs-1000-switches.kscn names several kernels.
        var runs = compilation.Units.SelectMany(u => u.Scenarios).Sum(s => s.Variants.Aggregate(1, (product, choice) => product * choice.Variants.Length));
        Assert.True(runs > compilation.Units.Sum(u => u.Scenarios.Length));
        Assert.Equal(runs, project.TestCount);
    }

    [Fact]
    public void Names_that_collide_or_are_not_identifiers_still_compile()
    {
        // Two files named edges.kscn, a scenario named like its class, names alike once punctuation is dropped,
        // a leading digit and a non-ASCII letter.
        const string steps = " {\n  cpus 1\n  task A root\n  cpu0 A: outb 0x80 -> #GP\n}\n";
        string[] names = ["edges", "a b", "a-b", "2 cpus", "\u00e9t\u00e9", "Edges2"];
        var compilation = Compilation.Create(
            SourceText.From(string.Concat(names.Select(n => $"scenario \"{n}\"" + steps)), "one/edges.kscn"),
            SourceText.From("scenario \"edges\"" + steps, "two/edges.kscn"));
        Assert.False(compilation.HasErrors);
        var project = XunitProjectWriter.Create(compilation, [EmptyOverrides], "names");
        Assert.Empty(RoslynErrors(project));
        var tests = project.Files.Where(f => f.Path.EndsWith(".Tests.g.cs", StringComparison.Ordinal)).Select(f => f.Path);
        Assert.Equal(["Edges.Tests.g.cs", "Edges2.Tests.g.cs"], tests);
    }

    [Fact]
    public void The_package_versions_and_framework_are_the_repository_s()
    {
        var versions = XDocument.Load(Repository.Full("Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(p => (string)p.Attribute("Include")!, p => (string)p.Attribute("Version")!);
        Assert.All(TestProjectPackages.Packages, package => Assert.Equal(versions[package.Id], package.Version));
        var framework = XDocument.Load(Repository.Full("Directory.Build.props")).Descendants("TargetFramework").Single().Value;
        Assert.Equal(TestProjectPackages.TargetFramework, framework);
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyOverrides = new Dictionary<string, string>();

    private static string Transcript(KscnOutput output, TemporaryDirectory temp) => output.Transcript.Replace(temp.Path, "TEMP", StringComparison.Ordinal);

    /// <summary>
    /// Every file kscn wrote, in its order, with its text; the copied assemblies by name only, and the scenarios' C#
    /// too unless <paramref name="withScenarioCode"/> (the emitter's own snapshots cover it).
    /// </summary>
    private static string ProjectText(string project, TemporaryDirectory temp, bool withScenarioCode = true)
    {
        var manifest = File.ReadAllLines(Path.Combine(project, ProjectDirectory.ManifestName));
        var text = $"--- {ProjectDirectory.ManifestName}\n" + string.Concat(manifest.Select(l => l + "\n"));
        var shown = manifest.Where(l => !l.StartsWith('#') && !l.EndsWith(".dll", StringComparison.Ordinal) &&
                                        (withScenarioCode || !l.EndsWith(".kscn.g.cs", StringComparison.Ordinal)));
        foreach (var file in shown)
            text += $"--- {file}\n" + File.ReadAllText(Path.Combine(project, file));
        return text.Replace(Repository.Root + "/", "", StringComparison.Ordinal).Replace(temp.Path, "TEMP", StringComparison.Ordinal);
    }

    /// <summary>The Roslyn errors of the project's C#, compiled against xunit and the runtime with every warning an error.</summary>
    internal static IEnumerable<Microsoft.CodeAnalysis.Diagnostic> RoslynErrors(GeneratedProject project)
    {
        // The test host's platform assemblies include its own dependencies: xunit and ScenarioLang.Runtime.
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(p => MetadataReference.CreateFromFile(p));
        var trees = project.Files.Where(f => f.Path.EndsWith(".cs", StringComparison.Ordinal))
            .Select(f => CSharpSyntaxTree.ParseText(f.Text, new CSharpParseOptions(LanguageVersion.Latest), f.Path));
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable,
            generalDiagnosticOption: ReportDiagnostic.Error, warningLevel: 9999);
        return CSharpCompilation.Create(project.Name, trees, references, options).GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning);
    }
}

/// <summary>A new directory, under the system's temporary folder or <c>parent</c>, deleted with what it holds.</summary>
internal sealed class TemporaryDirectory(string? parent = null) : IDisposable
{
    public string Path { get; } = parent is null
        ? Directory.CreateTempSubdirectory("kscn-compile-").FullName
        : Directory.CreateDirectory(System.IO.Path.Combine(parent, $"kscn-compile-{Guid.NewGuid():N}")).FullName;

    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
