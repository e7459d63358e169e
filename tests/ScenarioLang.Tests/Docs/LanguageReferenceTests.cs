using System.Text.RegularExpressions;
using ScenarioLang.Compiler.Binding;
using ScenarioLang.Compiler.Hosting;
using ScenarioLang.Runtime.Catalog;
using ScenarioLang.Runtime;
using ScenarioLang.Tests.Infrastructure;
using static ScenarioLang.Tests.Infrastructure.Kscn;

namespace ScenarioLang.Tests.Docs;

/// <summary>The examples of docs/language.md are real: each kscn block checks clean and, on the default kernel, passes.</summary>
public sealed partial class LanguageReferenceTests
{
    public static TheoryData<int, string> Examples()
    {
        var reference = File.ReadAllText(Path.Combine(Repository.Root, "docs/language.md"));
        var data = new TheoryData<int, string>();
        foreach (Match block in KscnBlock().Matches(reference))
            data.Add(reference[..block.Index].Count(c => c == '\n') + 2, block.Groups[1].Value);
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_checks_clean_and_passes_on_its_kernels(int line, string text)
    {
        var compilation = Compile(text, $"language.md:{line}");
        Assert.Empty(compilation.Diagnostics.Select(d => d.ToString()));
        using var assembly = compilation.CompileAndLoad();
        foreach (var scenario in assembly.Scenarios)
        foreach (var config in ScenarioRunner.ConfigsFor(scenario, new Dictionary<string, string>()))
        {
            var run = ScenarioRunner.Run(assembly, scenario, config);
            Assert.True(run.Passed, $"example at docs/language.md line {line}, scenario \"{scenario.Bound.Name}\": {run.InternalError ?? (run.Result is null ? "" : ScenarioLang.Runtime.Tracing.TraceFormatter.Format(run.Result))}");
        }
    }

    [Fact]
    public void The_properties_table_lists_the_catalog_in_order_with_its_types_and_mechanisms()
    {
        var table = Section("### Properties", "\n\n");
        var rows = PropertyRow().Matches(table).Select(m => (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value)).ToArray();
        var catalog = KernelCatalog.Properties.Select(p => (p.Display, TypeName(p.Type), KernelCatalog.OwnerOf(p)?.Name ?? "—")).ToArray();
        Assert.Equal(catalog, rows);
    }

    [Fact]
    public void The_steps_table_lists_the_catalog_in_order_with_its_mechanisms_and_kernel_functions()
    {
        var rows = Section("### Every step", "\n\n").Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal));
        var catalog = KernelCatalog.Steps.Select(s => $"| `{Cell(s.Signature)}` | {KernelCatalog.OwnerOf(s)?.Name ?? "—"} | {Cell(s.Models)} |");
        Assert.Equal(string.Join('\n', catalog), string.Join('\n', rows));
    }

    [Fact]
    public void The_expected_results_table_says_what_every_step_can_return()
    {
        var steps = Section("### Expected results", "\n\n").Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal))
            .SelectMany(l => Code().Matches(l.Split(" | ")[0]).Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);
        var declared = KernelCatalog.Steps.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(declared.Order(StringComparer.Ordinal), steps.Order(StringComparer.Ordinal));
    }

    /// <summary>A table cell's text: a pipe would end the cell.</summary>
    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    [Fact]
    public void Every_variant_of_every_mechanism_has_a_row_in_the_kernel_variants_section()
    {
        var section = Section("## 10. Kernel variants", "## 11.");
        foreach (var mechanism in KernelCatalog.Mechanisms)
        {
            Assert.Contains($"kernel {mechanism.Name} = V", Reference, StringComparison.Ordinal);
            foreach (var variant in mechanism.Variants)
                Assert.Contains($"| `{variant.Name}`{(variant.Name == mechanism.Default ? " (default)" : "")} |", section, StringComparison.Ordinal);
        }
    }

    private static string Reference => File.ReadAllText(Path.Combine(Repository.Root, "docs/language.md"));

    /// <summary>The text from a heading to the first <paramref name="end"/> after its first table.</summary>
    private static string Section(string heading, string end)
    {
        var start = Reference.IndexOf(heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, heading);
        var table = Reference.IndexOf("\n|", start, StringComparison.Ordinal);
        var stop = Reference.IndexOf(end, table + 1, StringComparison.Ordinal);
        return Reference[start..stop];
    }

    private static string TypeName(PropertyType type) => type switch
    {
        PropertyType.Name => "name",
        _ => type.ToString().ToLowerInvariant(),
    };

    [GeneratedRegex(@"`([a-z_]+)`")]
    private static partial Regex Code();

    [GeneratedRegex(@"```kscn\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex KscnBlock();

    /// <summary>A row of the properties table: | `tss(cpuN).prev_max` | bytes | ioperm | … |</summary>
    [GeneratedRegex(@"^\| `([^`]+)` \| ([a-z_]+) \| ([a-z_—-]+) \|", RegexOptions.Multiline)]
    private static partial Regex PropertyRow();
}
