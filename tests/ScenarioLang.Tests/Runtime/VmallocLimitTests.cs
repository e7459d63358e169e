using ScenarioLang.Compiler.Hosting;
using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Kernel.Mm;
using static ScenarioLang.Runtime.Kernel.Mm.PagingLayout;

namespace ScenarioLang.Tests.Runtime;

/// <summary>
/// vmalloc() fails as v4.2's __vmalloc_node_range() does, with NULL and its warning, before walking a page: for more
/// pages than the machine's 4 GiB, or when the area does not fit below VMALLOC_END (issue 17: a terabyte walked every
/// page for 25 s, and 2^63 bytes wrapped the address space).
/// </summary>
public sealed class VmallocLimitTests
{
    [Theory]
    [InlineData("1000000 MiB", "vmalloc: allocation failure: 1048576000000 bytes")]
    [InlineData("8589934591 GiB", "vmalloc: allocation failure: 9223372035781033984 bytes")]
    [InlineData("4097 MiB", "vmalloc: allocation failure: 4296015872 bytes")]
    public void A_vmalloc_of_more_than_the_machine_has_returns_null_and_the_area_maps_nothing(string size, string warning)
    {
        var result = Run($"scenario \"t\" {{\n  cpus 1\n  cpu0 kernel: vmalloc({size}) -> V\n  cpu0 kernel: touch V -> #PF\n}}\n");

        var vmalloc = result.Entries[0];
        Assert.Equal("returned 0", vmalloc.Failure);
        Assert.Equal([warning], vmalloc.Notes);
        Assert.Equal(Verdict.Pass, result.Entries[1].Verdict);
        Assert.Contains("#PF: swapper_pg_dir[0] is none for 0x0: nothing maps it, an oops", result.Entries[1].Notes);
    }

    [Fact]
    public void A_vmalloc_of_all_the_machines_memory_succeeds()
    {
        var result = Run("scenario \"t\" {\n  cpus 1\n  cpu0 kernel: vmalloc(4 GiB) -> V\n  cpu0 kernel: touch V -> ok\n}\n");

        Assert.Null(result.Entries[0].Failure);
        Assert.Contains("vmalloc area 0xffffc90000000000-0xffffc900ffffffff (4 GiB, then a guard page)", result.Entries[0].Notes);
        Assert.True(result.Passed);
    }

    [Theory]
    [InlineData(VmallocStart, 32UL << 40, true)]
    [InlineData(VmallocStart, (32UL << 40) + 1, false)]
    [InlineData(VmallocEnd + 1 - 8192, 8192, true)]
    [InlineData(VmallocEnd + 1 - 8192, 12288, false)]
    [InlineData(VmallocStart, ulong.MaxValue, false)]
    public void The_vmalloc_space_ends_at_VMALLOC_END_whatever_the_size(ulong free, ulong size, bool fits) =>
        Assert.Equal(fits, VmallocSpace.Fits(free, size));

    private static ScenarioResult Run(string text)
    {
        var compilation = Infrastructure.Kscn.Compile(text);
        Assert.Empty(compilation.Diagnostics);
        using var assembly = compilation.CompileAndLoad();
        var scenario = assembly.Scenarios.Single();
        var run = ScenarioRunner.Run(assembly, scenario, ScenarioRunner.ConfigsFor(scenario, new Dictionary<string, string>()).Single());
        Assert.Null(run.InternalError);
        return run.Result!;
    }
}
