using ScenarioLang.Runtime.Kernel.Mm;
using ScenarioLang.Runtime.Mechanisms.PgdSync;
using ScenarioLang.Runtime;
using static ScenarioLang.Runtime.Kernel.Mm.PagingLayout;

namespace ScenarioLang.Tests.Runtime;

/// <summary>
/// Sizes near 2^64 do bounded work and fail as the kernel does (issue 17). vmalloc() returns NULL with v4.2's warning
/// before walking a page, for more pages than the machine's 4 GiB or an area that does not fit below VMALLOC_END (a
/// terabyte walked every page for 25 s, and 2^63 bytes wrapped the address space); a user access that reaches
/// TASK_SIZE_MAX gets SIGSEGV there (a range wrapping past 2^64 read as "ok"; a length that large is now KSC0236 before
/// the run, see RepeatLimitTests, so a range crossing TASK_SIZE_MAX is tested here).
/// </summary>
public sealed class HugeSizeTests
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

    [Theory]
    [InlineData("read(0xfffffffffffff000, 0x2000)", "read of 0xfffffffffffff000: a kernel address: SIGSEGV delivered to A")]
    [InlineData("write(0x7ffffffff000, 1)", "write of 0x7ffffffff000: a kernel address: SIGSEGV delivered to A")]
    [InlineData("read(0x7fffffffe000, 0x10000)", "read of 0x7fffffffe000: no vma: SIGSEGV delivered to A")]
    [InlineData("read(0x40000000, 2 GiB)", "read of 0x80000000: no vma: SIGSEGV delivered to A")]
    public void A_user_access_past_the_user_half_faults_where_it_leaves_it(string access, string note)
    {
        var result = Run("scenario \"t\" {\n  cpus 1\n  task A root\n"
            + "  cpu0 A: mmap(0x40000000, 1 GiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) -> 0x40000000\n"
            + $"  cpu0 A: {access} -> SIGSEGV\n}}\n");

        var step = result.Entries.Single(e => e.Step.Text.StartsWith($"cpu0 A: {access}", StringComparison.Ordinal));
        Assert.Equal(Verdict.Pass, step.Verdict);
        Assert.Equal([note], step.Notes);
    }

    private static ScenarioResult Run(string text) => Infrastructure.Kscn.RunSingle(text);
}
