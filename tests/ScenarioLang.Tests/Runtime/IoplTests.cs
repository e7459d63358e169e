using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Mechanisms.Ioport;
using static ScenarioLang.Tests.Runtime.Kscn;

namespace ScenarioLang.Tests.Runtime;

/// <summary>iopl(): the real EFLAGS.IOPL before 5.5, the all-zero map (valid-all) that emulates it after.</summary>
public sealed class IoplTests
{
    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void Level_above_3_is_EINVAL_even_for_an_unprivileged_task(IopermVariant variant)
    {
        Sim.RootA(variant).Iopl("A", 4, Fails(Errno.EINVAL)).Finish();
        new Sim(variant, 1, User("U")).Run("U").Iopl("U", 4, Fails(Errno.EINVAL)).Finish();
    }

    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void Raising_without_CAP_SYS_RAWIO_is_EPERM(IopermVariant variant)
    {
        var sim = new Sim(variant, 1, User("U")).Run("U").Iopl("U", 1, Fails(Errno.EPERM)).Iopl("U", 3, Fails(Errno.EPERM));
        Assert.Equal(0, sim.Observe.TaskIopl(sim["U"]));
        sim.Port("U", 0x80, GP).Finish();
    }

    // tools/testing/selftests/x86/iopl.c: after setresuid(1, 1, 1), iopl(3) still works while IOPL is 3,
    // iopl(0) works, and re-enabling fails.
    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void Keeping_or_lowering_the_level_needs_no_privilege(IopermVariant variant)
    {
        Sim.RootA(variant).Iopl("A", 3, Zero)
            .Setresuid("A", 1, 1, 1, Zero)
            .Iopl("A", 3, Zero)
            .Port("A", 0x3f8, Ok)
            .Iopl("A", 0, Zero)
            .Port("A", 0x3f8, GP)
            .Iopl("A", 3, Fails(Errno.EPERM))
            .Finish();
    }

    // The hardware compares CPL 3 with IOPL: levels 1 and 2 grant nothing to user mode.
    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void Levels_1_and_2_grant_no_port(IopermVariant variant)
    {
        var sim = Sim.RootA(variant).Iopl("A", 2, Zero);
        Assert.Equal(2, sim.Observe.TaskIopl(sim["A"]));
        sim.Port("A", 0x80, GP).Iopl("A", 1, Zero).Port("A", 0x80, GP).Finish();
    }

    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void Merged_iopl3_makes_the_base_valid_all_on_the_exit_to_user_mode(IopermVariant variant)
    {
        var sim = Sim.RootA(variant);

        Assert.Equal(0, sim.IoplInKernel("A", 3));
        Assert.True(sim["A"].TifIoBitmap);
        Assert.Equal(IoBitmapBase.Invalid, sim.Tss().IoBitmapBase);

        sim.ReturnToUser("A");
        Assert.Equal(IoBitmapBase.ValidAll, sim.Tss().IoBitmapBase);
    }

    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void Merged_iopl3_is_emulated_EFLAGS_IOPL_stays_0_and_no_bitmap_is_allocated(IopermVariant variant)
    {
        var sim = Sim.RootA(variant).Iopl("A", 3, Zero);

        Assert.Equal(3, sim.Observe.TaskIopl(sim["A"]));
        Assert.Equal(3u, sim["A"].Thread.IoplEmul);
        Assert.Equal(0u, sim["A"].Regs.Iopl);
        Assert.Equal(0, sim.Observe.BitmapsAllocated());
        Assert.Equal(0, sim.Tss().BytesCopied);
        sim.Port("A", 0, Ok).Port("A", 0x3f8, Ok, width: 4).Port("A", 0xfffc, Ok, width: 4).Finish();
    }

    // tss_setup_io_bitmap(): mapall[IO_BITMAP_LONGS] = ~0UL. The CPU reads two bytes, so a word at 0xffff
    // reaches into that trailing long: the one access real IOPL 3 allowed that the emulation does not.
    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void Merged_iopl3_still_faults_a_word_access_at_port_0xffff(IopermVariant variant)
    {
        Sim.RootA(variant)
            .Iopl("A", 3, Zero)
            .Port("A", 0xffff, Ok, width: 1)
            .Port("A", 0xffff, GP, width: 2)
            .Port("A", 0xfffe, Ok, width: 2)
            .Finish();
    }

    [Theory]
    [ClassData(typeof(RealIoplVariants))]
    public void Before_the_emulation_iopl3_sets_the_real_EFLAGS_IOPL_and_bypasses_the_bitmap(IopermVariant variant)
    {
        var sim = Sim.RootA(variant);
        var boot = sim.Tss().IoBitmapBase;

        sim.Iopl("A", 3, Zero);

        Assert.Equal(3u, sim["A"].Regs.Iopl);
        Assert.Equal(boot, sim.Tss().IoBitmapBase);
        Assert.False(sim["A"].TifIoBitmap);
        Assert.Equal(0, sim.Observe.BitmapsAllocated());
        sim.Port("A", 0x3f8, Ok).Port("A", 0xffff, Ok, width: 2).Port("A", 0xfffc, Ok, width: 4).Finish();
    }

