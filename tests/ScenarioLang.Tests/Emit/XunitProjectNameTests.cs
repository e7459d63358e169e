using ScenarioLang.Compiler.Emit.TestProject;
using ScenarioLang.Compiler.Hosting;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Runtime;
using ScenarioLang.Tests.Cli;
using ScenarioLang.Tests.Infrastructure;
using static ScenarioLang.Tests.Infrastructure.Kscn;
using Compilation = ScenarioLang.Compiler.Compilation;

namespace ScenarioLang.Tests.Emit;

/// <summary>
/// kscn compile --xunit builds for any input kscn run accepts (issue 17): names taken from titles, file names and task
/// names are bounded, unique ignoring case and clear of object's members, and a project is written whole or not at all.
/// </summary>
public sealed class XunitProjectNameTests
{
    private const string Steps = " {\n  cpus 1\n  task A root\n  cpu0 A: outb 0x80 -> #GP\n}\n";

    private static readonly IReadOnlyDictionary<string, string> AsWritten = new Dictionary<string, string>();

    private static GeneratedProject ProjectOf(params SourceText[] sources)
    {
        var compilation = Compilation.Create(sources);
        Assert.Empty(compilation.Diagnostics);
        return XunitProjectWriter.Create(compilation, [AsWritten], "names");
    }

    private static IEnumerable<string> TestMethods(GeneratedProject project) =>
        project.Files.Where(f => f.Path.EndsWith(".Tests.g.cs", StringComparison.Ordinal))
            .SelectMany(f => f.Text.Split('\n'))
            .Where(l => l.TrimStart().StartsWith("public void ", StringComparison.Ordinal))
            .Select(l => l.Trim()["public void ".Length..].Split('(')[0]);

    [Theory]
    [InlineData("ToString")]
    [InlineData("GetHashCode")]
    [InlineData("GetType")]
    [InlineData("MemberwiseClone")]
    [InlineData("Finalize")]
    [InlineData("Equals")]
    [InlineData("ReferenceEquals")]
    public void A_title_naming_a_member_of_object_compiles_with_warnings_as_errors(string title)
    {
        var project = ProjectOf(SourceText.From($"scenario \"{title}\"" + Steps, "members.kscn"));
        Assert.Empty(CompileCommandTests.RoslynErrors(project).Select(d => d.ToString()));
        Assert.Equal([title + "2"], TestMethods(project));
    }

    [Fact]
    public void Long_titles_become_bounded_names_that_stay_apart()
    {
        // Two titles alike for their first 1,500 characters, and one of 5,000: CS7013 past 1,023 bytes before.
        var common = new string('x', 1500);
        var project = ProjectOf(SourceText.From(
            $"scenario \"{common} one\"" + Steps + $"scenario \"{common} two\"" + Steps + $"scenario \"{new string('y', 5000)}\"" + Steps, "long.kscn"));
        Assert.Empty(CompileCommandTests.RoslynErrors(project).Select(d => d.ToString()));
        var methods = TestMethods(project).ToList();
        Assert.Equal(3, methods.Distinct(StringComparer.Ordinal).Count());
        Assert.All(methods, m => Assert.InRange(m.Length, 100, 128));
        Assert.All(methods.Take(2), m => Assert.Matches("^Xx+_[0-9a-f]{16}$", m));
        // Stable: the same title gives the same name in every run.
        Assert.Equal(methods, TestMethods(ProjectOf(SourceText.From(
            $"scenario \"{common} one\"" + Steps + $"scenario \"{common} two\"" + Steps + $"scenario \"{new string('y', 5000)}\"" + Steps, "long.kscn"))));
    }

