using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Mechanisms.Ioport;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Tracking;
using static ScenarioLang.Tests.Runtime.Kscn;

namespace ScenarioLang.Tests.Runtime;

/// <summary>The kernel object checker: KASAN-like heap findings, refcount_t warnings, kmemleak-like leaks.</summary>
public sealed class ObjectCheckerTests
{
    private readonly KernelHeap _heap = new(new StateTracker());

    private IoBitmap NewBitmap() => IoBitmap.Allocate(_heap, "test_alloc", IoBitmap.StructBytes);

    [Fact]
    public void Kfree_counts_and_removes_the_object_from_the_live_set()
    {
        var bitmap = NewBitmap();
        Assert.Contains(bitmap, _heap.LiveObjects);

        _heap.Kfree(bitmap, "test_free");

        Assert.True(bitmap.Freed);
        Assert.DoesNotContain(bitmap, _heap.LiveObjects);
        Assert.Equal(1, _heap.Freed(IoBitmap.KindName));
        Assert.Equal(0, _heap.Live(IoBitmap.KindName));
        Assert.Empty(_heap.Findings);
    }

    [Fact]
    public void A_second_kfree_is_a_double_free_and_counts_once()
    {
        var bitmap = NewBitmap();
        _heap.Kfree(bitmap, "first_free");
        _heap.Kfree(bitmap, "second_free");

        var finding = Assert.Single(_heap.Findings);
        Assert.Equal(FindingKind.DoubleFree, finding.Kind);
        Assert.Contains("second_free", finding.Message);
        Assert.Contains("test_alloc", finding.Message);
        Assert.Equal(1, _heap.Freed(IoBitmap.KindName));
    }

    [Fact]
    public void Access_after_kfree_is_a_use_after_free()
    {
        var bitmap = NewBitmap();
        _heap.Access(bitmap, "before_free");
        Assert.Empty(_heap.Findings);

        _heap.Kfree(bitmap, "test_free");
        _heap.Access(bitmap, "tss_update_io_bitmap");

        var finding = Assert.Single(_heap.Findings);
        Assert.Equal(FindingKind.UseAfterFree, finding.Kind);
        Assert.Contains("tss_update_io_bitmap", finding.Message);
    }

    [Fact]
    public void Refcount_increment_on_zero_is_an_addition_on_0_and_saturates()
    {
        var refcount = new Refcount(_heap, NewBitmap(), initial: 0);

        refcount.Inc("io_bitmap_share");

        var finding = Assert.Single(_heap.Findings);
        Assert.Equal(FindingKind.RefcountMisuse, finding.Kind);
        Assert.Contains("addition on 0", finding.Message);
        Assert.Equal(Refcount.Saturated, refcount.Value);
        Assert.True(refcount.IsSaturated);
    }

    [Fact]
    public void A_saturated_refcount_stays_saturated_frees_nothing_and_is_reported_once()
    {
        var refcount = new Refcount(_heap, NewBitmap(), initial: 1);
        Assert.True(refcount.DecAndTest("last"));
        Assert.False(refcount.DecAndTest("underflow"));

        refcount.Inc("again");
        Assert.False(refcount.DecAndTest("and again"));
        Assert.False(refcount.DecAndTest("and again"));

        Assert.Equal(Refcount.Saturated, refcount.Value);
        Assert.Contains("underflow", Assert.Single(_heap.Findings).Message);
    }

    [Fact]
    public void Refcount_dec_and_test_is_true_only_for_the_last_reference_and_warns_below_zero()
    {
        var refcount = new Refcount(_heap, NewBitmap(), initial: 2);

        Assert.False(refcount.DecAndTest("first"));
        Assert.True(refcount.DecAndTest("second"));
        Assert.Empty(_heap.Findings);

        Assert.False(refcount.DecAndTest("third"));
        var finding = Assert.Single(_heap.Findings);
        Assert.Equal(FindingKind.RefcountMisuse, finding.Kind);
        Assert.Contains("underflow", finding.Message);
        Assert.Equal(Refcount.Saturated, refcount.Value);
    }