    // The real IOPL is the user's: CLI clears IF, pushf shows IOPL 3 (0x3002), and fork copies it with the thread.
    [Theory]
    [ClassData(typeof(RealIoplVariants))]
    public void Before_the_emulation_iopl3_lets_user_mode_clear_IF_and_a_child_inherits_it(IopermVariant variant)
    {
        var sim = Sim.RootA(variant).Iopl("A", 3, Zero).Cli("A", Ok).Pushf("A", 0x3002).Sti("A", Ok);
        sim.Fork("A", "C");
        Assert.Equal(3, sim.Observe.TaskIopl(sim["C"]));
        Assert.Equal(3u, sim["C"].Thread.Iopl);
        sim.Finish();
    }

    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void Merged_lowering_without_a_bitmap_invalidates_the_base_inside_the_syscall(IopermVariant variant)
    {
        var sim = Sim.RootA(variant).Iopl("A", 3, Zero);

        Assert.Equal(0, sim.IoplInKernel("A", 0));

        Assert.False(sim["A"].TifIoBitmap);
        Assert.Equal(IoBitmapBase.Invalid, sim.Tss().IoBitmapBase);
    }

    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void Merged_lowering_with_a_bitmap_returns_to_the_map_without_copying(IopermVariant variant)
    {
        var sim = Sim.RootA(variant).Ioperm("A", 0x80, 1, On, Zero).Iopl("A", 3, Zero);
        Assert.Equal(IoBitmapBase.ValidAll, sim.Tss().IoBitmapBase);
        sim.Port("A", 0x3f8, Ok);

        sim.Iopl("A", 0, Zero);

        Assert.True(sim["A"].TifIoBitmap);
        Assert.Equal(IoBitmapBase.ValidMap, sim.Tss().IoBitmapBase);
        Assert.Equal(24, sim.Tss().BytesCopied);
        sim.Port("A", 0x80, Ok).Port("A", 0x3f8, GP).Finish();
    }

    // Dropping the last ioperm() port keeps TIF_IO_BITMAP while iopl_emul is 3 (task_update_io_bitmap()).
    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void Merged_dropping_the_last_port_under_iopl3_keeps_valid_all(IopermVariant variant)
    {
        var sim = Sim.RootA(variant).Iopl("A", 3, Zero).Ioperm("A", 0x80, 1, On, Zero).Ioperm("A", 0x80, 1, Off, Zero);
        Assert.Equal(0, sim.Observe.LiveBitmaps());
        Assert.True(sim["A"].TifIoBitmap);
        Assert.Equal(IoBitmapBase.ValidAll, sim.Tss().IoBitmapBase);
        sim.Port("A", 0x80, Ok).Finish();
    }

    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void Merged_switching_away_from_an_iopl3_task_invalidates_the_base(IopermVariant variant)
    {
        var sim = Sim.RootA(variant, "B").Iopl("A", 3, Zero).Run("B");
        Assert.Equal(IoBitmapBase.Invalid, sim.Tss().IoBitmapBase);
        sim.Port("B", 0x3f8, GP).Run("A").Port("A", 0x3f8, Ok).Finish();
    }

    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void Fork_inherits_the_level(IopermVariant variant)
    {
        var sim = new Sim(variant, 2, Root("A")).Run("A", 0).Iopl("A", 3, Zero);
        var child = sim.Fork("A", "C");
        sim.Run("C", 1);

        Assert.Equal(3, sim.Observe.TaskIopl(child));
        Assert.Equal(0, sim.Observe.BitmapsAllocated());
        sim.Port("C", 0x3f8, Ok).Finish();
    }

    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void Merged_emulated_iopl_survives_exec(IopermVariant variant)
    {
        var sim = Sim.RootA(variant).Iopl("A", 3, Zero).Exec("A");
        Assert.Equal(3, sim.Observe.TaskIopl(sim["A"]));
        sim.Port("A", 0x3f8, Ok).Finish();
    }

    // v5.4 start_thread_common(): regs->flags = X86_EFLAGS_IF, so the new image runs at IOPL 0; but
    // sys_iopl() compares with thread.iopl, which exec leaves at 3, so raising it again needs no privilege.
    [Theory]
    [ClassData(typeof(BitmapPtrVariants))]
    public void Pre_merge_exec_drops_EFLAGS_IOPL_but_not_thread_iopl(IopermVariant variant)
    {
        var sim = Sim.RootA(variant).Iopl("A", 3, Zero).Setresuid("A", 1, 1, 1, Zero);

        sim.Exec("A");

        Assert.Equal(0, sim.Observe.TaskIopl(sim["A"]));
        sim.Port("A", 0x3f8, GP).Iopl("A", 3, Zero).Port("A", 0x3f8, Ok).Finish();
    }

    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void Merged_exit_of_an_iopl3_task_invalidates_the_base(IopermVariant variant)
    {
        var sim = Sim.RootA(variant).Iopl("A", 3, Zero).Exit("A");
        Assert.Equal(IoBitmapBase.Invalid, sim.Tss().IoBitmapBase);
        sim.Finish();
    }
}
