using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Mechanisms.Ioport;
using static ScenarioLang.Tests.Runtime.Kscn;

namespace ScenarioLang.Tests.Runtime;

/// <summary>Seed 002's proposals: Brian Gerst's remapped bitmap and hpa's per-thread TSS.</summary>
public sealed class Seed002ProposalTests
{
    private static IoportModel Model(Sim sim) => sim.Kernel.Mechanism<IoportModel>();

    [Fact]
    public void Remap_copies_nothing_and_the_CPU_checks_the_task_bitmap_through_the_mapping()
    {
        var sim = Sim.RootA(IopermVariant.Remap, "B").Ioperm("A", 0x80, 1, On, Zero);

        Assert.Same(sim.Bitmap("A")!.Bitmap, sim.Tss().BitmapPages);
        Assert.Equal(0, sim.Tss().BytesCopied);
        sim.Port("A", 0x80, Ok).Port("A", 0x81, GP);
        // A's later change is in the mapped pages at once: nothing to copy, nothing to flush.
        sim.Ioperm("A", 0x81, 1, On, Zero).Port("A", 0x81, Ok);
        Assert.Equal((2, 0), (Model(sim).Cpus[0].PteWrites, Model(sim).Cpus[0].Invlpg));
        sim.Run("B").Port("B", 0x80, GP);
        sim.Finish();
    }

    [Fact]
    public void Remap_unmaps_a_freed_bitmap_from_every_CPU_with_a_shootdown()
    {
        var sim = new Sim(IopermVariant.Remap, 2, Root("A"), Root("S"), Root("T")).Run("A", 0).Ioperm("A", 0x80, 1, On, Zero);
        sim.Run("T", 1).Run("S", 0).Run("A", 1).Port("A", 0x80, Ok).Run("T", 1).Run("A", 0);
        var cpus = Model(sim).Cpus;
        Assert.All(cpus, c => Assert.Same(sim.Bitmap("A"), c.Mapped));

        sim.Exit("A");

        Assert.All(cpus, c => Assert.Null(c.Mapped));
        Assert.Null(sim.Tss(0).BitmapPages);
        Assert.Null(sim.Tss(1).BitmapPages);
        // One flush_tlb_kernel_range() per mapping CPU's cpu_entry_area slot: 2 × (1 IPI, 2 invlpg on each of 2 CPUs).
        Assert.Equal((2, 8), (cpus.Sum(c => c.FlushIpis), cpus.Sum(c => c.Invlpg)));
        sim.Finish();
    }

    [Fact]
    public void Hpa_tss_loads_the_thread_TSS_copies_fields_on_migration_and_reports_Brians_objection_once()
    {
        var sim = new Sim(IopermVariant.PerThreadTss, 2, Root("A"), Root("S"), Root("T")).Run("A", 0).Ioperm("A", 0x80, 1, On, Zero);
        var tss = sim["A"].Thread.IoTss!;
        Assert.Same(tss, Model(sim).Cpus[0].TaskRegister);
        sim.Port("A", 0x80, Ok).Port("A", 0x81, GP);

        sim.Run("T", 1).Run("S", 0).Run("A", 1).Port("A", 0x80, Ok);

        Assert.Null(Model(sim).Cpus[0].TaskRegister);
        Assert.Null(sim.Tss(0).BitmapPages);
        Assert.Equal(1, tss.Cpu);
        Assert.Equal(2 * ThreadTss.MigratedFieldBytes, Model(sim).Cpus.Sum(c => c.TssFieldBytes));
        sim.Exit("A");
        Assert.True(tss.Freed);
        var finding = Assert.Single(sim.Finish(FindingKind.Oops).Findings);
        Assert.Equal(ThreadTss.KindName, finding.ObjectKind);
    }
}