    [Fact]
    public void Kmemdup_copies_the_refcount_value_and_the_bits()
    {
        var original = NewBitmap();
        original.AddRefcount(_heap, 2);
        original.Update(0x80, 1, turnOn: true);
        original.Sequence = 7;
        original.Max = 24;

        var copy = original.Duplicate(_heap, "kmemdup");

        Assert.NotSame(original, copy);
        Assert.NotSame(original.Refcnt, copy.Refcnt);
        Assert.Equal(2, copy.Refcnt!.Value);
        Assert.True(copy.Allows(0x80));
        Assert.Equal(7ul, copy.Sequence);
        Assert.Equal(24, copy.Max);
        Assert.Equal(2, _heap.Live(IoBitmap.KindName));
    }

    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void A_live_bitmap_no_task_holds_is_a_leak(IopermVariant variant)
    {
        var sim = Sim.RootA(variant).Ioperm("A", 0x80, 1, On, Zero);
        var orphan = IoBitmap.Allocate(sim.Heap, "test_alloc", IoBitmap.StructBytes);

        var result = sim.Finish(FindingKind.Leak);

        Assert.Contains(orphan.ToString(), result.Findings[0].Message);
        Assert.False(result.Passed);
    }

    [Fact]
    public void A_bitmap_held_only_by_a_dead_task_is_a_leak()
    {
        var sim = Sim.RootA(IopermVariant.Merged).Ioperm("A", 0x80, 1, On, Zero);
        // As if do_exit() had forgotten exit_mm() and exit_thread(): the bitmap and the mm leak.
        sim["A"].State = TaskState.Dead;
        var result = sim.Finish(FindingKind.Leak, FindingKind.Leak);
        Assert.Contains("io_bitmap#1", result.Findings[0].Message);
        Assert.Contains("mm_struct#1", result.Findings[1].Message);
    }

    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void Merged_a_refcount_above_its_holders_is_a_leak(IopermVariant variant)
    {
        var sim = Sim.RootA(variant).Ioperm("A", 0x80, 1, On, Zero);
        sim.Fork("A", "C");
        sim.Bitmap("A")!.Refcnt!.Inc("test_extra_reference");

        var result = sim.Finish(FindingKind.Leak);

        Assert.Contains("refcount 3", result.Findings[0].Message);
    }

    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void Merged_a_refcount_below_its_holders_is_an_early_free_not_a_leak(IopermVariant variant)
    {
        var sim = Sim.RootA(variant).Ioperm("A", 0x80, 1, On, Zero);
        sim.Fork("A", "C");
        Assert.False(sim.Bitmap("A")!.Refcnt!.DecAndTest("test_lost_reference"));

        var result = sim.Finish(FindingKind.RefcountMisuse);

        Assert.Contains("io_bitmap#1 has refcount 1 but 2 tasks hold it: it will be freed while still in use", result.Findings[0].Message);
    }

    [Fact]
    public void A_saturated_refcount_is_not_reported_again_as_a_leak()
    {
        var sim = Sim.RootA(IopermVariant.Merged).Ioperm("A", 0x80, 1, On, Zero);
        var refcnt = sim.Bitmap("A")!.Refcnt!;
        Assert.True(refcnt.DecAndTest("test_early_put"));
        refcnt.Inc("test_inc_on_0");

        var result = sim.Finish(FindingKind.RefcountMisuse);

        Assert.Contains("addition on 0", result.Findings[0].Message);
    }

    /// <summary>
    /// native_tss_update_io_bitmap() with TIF_IO_BITMAP and no bitmap: iobm->sequence dereferences NULL in every release;
    /// mainline (8b68e978718f) first WARNs, clears the flag and invalidates the map, and goes on to the same read.
    /// </summary>
    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void Merged_a_tss_update_with_TIF_but_no_bitmap_oopses_and_mainline_warns_first(IopermVariant variant)
    {
        var sim = Sim.RootA(variant);
        sim["A"].TifIoBitmap = true;

        sim.ReturnToUser("A");

        var mainline = variant == IopermVariant.Merged;
        Assert.Equal(mainline ? [FindingKind.Warn, FindingKind.Oops] : [FindingKind.Oops], sim.Heap.Findings.Select(f => f.Kind));
        Assert.Equal(!mainline, sim["A"].TifIoBitmap);
        Assert.Contains(sim.Heap.Findings, f => f.Message.Contains("NULL pointer dereference", StringComparison.Ordinal));
    }
}
