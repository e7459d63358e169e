using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Mechanisms.Ioport;
using ScenarioLang.Runtime.Machine;
using static ScenarioLang.Tests.Runtime.Kscn;

namespace ScenarioLang.Tests.Runtime;

/// <summary>copy_thread(), exec and exit_thread(): the bitmap inherited, shared or duplicated, kept, released.</summary>
public sealed class ForkExecExitTests
{
    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void Merged_fork_shares_the_bitmap_with_refcount_2(IopermVariant variant)
    {
        var sim = Sim.RootA(variant).Ioperm("A", 0x80, 1, On, Zero);
        var child = sim.Fork("A", "C");

        Assert.Same(sim.Bitmap("A"), child.Thread.IoBitmap);
        Assert.Equal(2, sim.Observe.BitmapRefcount(child));
        Assert.True(child.TifIoBitmap);
        Assert.Equal(1, sim.Observe.BitmapsAllocated());
        sim.Finish();
    }

    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void Fork_of_a_task_without_io_permissions_gives_the_child_none(IopermVariant variant)
    {
        var sim = Sim.RootA(variant);
        var child = sim.Fork("A", "C");
        Assert.Null(child.Thread.IoBitmap);
        Assert.False(child.TifIoBitmap);
        Assert.Equal(0, sim.Observe.BitmapsAllocated());
        sim.Finish();
    }

    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void Merged_a_child_switched_in_after_its_parent_copies_nothing(IopermVariant variant)
    {
        var sim = Sim.RootA(variant).Ioperm("A", 0x80, 1, On, Zero);
        sim.Fork("A", "C");
        sim.Run("C");
        Assert.Equal(24, sim.Tss().BytesCopied);
        Assert.Equal(IoBitmapBase.ValidMap, sim.Tss().IoBitmapBase);
        sim.Port("C", 0x80, Ok).Port("C", 0x81, GP).Finish();
    }

    [Theory]
    [InlineData("A")]
    [InlineData("C")]
    public void Merged_ioperm_in_either_task_copies_on_write(string writer)
    {
        var sim = Sim.RootAWithChild(IopermVariant.Merged, "C");
        var other = writer == "A" ? "C" : "A";
        var shared = sim.Bitmap("A")!;

        sim.Ioperm(writer, 0x3f8, 1, On, Zero);

        var copy = sim.Bitmap(writer)!;
        Assert.NotSame(shared, copy);
        Assert.Same(shared, sim.Bitmap(other));
        Assert.Equal(1, copy.Refcnt!.Value);
        Assert.Equal(1, shared.Refcnt!.Value);
        Assert.Equal(2, sim.Observe.LiveBitmaps());
        Assert.True(copy.Allows(0x80));
        Assert.False(shared.Allows(0x3f8));
        sim.Port(writer, 0x3f8, Ok).Port(other, 0x3f8, GP).Port(other, 0x80, Ok).Finish();
    }

    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void Merged_a_second_write_after_the_copy_copies_no_more(IopermVariant variant)
    {
        var sim = Sim.RootAWithChild(variant, "C").Ioperm("C", 0x3f8, 1, On, Zero);
        var copy = sim.Bitmap("C");
        sim.Ioperm("C", 0x60, 1, On, Zero);
        Assert.Same(copy, sim.Bitmap("C"));
        Assert.Equal(2, sim.Observe.BitmapsAllocated());
        sim.Finish();
    }

    // The copy made for the write is freed again at once when the write drops the last permission.
    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void Merged_dropping_the_last_port_of_a_shared_bitmap_leaves_the_other_task_its_own(IopermVariant variant)
    {
        var sim = Sim.RootAWithChild(variant, "C").Ioperm("C", 0x80, 1, Off, Zero);

        Assert.Null(sim.Bitmap("C"));
        Assert.False(sim["C"].TifIoBitmap);
        Assert.Equal(1, sim.Observe.BitmapRefcount(sim["A"]));
        Assert.Equal(2, sim.Observe.BitmapsAllocated());
        Assert.Equal(1, sim.Observe.LiveBitmaps());
        Assert.Equal(IoBitmapBase.Invalid, sim.Tss(1).IoBitmapBase);
        sim.Port("C", 0x80, GP).Port("A", 0x80, Ok).Finish();
    }

    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void Merged_exit_drops_a_reference_and_the_last_one_frees(IopermVariant variant)
    {
        var sim = Sim.RootAWithChild(variant, "C");
        var shared = sim.Bitmap("A")!;

        sim.Exit("A");
        Assert.False(shared.Freed);
        Assert.Equal(1, shared.Refcnt!.Value);
        Assert.Equal(IoBitmapBase.Invalid, sim.Tss(0).IoBitmapBase);

        sim.Exit("C");
        Assert.True(shared.Freed);
        Assert.Equal(0, sim.Observe.LiveBitmaps());
        Assert.Equal(IoBitmapBase.Invalid, sim.Tss(1).IoBitmapBase);
        sim.Finish();
    }

