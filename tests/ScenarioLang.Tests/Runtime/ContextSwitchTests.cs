using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Mechanisms.Ioport;
using ScenarioLang.Runtime.Machine;
using static ScenarioLang.Tests.Runtime.Kscn;

namespace ScenarioLang.Tests.Runtime;

/// <summary>switch_to_bitmap() and the exit to user mode: what the TSS holds after a context switch, and the leaks.</summary>
public sealed class ContextSwitchTests
{
    [Theory]
    [InlineData(IopermVariant.Pre55, IoBitmapBase.ValidMap)]
    [InlineData(IopermVariant.V2Patch06, IoBitmapBase.Invalid)]
    [InlineData(IopermVariant.Merged, IoBitmapBase.Invalid)]
    [InlineData(IopermVariant.Merged55, IoBitmapBase.Invalid)]
    public void Every_CPU_boots_with_the_variants_base_and_an_all_denied_map(IopermVariant variant, IoBitmapBase boot)
    {
        var sim = new Sim(variant, 2, Root("A"));
        foreach (var cpu in sim.Machine.Cpus)
        {
            Assert.Equal(boot, cpu.Tss.IoBitmapBase);
            Assert.False(cpu.Tss.MapAllows(0));
            Assert.False(cpu.Tss.MapAllows(0xffff));
        }
    }

    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void Merged_switching_away_invalidates_the_base_and_leaves_the_bits(IopermVariant variant)
    {
        var sim = Sim.RootA(variant, "B").Ioperm("A", 0x80, 1, On, Zero).Run("B");
        Assert.Equal(IoBitmapBase.Invalid, sim.Tss().IoBitmapBase);
        Assert.True(sim.Tss().MapAllows(0x80));
        sim.Port("B", 0x80, GP).Finish();
    }

    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void Merged_switching_back_with_an_unchanged_sequence_copies_nothing(IopermVariant variant)
    {
        var sim = Sim.RootA(variant, "B").Ioperm("A", 0x80, 1, On, Zero);
        Assert.Equal(24, sim.Tss().BytesCopied);

        sim.Run("B").Run("A");

        Assert.Equal(24, sim.Tss().BytesCopied);
        Assert.Equal(IoBitmapBase.ValidMap, sim.Tss().IoBitmapBase);
        sim.Port("A", 0x80, Ok).Port("A", 0x81, GP).Finish();
    }

    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void Merged_a_CPU_holding_an_older_sequence_copies_again(IopermVariant variant)
    {
        var sim = new Sim(variant, 2, Root("A")).Run("A", 0).Ioperm("A", 0x80, 1, On, Zero);
        Assert.Equal(24, sim.Observe.TssBytesCopied(0));

        // Migrate to cpu1: its TSS never held this bitmap.
        sim.RunIdle(0).Run("A", 1);
        Assert.Equal(24, sim.Observe.TssBytesCopied(1));
        sim.Ioperm("A", 0x3f8, 1, On, Zero);

        // Back on cpu0, whose prev_sequence is the first one: copy max(prev_max 24, max 128).
        sim.RunIdle(1).Run("A", 0);
        Assert.Equal(24 + 128, sim.Observe.TssBytesCopied(0));
        Assert.Equal(sim.Observe.BitmapSequence(sim["A"]), sim.Observe.TssPrevSequence(0));
        sim.Port("A", 0x3f8, Ok).Finish();
    }

    [Fact]
    public void Pre55_switching_out_clears_the_previous_tasks_max_bytes()
    {
        var sim = Sim.RootA(IopermVariant.Pre55, "B").Ioperm("A", 0x3f8, 1, On, Zero).Run("B");
        Assert.Equal(128, sim.Tss().BytesCleared);
        Assert.False(sim.Tss().MapAllows(0x3f8));
        Assert.Equal(IoBitmapBase.ValidMap, sim.Tss().IoBitmapBase);
        sim.Port("B", 0x3f8, GP).Finish();
    }

    [Fact]
    public void Pre55_switching_in_copies_the_larger_of_both_io_bitmap_max()
    {
        var sim = Sim.RootA(IopermVariant.Pre55, "B").Ioperm("A", 0x3f8, 1, On, Zero).Run("B").Ioperm("B", 0x80, 1, On, Zero);
        var before = sim.Tss().BytesCopied;

        sim.Run("A");
        Assert.Equal(before + 128, sim.Tss().BytesCopied);
        sim.Run("B");
        Assert.Equal(before + 128 + 128, sim.Tss().BytesCopied);
        Assert.Equal(IoBitmapBase.ValidMap, sim.Tss().IoBitmapBase);
        sim.Port("B", 0x80, Ok).Port("B", 0x3f8, GP).Finish();
    }

    [Fact]
    public void V2_switching_a_bitmap_user_in_makes_the_base_valid_and_out_invalid()
    {
        var sim = Sim.RootA(IopermVariant.V2Patch06, "B").Ioperm("A", 0x80, 1, On, Zero).Run("B");
        Assert.Equal(IoBitmapBase.Invalid, sim.Tss().IoBitmapBase);
        Assert.Equal(0, sim.Tss().BytesCleared);
        sim.Run("A");
        Assert.Equal(IoBitmapBase.ValidMap, sim.Tss().IoBitmapBase);
        sim.Port("A", 0x80, Ok).Finish();
    }

