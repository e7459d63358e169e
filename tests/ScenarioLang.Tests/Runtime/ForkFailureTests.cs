using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Mechanisms.Ioport;
using ScenarioLang.Runtime.Machine;
using static ScenarioLang.Tests.Runtime.Kscn;

namespace ScenarioLang.Tests.Runtime;

/// <summary>
/// kernel/fork.c: copy_process() failing at alloc_pid() after copy_thread(): bad_fork_cleanup_thread runs
/// exit_thread(child) with current the parent. What that does to the parent depends on the kernel.
/// </summary>
public sealed class ForkFailureTests
{
    /// <summary>Root A with port 0x80, back in user mode (so the TSS holds its map), then a fork that fails.</summary>
    private static Sim FailedFork(IopermVariant variant, params string[] others)
    {
        var sim = Sim.RootA(variant, others).Ioperm("A", 0x80, 1, On, Zero);
        Assert.Null(sim.FailingFork("A", "C", "alloc_pid", Fails(Errno.ENOMEM)));
        return sim;
    }

    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void The_child_never_exists_and_its_mm_is_freed(IopermVariant variant)
    {
        var sim = FailedFork(variant);
        Assert.DoesNotContain(sim.Kernel.Tasks, t => t.Name == "C");
        Assert.Throws<ScenarioRuntimeException>(() => sim.Raw.Task("C"));
        Assert.Equal(2, sim.Heap.Allocated(MmStruct.KindName));
        Assert.Equal(1, sim.Observe.LiveMms());
        // The next fork gets the pid the failed one never took.
        Assert.Equal(2, sim.Fork("A", "D").Pid);
    }

    [Fact]
    public void Merged_drops_the_childs_reference_and_the_parent_keeps_its_ports()
    {
        var sim = FailedFork(IopermVariant.Merged);
        Assert.Equal(1, sim.Observe.BitmapRefcount(sim["A"]));
        Assert.True(sim["A"].TifIoBitmap);
        Assert.Equal(IoBitmapBase.ValidMap, sim.Tss().IoBitmapBase);
        sim.Port("A", 0x80, Ok).Finish();
    }

    // The bug fixed by 4bfe6cce133c: io_bitmap_exit(void) cleans up current, the parent.
    [Fact]
    public void Merged_55_takes_the_parents_bitmap_and_leaks_the_childs_reference()
    {
        var sim = FailedFork(IopermVariant.Merged55);
        var bitmap = sim.Kernel.Heap.LiveObjects.OfType<IoBitmap>().Single();

        Assert.Null(sim.Bitmap("A"));
        Assert.False(sim["A"].TifIoBitmap);
        Assert.Equal(IoBitmapBase.Invalid, sim.Tss().IoBitmapBase);
        Assert.Equal(1, bitmap.Refcnt!.Value);
        sim.Port("A", 0x80, GP);

        var result = sim.Finish(FindingKind.Leak);
        Assert.Contains($"{bitmap} ", result.Findings[0].Message);
        Assert.Contains("referenced by no task", result.Findings[0].Message);
    }

    // v5.4 exit_thread(tsk) frees tsk's bitmap but clear_thread_flag() and the TSS memset hit current and this CPU.
    [Fact]
    public void Pre55_frees_the_childs_copy_but_clears_the_parents_flag_and_TSS_bits()
    {
        var sim = FailedFork(IopermVariant.Pre55);
        Assert.Equal(2, sim.Observe.BitmapsAllocated());
        Assert.Equal(1, sim.Observe.BitmapsFreed());
        Assert.NotNull(sim.Bitmap("A"));
        Assert.False(sim["A"].TifIoBitmap);
        Assert.Equal(24, sim.Tss().BytesCleared);
        sim.Port("A", 0x80, GP).Finish();
    }

    // Without TIF_IO_BITMAP switch_to_bitmap() neither copies the parent's map in nor clears it on the way
    // out: what the parent opens next stays in the TSS for the next task.
    [Fact]
    public void Pre55_afterwards_the_parents_ports_leak_to_the_next_task()
    {
        FailedFork(IopermVariant.Pre55, "B")
            .Ioperm("A", 0x3f8, 1, On, Zero)
            .Port("A", 0x3f8, Ok)
            .Run("B")
            .Port("B", 0x3f8, Ok)
            .Port("B", 0x80, Ok)
            .Finish();
    }

    // [patch V2 06/16]: exit_thread() invalidates this CPU's base; the parent's next ioperm() finds its
    // bitmap already there, so nothing makes the base valid again.
    [Fact]
    public void V2_locks_the_parent_out_of_its_ports()
    {
        var sim = FailedFork(IopermVariant.V2Patch06);
        Assert.Equal(1, sim.Observe.LiveBitmaps());
        Assert.False(sim["A"].TifIoBitmap);
        Assert.Equal(IoBitmapBase.Invalid, sim.Tss().IoBitmapBase);
        sim.Port("A", 0x80, GP).Ioperm("A", 0x3f8, 1, On, Zero).Port("A", 0x3f8, GP).Finish();
    }

    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void A_failing_fork_of_a_task_without_ports_changes_nothing(IopermVariant variant)
    {
        var sim = Sim.RootA(variant);
        var boot = sim.Tss().IoBitmapBase;
        Assert.Null(sim.FailingFork("A", "C", "alloc_pid", Fails(Errno.ENOMEM)));
        Assert.Equal(boot, sim.Tss().IoBitmapBase);
        Assert.Equal(0, sim.Observe.BitmapsAllocated());
        sim.Finish();
    }
}
