using ScenarioLang.Compiler.Hosting;
using ScenarioLang.Compiler;
using ScenarioLang.Runtime.Mechanisms.Ioport;
using ScenarioLang.Runtime;
using static ScenarioLang.Tests.Infrastructure.Kscn;

namespace ScenarioLang.Tests.Binding;

/// <summary><c>kernel M = V1, V2</c> and <c>kernel M = *</c>: a scenario that runs once per variant.</summary>
public sealed class VariantMatrixTests
{
    private static IReadOnlyList<string> Configs(string settings, params (string Mechanism, string Variant)[] overrides)
    {
        var compilation = Compile(InScenario(settings));
        Assert.Empty(compilation.Diagnostics.Select(d => d.ToString()));
        var scenario = new CompiledScenario(compilation.Units.Single().Scenarios.Single(), "unused");
        return ScenarioRunner.ConfigsFor(scenario, overrides.ToDictionary(o => o.Mechanism, o => o.Variant)).Select(c => c.DescribeFor(["ioperm"])).ToList();
    }

    [Fact]
    public void A_list_runs_each_variant_in_the_order_written()
    {
        Assert.Equal(["ioperm=merged", "ioperm=pre-5.5"], Configs("  kernel ioperm = merged, pre-5.5"));
    }

    [Fact]
    public void A_star_runs_every_variant_in_the_catalog_order()
    {
        var every = IoportMechanism.Declaration.Variants.Select(v => "ioperm=" + v.Name);
        Assert.Equal(every, Configs("  kernel ioperm = *"));
    }

    [Fact]
    public void Two_matrices_run_every_combination()
    {
        Assert.Equal(
            ["ioperm=merged, pgd=late-mb", "ioperm=merged, pgd=late-wmb", "ioperm=pre-5.5, pgd=late-mb", "ioperm=pre-5.5, pgd=late-wmb"],
            Configs("  kernel pgd = late-mb, late-wmb\n  kernel ioperm = merged, pre-5.5"));
    }

    [Fact]
    public void A_variant_option_replaces_the_files_choice_of_its_mechanism_only()
    {
        Assert.Equal(["ioperm=v2-06-16, pgd=late-mb", "ioperm=v2-06-16, pgd=late-wmb"],
            Configs("  kernel pgd = late-mb, late-wmb\n  kernel ioperm = merged, pre-5.5", ("ioperm", "v2-06-16")));
    }

    [Fact]
    public void A_single_variant_is_one_run()
    {
        Assert.Equal(["ioperm=pre-5.5"], Configs("  kernel ioperm = pre-5.5"));
        Assert.Equal(["ioperm=merged"], Configs(""));
    }

    [Fact]
    public void Test_prints_a_line_per_variant_and_run_a_table()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("kscn-matrix-").FullName, "matrix.kscn");
        // A has not called ioperm(): its port access faults under every kernel.
        File.WriteAllText(path, InScenario("  kernel ioperm = pre-5.5, merged\n  cpu0 A: outb 0x80 -> #GP"));
        var test = Invoke("test", path);
        Assert.Equal(0, test.ExitCode);
        Assert.Contains("[ioperm=pre-5.5] PASS", test.Out);
        Assert.Contains("[ioperm=merged] PASS", test.Out);
        Assert.EndsWith("2 passed, 0 failed\n", test.Out);
        var run = Invoke("run", path);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("variant ", run.Out);
        Assert.Contains("  ioperm=pre-5.5 ", run.Out);
    }

    [Fact]
    public void A_saved_counterexample_of_a_matrix_names_the_variant_that_failed()
    {
        var dir = Directory.CreateTempSubdirectory("kscn-matrix-").FullName;
        var source = File.ReadAllText(Path.Combine(Infrastructure.Repository.Samples, "pgd/late-wmb.kscn"))
            .Replace("kernel pgd = late-wmb-intended", "kernel pgd = locked-list, late-wmb-intended", StringComparison.Ordinal);
        var path = Path.Combine(dir, "matrix.kscn");
        var replay = Path.Combine(dir, "replay.kscn");
        File.WriteAllText(path, source);
        // The lost entry is the file's known failure under late-wmb-intended: the run passes, and so does its replay,
        // which keeps the mark and fails as it says.
        Assert.Equal(0, Invoke("explore", path, "--save", replay).ExitCode);
        var text = File.ReadAllText(replay);
        Assert.Contains("  kernel pgd = late-wmb-intended\n", text);
        Assert.DoesNotContain("locked-list", text);
        var replayed = Invoke("run", replay);
        Assert.Equal(0, replayed.ExitCode);
        Assert.Contains("KNOWN FAILURE: ", replayed.Out);
    }
}
