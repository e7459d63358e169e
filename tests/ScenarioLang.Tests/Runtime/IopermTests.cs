using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Mechanisms.Ioport;
using static ScenarioLang.Tests.Runtime.Kscn;

namespace ScenarioLang.Tests.Runtime;

/// <summary>ksys_ioperm(): range and privilege checks, allocation, max, sequence numbers, and when the TSS changes.</summary>
public sealed class IopermTests
{
    /// <summary>num == 0, past the last port, and from + num wrapping around.</summary>
    private static readonly (ulong From, ulong Num)[] InvalidRanges =
    [
        (0x80, 0),
        (0, AllPorts + 1),
        (0xffff, 2),
        (ulong.MaxValue, 2),
    ];

    public static TheoryData<IopermVariant, ulong, ulong> InvalidRangeUnderEveryVariant()
    {
        var data = new TheoryData<IopermVariant, ulong, ulong>();
        foreach (var variant in AllVariants)
        {
            foreach (var (from, num) in InvalidRanges)
                data.Add(variant, from, num);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(InvalidRangeUnderEveryVariant))]
    public void Invalid_range_is_EINVAL_and_allocates_nothing(IopermVariant variant, ulong from, ulong num)
    {
        var sim = Sim.RootA(variant).Ioperm("A", from, num, On, Fails(Errno.EINVAL));
        Assert.Equal(0, sim.Observe.BitmapsAllocated());
        sim.Finish();
    }

    [Theory]
    [MemberData(nameof(InvalidRangeUnderEveryVariant))]
    public void Unprivileged_turn_on_of_an_invalid_range_is_EINVAL_not_EPERM(IopermVariant variant, ulong from, ulong num)
    {
        new Sim(variant, 1, User("U")).Run("U").Ioperm("U", from, num, On, Fails(Errno.EINVAL)).Finish();
    }

    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void Unprivileged_turn_on_is_EPERM_and_allocates_nothing(IopermVariant variant)
    {
        var sim = new Sim(variant, 1, User("U")).Run("U").Ioperm("U", 0x80, 1, On, Fails(Errno.EPERM));
        Assert.Equal(0, sim.Observe.BitmapsAllocated());
        Assert.False(sim["U"].TifIoBitmap);
        sim.Finish();
    }

    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void Unprivileged_task_may_clear_ports(IopermVariant variant)
    {
        new Sim(variant, 1, User("U")).Run("U").Ioperm("U", 0x80, 1, Off, Zero).Finish();
    }

    // tools/testing/selftests/x86/ioperm.c: after setresuid(1, 1, 1) the granted port still works,
    // dropping it works, enabling it again fails.
    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void After_dropping_privileges_a_task_keeps_its_ports_and_may_only_clear_them(IopermVariant variant)
    {
        Sim.RootA(variant).Ioperm("A", 0x80, 1, On, Zero)
            .Setresuid("A", 1, 1, 1, Zero)
            .Port("A", 0x80, Ok)
            .Ioperm("A", 0x80, 1, Off, Zero)
            .Port("A", 0x80, GP)
            .Ioperm("A", 0x80, 1, On, Fails(Errno.EPERM))
            .Port("A", 0x80, GP)
            .Finish();
    }

    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void Ranges_reaching_the_last_port_are_valid(IopermVariant variant)
    {
        Sim.RootA(variant)
            .Ioperm("A", 0xffff, 1, On, Zero)
            .Port("A", 0xffff, Ok)
            .Port("A", 0xfffe, GP)
            .Ioperm("A", 0, AllPorts, On, Zero)
            .Port("A", 0, Ok)
            .Finish();
    }

