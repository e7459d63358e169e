using ScenarioLang.Runtime.Kernel.Mm;
using ScenarioLang.Runtime.Mechanisms.Ioport;
using ScenarioLang.Runtime.Mechanisms.PgdSync;
using ScenarioLang.Runtime.Mechanisms.Ptshare;
using ScenarioLang.Runtime;
using ScenarioLang.Tests.Infrastructure;

namespace ScenarioLang.Tests.Runtime;

/// <summary>What the generated xunit tests call: ScenarioCheck, and the configuration names they pass it.</summary>
public sealed class ScenarioCheckTests
{
    private const string Andy = "samples/ioperm/andy-stale-tss-bits.kscn";

    [Fact]
    public void A_scenario_that_holds_passes_and_one_that_fails_throws_its_trace_with_the_kscn_location()
    {
        var compilation = Infrastructure.Kscn.Compile(File.ReadAllText(Repository.Full(Andy)), Andy);
        using var assembly = compilation.CompileAndLoad();
        var scenario = assembly.Scenarios.Single();

        ScenarioCheck.Passes(assembly.Instantiate(scenario), KernelConfig.Default.With(IopermVariant.Merged));
        var failure = Assert.Throws<ScenarioFailedException>(() => ScenarioCheck.Passes(assembly.Instantiate(scenario), KernelConfig.Default.With(IopermVariant.V2Patch06)));

        Assert.StartsWith("scenario \"stale TSS bits let B use ports only A enabled\"\n", failure.Message);
        Assert.EndsWith($"  FAIL: 1 of 7 expectations failed\n    {Andy}(23,3): failed: cpu0 B: outb 0x3f8 -> #GP (got ok)\n", failure.Message);
    }

    [Fact]
    public void Every_configuration_s_names_give_it_back()
    {
        var configs =
            from ioperm in Enum.GetValues<IopermVariant>()
            from pgd in Enum.GetValues<PgdVariant>()
            from ptshare in Enum.GetValues<PtshareVariant>()
            select KernelConfig.Default.With(ioperm).With(pgd).With(ptshare);
        Assert.All(configs, config => Assert.Equal(config, KernelConfig.FromNames(config.Names.ToDictionary())));
    }
}