    // v5.4 copy_thread_tls(): kmemdup(me->thread.io_bitmap_ptr, IO_BITMAP_BYTES).
    [Theory]
    [ClassData(typeof(BitmapPtrVariants))]
    public void Pre_merge_fork_duplicates_the_bitmap(IopermVariant variant)
    {
        var sim = Sim.RootAWithChild(variant, "C");

        Assert.Equal(2, sim.Observe.BitmapsAllocated());
        Assert.NotSame(sim.Bitmap("A"), sim.Bitmap("C"));
        Assert.True(sim["C"].TifIoBitmap);
        Assert.Equal(24, sim.Observe.BitmapMax(sim["C"]));
        Assert.Throws<NotModelledException>(() => sim.Observe.BitmapRefcount(sim["C"]));

        sim.Ioperm("C", 0x3f8, 1, On, Zero);
        Assert.False(sim.Bitmap("A")!.Allows(0x3f8));
        Assert.Equal(2, sim.Observe.BitmapsAllocated());
        sim.Port("C", 0x80, Ok).Port("C", 0x3f8, Ok).Finish();
    }

    [Theory]
    [ClassData(typeof(BitmapPtrVariants))]
    public void Pre_merge_exit_frees_the_tasks_own_bitmap(IopermVariant variant)
    {
        var sim = Sim.RootAWithChild(variant, "C");
        var parents = sim.Bitmap("A")!;

        sim.Exit("A");

        Assert.True(parents.Freed);
        Assert.False(sim.Bitmap("C")!.Freed);
        Assert.Equal(1, sim.Observe.LiveBitmaps());
        sim.Port("C", 0x80, Ok).Finish();
    }

    // v5.4 exit_thread(): "Careful, clear this in the TSS too".
    [Fact]
    public void Pre55_exit_clears_the_tasks_extent_in_the_TSS()
    {
        var sim = Sim.RootA(IopermVariant.Pre55).Ioperm("A", 0x3f8, 1, On, Zero).Exit("A");
        Assert.Equal(128, sim.Tss().BytesCleared);
        Assert.False(sim.Tss().MapAllows(0x3f8));
        Assert.Equal(IoBitmapBase.ValidMap, sim.Tss().IoBitmapBase);
        sim.Finish();
    }

    // [patch V2 06/16] exit_thread(): the memset is gone, the base is moved out of the TSS limit instead.
    [Fact]
    public void V2_exit_invalidates_the_base_without_clearing()
    {
        var sim = Sim.RootA(IopermVariant.V2Patch06).Ioperm("A", 0x3f8, 1, On, Zero).Exit("A");
        Assert.Equal(0, sim.Tss().BytesCleared);
        Assert.Equal(IoBitmapBase.Invalid, sim.Tss().IoBitmapBase);
        Assert.Equal(0, sim.Observe.LiveBitmaps());
        sim.Finish();
    }

    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void Exec_keeps_the_bitmap_and_its_ports(IopermVariant variant)
    {
        var sim = Sim.RootA(variant).Ioperm("A", 0x80, 1, On, Zero);
        var before = sim.Bitmap("A");

        sim.Exec("A");

        Assert.Same(before, sim.Bitmap("A"));
        Assert.True(sim["A"].TifIoBitmap);
        Assert.Equal(1, sim.Observe.LiveBitmaps());
        sim.Port("A", 0x80, Ok).Finish();
    }

    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void A_whole_lifecycle_leaves_no_bitmap_behind(IopermVariant variant)
    {
        var sim = Sim.RootAWithChild(variant, "C").Ioperm("C", 0x3f8, 1, On, Zero).Exec("C").Exit("A").Exit("C");
        Assert.Equal(0, sim.Observe.LiveBitmaps());
        Assert.Equal(sim.Observe.BitmapsAllocated(), sim.Observe.BitmapsFreed());
        sim.Finish();
    }

    [Fact]
    public void A_dead_task_cannot_be_switched_to()
    {
        var sim = Sim.RootA(IopermVariant.Merged).Exit("A");
        Assert.Throws<ScenarioRuntimeException>(() => sim.Run("A"));
    }
}