    // Seed 001, Andy Lutomirski: "Task A uses ioperm() to enable all ports. Switch to task B. Now the TSS
    // base is INVALID but all bitmap bits are still 0. Task B calls ioperm()." Only [patch V2 06/16] leaks.
    [Theory]
    [InlineData(IopermVariant.Pre55, OutcomeKind.GeneralProtection)]
    [InlineData(IopermVariant.V2Patch06, OutcomeKind.Ok)]
    [InlineData(IopermVariant.Merged, OutcomeKind.GeneralProtection)]
    [InlineData(IopermVariant.Merged55, OutcomeKind.GeneralProtection)]
    public void Andys_sequence_leaks_a_port_only_under_v2_06_16(IopermVariant variant, OutcomeKind port3f8)
    {
        Sim.RootA(variant, "B")
            .Ioperm("A", 0, AllPorts, On, Zero)
            .Run("B")
            .Ioperm("B", 0x80, 1, On, Zero)
            .Port("B", 0x80, Ok)
            .Port("B", 0x3f8, new Outcome(port3f8, 0))
            .Finish();
    }

    [Fact]
    public void V2_in_Andys_sequence_Bs_ioperm_copies_only_24_bytes_over_As_zero_bits()
    {
        var sim = Sim.RootA(IopermVariant.V2Patch06, "B").Ioperm("A", 0, AllPorts, On, Zero).Run("B");
        Assert.Equal(IoBitmapBase.Invalid, sim.Tss().IoBitmapBase);
        Assert.True(sim.Tss().MapAllows(0x3f8));
        var before = sim.Tss().BytesCopied;

        sim.Ioperm("B", 0x80, 1, On, Zero);

        Assert.Equal(before + 24, sim.Tss().BytesCopied);
        Assert.Equal(IoBitmapBase.ValidMap, sim.Tss().IoBitmapBase);
        Assert.True(sim.Tss().MapAllows(0x3f8));
        Assert.False(sim.Bitmap("B")!.Allows(0x3f8));
        sim.Finish();
    }

    // [patch V2 06/16] ksys_ioperm() copies into the TSS without recording tss->io_bitmap_prev_max, so a
    // switch from the all-ports task to another bitmap user copies only max(prev_max, next's max).
    [Theory]
    [InlineData(IopermVariant.Pre55, OutcomeKind.GeneralProtection)]
    [InlineData(IopermVariant.V2Patch06, OutcomeKind.Ok)]
    [InlineData(IopermVariant.Merged, OutcomeKind.GeneralProtection)]
    [InlineData(IopermVariant.Merged55, OutcomeKind.GeneralProtection)]
    public void Direct_switch_from_an_all_ports_task_to_another_bitmap_user(IopermVariant variant, OutcomeKind port3f8)
    {
        BOwns0x80ThenAOpensAll(variant)
            .Run("B")
            .Port("B", 0x80, Ok)
            .Port("B", 0x3f8, new Outcome(port3f8, 0))
            .Finish();
    }

    // [patch V2 06/16] switch_to_bitmap(): memcpy(..., max(tss->io_bitmap_prev_max, next->io_bitmap_max))
    // and then tss->io_bitmap_prev_max = next->io_bitmap_max: once A was switched in, its extent is known.
    [Fact]
    public void V2_a_bitmap_user_switched_in_leaves_its_extent_in_prev_max()
    {
        var sim = BOwns0x80ThenAOpensAll(IopermVariant.V2Patch06)
            .RunIdle()
            .Run("A");
        Assert.Equal(8192, sim.Observe.TssPrevMax(0));

        var before = sim.Tss().BytesCopied;
        sim.RunIdle().Run("B");

        Assert.Equal(before + 8192, sim.Tss().BytesCopied);
        Assert.Equal(24, sim.Observe.TssPrevMax(0));
        sim.Port("B", 0x3f8, GP).Finish();
    }

    // B got its bitmap first, A enabled everything, then the CPU went idle before B came back.
    [Theory]
    [InlineData(IopermVariant.Pre55, OutcomeKind.GeneralProtection)]
    [InlineData(IopermVariant.V2Patch06, OutcomeKind.Ok)]
    [InlineData(IopermVariant.Merged, OutcomeKind.GeneralProtection)]
    [InlineData(IopermVariant.Merged55, OutcomeKind.GeneralProtection)]
    public void Switching_back_through_idle_to_a_bitmap_user(IopermVariant variant, OutcomeKind port3f8)
    {
        BOwns0x80ThenAOpensAll(variant)
            .RunIdle()
            .Run("B")
            .Port("B", 0x3f8, new Outcome(port3f8, 0))
            .Finish();
    }

    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void Merged_switching_from_an_all_ports_task_copies_its_whole_extent(IopermVariant variant)
    {
        var sim = BOwns0x80ThenAOpensAll(variant);
        Assert.Equal(8192, sim.Observe.TssPrevMax(0));
        var before = sim.Tss().BytesCopied;

        sim.Run("B");

        Assert.Equal(before + 8192, sim.Tss().BytesCopied);
        Assert.Equal(24, sim.Observe.TssPrevMax(0));
        sim.Finish();
    }

    /// <summary>B gets port 0x80 first, then A (switched in) opens every port: the start of the leak stories.</summary>
    private static Sim BOwns0x80ThenAOpensAll(IopermVariant variant) =>
        Sim.RootA(variant, "B")
            .Run("B")
            .Ioperm("B", 0x80, 1, On, Zero)
            .Run("A")
            .Ioperm("A", 0, AllPorts, On, Zero);
}