    [Fact]
    public void Files_whose_names_differ_only_in_punctuation_or_case_get_files_apart_ignoring_case()
    {
        // ab.kscn and a_b.kscn made classes Ab and AB: files MSBuild took for one item twice (NETSDK1022).
        var project = ProjectOf(SourceText.From("scenario \"s\"" + Steps, "dir/ab.kscn"), SourceText.From("scenario \"s\"" + Steps, "dir/a_b.kscn"),
            SourceText.From("scenario \"s\"" + Steps, "dir/AB.kscn"));
        var paths = project.Files.Select(f => f.Path).ToList();
        Assert.Equal(paths.Count, paths.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains("AB2.Tests.g.cs", paths);
        Assert.Empty(CompileCommandTests.RoslynErrors(project).Select(d => d.ToString()));
    }

    [Fact]
    public void A_file_name_of_250_characters_compiles_into_a_project()
    {
        using var temp = new TemporaryDirectory();
        var source = temp.Combine(new string('f', 245) + ".kscn");
        File.WriteAllText(source, "scenario \"s\"" + Steps);
        var output = Invoke("compile", source, "--xunit", "-o", temp.Combine("out"));
        Assert.Equal((0, ""), (output.ExitCode, output.Error));
        Assert.All(Directory.GetFiles(temp.Combine("out")), f => Assert.InRange(Path.GetFileName(f).Length, 1, 160));
        Assert.Equal(0, Invoke("compile", source, "--xunit", "-o", temp.Combine("out")).ExitCode);
    }

    [Fact]
    public void A_project_that_cannot_be_written_whole_leaves_the_directory_as_it_was()
    {
        using var temp = new TemporaryDirectory();
        var project = ProjectOf(SourceText.From("scenario \"s\"" + Steps, "s.kscn"));
        // A file name no file system takes, after files that can be written.
        var unwritable = project with { Files = [.. project.Files, new ProjectFile(new string('n', 300) + ".cs", "")] };

        Assert.ThrowsAny<IOException>(() => ProjectDirectory.Write(unwritable, temp.Combine("new")));
        Assert.False(Directory.Exists(temp.Combine("new")));

        ProjectDirectory.Write(project, temp.Combine("earlier"));
        var before = Directory.GetFileSystemEntries(temp.Combine("earlier"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        Assert.ThrowsAny<IOException>(() => ProjectDirectory.Write(unwritable, temp.Combine("earlier")));
        Assert.Equal(before, Directory.GetFileSystemEntries(temp.Combine("earlier"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
        // And a second run writes it, where a half-written project used to be refused.
        ProjectDirectory.Write(project, temp.Combine("earlier"));
    }

    /// <summary>Refused before the command runs, as any empty value is (KscnCli.Refusal; docs/fuzzing.md, finding 3).</summary>
    [Fact]
    public void An_empty_output_directory_is_refused_with_exit_2()
    {
        var output = Invoke("compile", Repository.Full("samples/ioperm/andy-stale-tss-bits.kscn"), "--xunit", "-o", "");
        Assert.Equal((2, "-o takes a value, not ''\nRun 'kscn --help' for usage.\n"), (output.ExitCode, output.Error));
    }

    [Fact]
    public void A_task_name_of_1100_characters_runs()
    {
        // Its C# local was task_NAME: CS7013 past 1,023 bytes, so an internal error of kscn run.
        var name = "T" + new string('a', 1099);
        var twin = "T" + new string('a', 1098) + "b";
        var compilation = Compile($"scenario \"long task\" {{\n  cpus 1\n  task {name} root\n  task {twin} root\n  cpu0 {name}: outb 0x80 -> #GP\n  cpu0 switch {twin}\n  cpu0 {twin}: outb 0x80 -> #GP\n}}\n");
        Assert.Empty(compilation.Diagnostics);
        using var assembly = compilation.CompileAndLoad();
        var scenario = assembly.Scenarios.Single();
        Assert.True(ScenarioRunner.Run(assembly, scenario, KernelConfig.Default).Passed);
        var text = compilation.EmitCSharp(compilation.Units[0]).Text;
        Assert.DoesNotContain("var task_" + name, text, StringComparison.Ordinal);
    }
}