    public static TheoryData<IopermVariant, ulong, ulong, long> MaxUnderEveryVariant()
    {
        (ulong From, ulong Num, long Max)[] cases =
        [
            (0x80, 1, 24),        // long 2
            (0, 1, 8),            // long 0
            (0, AllPorts, 8192),  // every long
            (0x3f, 2, 16),        // ports 63 and 64: longs 0 and 1
            (0x3f8, 8, 128),      // long 15
            (0xffff, 1, 8192),    // the last long
        ];
        var data = new TheoryData<IopermVariant, ulong, ulong, long>();
        foreach (var variant in AllVariants)
        {
            foreach (var (from, num, max) in cases)
                data.Add(variant, from, num, max);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(MaxUnderEveryVariant))]
    public void Max_is_the_bytes_up_to_the_last_long_holding_a_zero_bit(IopermVariant variant, ulong from, ulong num, long max)
    {
        var sim = Sim.RootA(variant).Ioperm("A", from, num, On, Zero);
        Assert.Equal(max, sim.Observe.BitmapMax(sim["A"]));
        Assert.Equal((long)num, sim.Observe.BitmapAllowedPorts(sim["A"]));
        sim.Finish();
    }

    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void Merged_clearing_without_a_bitmap_allocates_nothing(IopermVariant variant)
    {
        var sim = Sim.RootA(variant).Ioperm("A", 0x80, 1, Off, Zero);
        Assert.Equal(0, sim.Observe.BitmapsAllocated());
        Assert.Null(sim.Bitmap("A"));
        Assert.False(sim["A"].TifIoBitmap);
        Assert.Equal(IoBitmapBase.Invalid, sim.Tss().IoBitmapBase);
        sim.Finish();
    }

    // v5.4: "If it's the first ioperm() call in this thread's lifetime, set the IO bitmap up", whatever turn_on is.
    [Theory]
    [ClassData(typeof(BitmapPtrVariants))]
    public void Pre_merge_clearing_without_a_bitmap_allocates_one_that_denies_everything(IopermVariant variant)
    {
        var sim = Sim.RootA(variant).Ioperm("A", 0x80, 1, Off, Zero);
        Assert.Equal(1, sim.Observe.BitmapsAllocated());
        Assert.True(sim["A"].TifIoBitmap);
        Assert.Equal(0, sim.Observe.BitmapAllowedPorts(sim["A"]));
        // max_long starts at 0: one long is always copied.
        Assert.Equal(8, sim.Observe.BitmapMax(sim["A"]));
        sim.Port("A", 0x80, GP).Finish();
    }

    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void Merged_dropping_the_last_permission_frees_the_bitmap_at_once(IopermVariant variant)
    {
        var sim = Sim.RootA(variant).Ioperm("A", 0x80, 1, On, Zero);
        var bitmap = sim.Bitmap("A")!;
        Assert.Equal(IoBitmapBase.ValidMap, sim.Tss().IoBitmapBase);

        sim.Ioperm("A", 0x80, 1, Off, Zero);

        Assert.True(bitmap.Freed);
        Assert.Null(sim.Bitmap("A"));
        Assert.Equal(0, sim.Observe.LiveBitmaps());
        Assert.Equal(1, sim.Observe.BitmapsFreed());
        Assert.False(sim["A"].TifIoBitmap);
        Assert.Equal(IoBitmapBase.Invalid, sim.Tss().IoBitmapBase);
        sim.Port("A", 0x80, GP).Finish();
    }

