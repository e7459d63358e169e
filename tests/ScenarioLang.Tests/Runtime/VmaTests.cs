using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Kernel.Mm;

namespace ScenarioLang.Tests.Runtime;

/// <summary>
/// An mm's vmas as do_mmap() and the fault path look them up (by binary search over the vmas sorted by address, as
/// the kernel's maple tree): a hint taken when free, the highest gap below mmap_base that fits otherwise, a fault in
/// the vma that holds the address, and the map count limit of mm/mmap.c.
/// </summary>
public sealed class VmaTests
{
    private const ulong Page = 4096;
    private const int Prot = 1; // PROT_READ
    private const int Anonymous = Mman.MapPrivate | Mman.MapAnonymous;

    [Fact]
    public void The_limit_is_the_kernels_default_max_map_count() =>
        Assert.Equal(65530, UserMemory.MaxMapCount); // include/linux/mm.h: USHRT_MAX - MAPCOUNT_ELF_CORE_MARGIN

    [Fact]
    public void Do_mmap_refuses_a_mapping_once_the_mm_holds_more_than_max_map_count()
    {
        var sim = new Sim(KernelConfig.Default, MemoryModel.Sc, 1, Kscn.User("A")).Run("A");
        var mm = sim["A"].Mm!;
        // One-page vmas a page apart, from 1 GiB up: no two adjacent, as the kernel would not merge them either.
        for (var i = 0UL; i < UserMemory.MaxMapCount; i++)
            UserMemory.Insert(mm, new VmArea(mm, (1UL << 30) + 2 * i * Page, (1UL << 30) + (2 * i + 1) * Page, Prot, shared: false, file: null, offset: 0));

        // mm->map_count == sysctl_max_map_count: still allowed ("> sysctl_max_map_count" refuses).
        sim.Mmap("A", 0, Page, Prot, Anonymous, Outcome.Address((long)(UserLayout.MmapBase - Page)));
        sim.Mmap("A", 0, Page, Prot, Anonymous, Kscn.Fails(Errno.ENOMEM));
        sim.Mmap("A", UserLayout.MmapBase, Page, Prot, Anonymous | Mman.MapFixed, Kscn.Fails(Errno.ENOMEM));
        Assert.Equal(UserMemory.MaxMapCount + 1, mm.Vmas.Count);
        sim.Finish();
    }

    [Fact]
    public void A_mapping_without_a_free_hint_takes_the_top_of_the_highest_gap_below_mmap_base_that_fits()
    {
        var sim = new Sim(KernelConfig.Default, MemoryModel.Sc, 1, Kscn.User("A")).Run("A");
        var top = UserLayout.MmapBase;
        // Below mmap_base: [top - 2, top) pages, a one-page gap, [top - 5, top - 3), a four-page gap, [top - 12, top - 9).
        sim.Mmap("A", top - 2 * Page, 2 * Page, Prot, Anonymous | Mman.MapFixed, Outcome.Address((long)(top - 2 * Page)))
            .Mmap("A", top - 5 * Page, 2 * Page, Prot, Anonymous | Mman.MapFixed, Outcome.Address((long)(top - 5 * Page)))
            .Mmap("A", top - 12 * Page, 3 * Page, Prot, Anonymous | Mman.MapFixed, Outcome.Address((long)(top - 12 * Page)))
            // A taken hint is ignored; two pages fit only in the four-page gap, at its top.
            .Mmap("A", top - 2 * Page, 2 * Page, Prot, Anonymous, Outcome.Address((long)(top - 7 * Page)))
            // One page fits in the one-page gap; a free hint is taken as it is.
            .Mmap("A", 0, Page, Prot, Anonymous, Outcome.Address((long)(top - 3 * Page)))
            .Mmap("A", 1UL << 30, Page, Prot, Anonymous, Outcome.Address(1L << 30));
        Assert.Equal(
            [1UL << 30, top - 12 * Page, top - 7 * Page, top - 5 * Page, top - 3 * Page, top - 2 * Page],
            sim["A"].Mm!.Vmas.Select(v => v.Start));
        sim.Finish();
    }
}