    [Theory]
    [ClassData(typeof(BitmapPtrVariants))]
    public void Pre_merge_dropping_the_last_permission_keeps_the_bitmap(IopermVariant variant)
    {
        var sim = Sim.RootA(variant).Ioperm("A", 0x80, 1, On, Zero).Ioperm("A", 0x80, 1, Off, Zero);
        Assert.Equal(1, sim.Observe.LiveBitmaps());
        Assert.True(sim["A"].TifIoBitmap);
        Assert.Equal(8, sim.Observe.BitmapMax(sim["A"]));
        sim.Port("A", 0x80, GP).Finish();
    }

    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void Merged_dropping_one_of_two_ports_shrinks_max_and_keeps_the_bitmap(IopermVariant variant)
    {
        var sim = Sim.RootA(variant).Ioperm("A", 0x80, 1, On, Zero).Ioperm("A", 0x3f8, 1, On, Zero);
        Assert.Equal(128, sim.Observe.BitmapMax(sim["A"]));
        sim.Ioperm("A", 0x3f8, 1, Off, Zero);
        Assert.Equal(24, sim.Observe.BitmapMax(sim["A"]));
        Assert.Equal(1, sim.Observe.LiveBitmaps());
        sim.Finish();
    }

    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void Merged_every_change_takes_a_new_number_from_one_global_sequence(IopermVariant variant)
    {
        var sim = new Sim(variant, 2, Root("A"), Root("B")).Run("A", 0).Run("B", 1);
        var sequences = new List<long>();
        void Record(string task) => sequences.Add(sim.Observe.BitmapSequence(sim[task]));

        sim.Ioperm("A", 0x80, 1, On, Zero);
        Record("A");
        sim.Ioperm("A", 0x3f8, 1, On, Zero);
        Record("A");
        sim.Ioperm("B", 0x80, 1, On, Zero);
        Record("B");
        // Clearing a port that was never allowed changes no bit, and still takes a number.
        sim.Ioperm("A", 0x60, 1, Off, Zero);
        Record("A");

        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
        Assert.True(sequences[0] > 0);
        sim.Finish();
    }

    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void Merged_ioperm_leaves_the_TSS_alone_until_the_exit_to_user_mode(IopermVariant variant)
    {
        var sim = Sim.RootA(variant);
        var tss = sim.Tss();

        Assert.Equal(0, sim.IopermInKernel("A", 0x80, 1, On));
        Assert.Equal(IoBitmapBase.Invalid, tss.IoBitmapBase);
        Assert.Equal(0, tss.BytesCopied);
        Assert.False(tss.MapAllows(0x80));

        sim.ReturnToUser("A");
        Assert.Equal(IoBitmapBase.ValidMap, tss.IoBitmapBase);
        Assert.Equal(24, tss.BytesCopied);
        Assert.True(tss.MapAllows(0x80));
        Assert.Equal(24, tss.PrevMax);
        Assert.Equal(sim.Bitmap("A")!.Sequence, tss.PrevSequence);
    }

    // v5.4 ksys_ioperm(): "do it in the per-thread copy and in the TSS", with preemption disabled.
    [Theory]
    [ClassData(typeof(BitmapPtrVariants))]
    public void Pre_merge_ioperm_writes_the_TSS_inside_the_syscall(IopermVariant variant)
    {
        var sim = Sim.RootA(variant);
        var tss = sim.Tss();

        Assert.Equal(0, sim.IopermInKernel("A", 0x80, 1, On));

        Assert.Equal(IoBitmapBase.ValidMap, tss.IoBitmapBase);
        Assert.Equal(24, tss.BytesCopied);
        Assert.True(tss.MapAllows(0x80));
    }

    // Each copy covers the larger of the old and the new extent, so bits the task dropped are turned off:
    // v5.4 max(bytes, t->io_bitmap_max); merged max(tss prev_max, iobm->max) on the exit to user mode.
    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void A_shrinking_map_is_copied_over_its_old_extent(IopermVariant variant)
    {
        var sim = Sim.RootA(variant).Ioperm("A", 0x80, 1, On, Zero);
        Assert.Equal(24, sim.Tss().BytesCopied);

        sim.Ioperm("A", 0x3f8, 1, On, Zero);
        Assert.Equal(24 + 128, sim.Tss().BytesCopied);

        sim.Ioperm("A", 0x3f8, 1, Off, Zero);
        Assert.Equal(24 + 128 + 128, sim.Tss().BytesCopied);
        Assert.Equal(24, sim.Observe.BitmapMax(sim["A"]));

        sim.Port("A", 0x3f8, GP).Port("A", 0x80, Ok).Finish();
    }
}
