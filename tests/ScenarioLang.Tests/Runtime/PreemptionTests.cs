using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Catalog;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Mechanisms.Ioport;
using static ScenarioLang.Tests.Runtime.Kscn;

namespace ScenarioLang.Tests.Runtime;

/// <summary>ioperm() preempted at its named points, resumed by a later switch, on the same CPU or another.</summary>
public sealed class PreemptionTests
{
    [Fact]
    public void The_catalog_names_iopermss_three_points()
    {
        Assert.Equal(["alloc", "cow", "installed"], PreemptionPoints.Of("ioperm").Select(p => p.Name));
        Assert.Empty(PreemptionPoints.Of("iopl"));
        // They are ioperm's pause points too, where 'until' stops it.
        Assert.True(PausePoints.IsKnown("ioperm", PreemptionPoints.Cow));
    }

    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void RunUntil_stops_at_the_point_or_says_the_path_ended(IopermVariant variant)
    {
        var sim = Sim.RootA(variant);
        var cpu = sim.Machine.Cpus[0];

        var first = sim.Kernel.Ioperm(cpu, sim["A"], 0x80, 1, true);
        Assert.True(first.RunUntil(PreemptionPoints.Installed));
        Assert.False(first.Finished);
        Assert.Equal(0, first.RunToEnd());

        var never = sim.Kernel.Ioperm(cpu, sim["A"], 0x80, 1, true);
        Assert.False(never.RunUntil("cow"));
        Assert.True(never.Finished);
    }

    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void At_alloc_the_bitmap_exists_but_the_thread_does_not_have_it(IopermVariant variant)
    {
        var sim = Sim.RootA(variant, "B").IopermPreempted("A", 0x80, 1, On, PreemptionPoints.Alloc, Zero);

        Assert.True(sim.Raw.HasSuspendedPath(sim["A"]));
        Assert.Equal(1, sim.Observe.BitmapsAllocated());
        Assert.Null(sim.Bitmap("A"));
        Assert.False(sim["A"].TifIoBitmap);
        Assert.Same(sim["A"], sim.Machine.Cpus[0].Current);

        sim.Run("B").Port("B", 0x80, GP).Run("A");
        Assert.False(sim.Raw.HasSuspendedPath(sim["A"]));
        sim.Port("A", 0x80, Ok).Finish();
    }

    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void At_installed_the_thread_has_the_bitmap_and_TIF_but_not_the_bits(IopermVariant variant)
    {
        var sim = Sim.RootA(variant).IopermPreempted("A", 0x80, 1, On, PreemptionPoints.Installed, Zero);

        Assert.NotNull(sim.Bitmap("A"));
        Assert.True(sim["A"].TifIoBitmap);
        Assert.False(sim.Bitmap("A")!.Allows(0x80));
        // [patch V2 06/16] makes the base valid together with the pointer and the flag.
        if (variant == IopermVariant.V2Patch06)
            Assert.Equal(IoBitmapBase.ValidMap, sim.Tss().IoBitmapBase);

        sim.RunIdle().Run("A").Port("A", 0x80, Ok).Finish();
    }

    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void At_cow_the_copy_exists_and_the_shared_bitmap_is_still_held(IopermVariant variant)
    {
        var sim = Sim.RootA(variant).Ioperm("A", 0x80, 1, On, Zero);
        sim.Fork("A", "C");
        sim.Run("C").IopermPreempted("C", 0x3f8, 1, On, PreemptionPoints.Cow, Zero);

        Assert.Equal(2, sim.Observe.LiveBitmaps());
        Assert.Same(sim.Bitmap("A"), sim.Bitmap("C"));
        Assert.Equal(2, sim.Observe.BitmapRefcount(sim["A"]));

        sim.Run("A").Run("C");
        Assert.NotSame(sim.Bitmap("A"), sim.Bitmap("C"));
        Assert.Equal(1, sim.Observe.BitmapRefcount(sim["A"]));
        sim.Port("C", 0x3f8, Ok).Run("A").Port("A", 0x3f8, GP).Finish();
    }

    // Both tasks copy on write while C is preempted after its kmemdup: each ends with its own copy and
    // the last io_bitmap_exit() of the two frees the original.
    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void Merged_both_sharers_copying_on_write_at_once_free_the_original(IopermVariant variant)
    {
        var sim = Sim.RootA(variant).Ioperm("A", 0x80, 1, On, Zero);
        sim.Fork("A", "C");
        var original = sim.Bitmap("A")!;
        sim.Run("C").IopermPreempted("C", 0x3f8, 1, On, PreemptionPoints.Cow, Zero)
            .Run("A").Ioperm("A", 0x60, 1, On, Zero)
            .Run("C");

        Assert.True(original.Freed);
        Assert.Equal(2, sim.Observe.LiveBitmaps());
        sim.Port("C", 0x3f8, Ok).Port("C", 0x60, GP).Finish();
    }

    [Theory]
    [ClassData(typeof(BitmapPtrVariants))]
    public void Cow_is_never_reached_before_the_merged_kernel(IopermVariant variant)
    {
        var sim = Sim.RootA(variant).IopermPreempted("A", 0x80, 1, On, PreemptionPoints.Cow, Zero);
        Assert.False(sim.Raw.HasSuspendedPath(sim["A"]));

        var entry = sim.Raw.Complete().Entries[^1];

        Assert.Equal(Verdict.Fail, entry.Verdict);
        Assert.Equal("ioperm returned 0 before reaching 'cow'", entry.Failure);
        // The syscall still ran and returned to user mode.
        sim.Port("A", 0x80, Ok);
    }

    // The path resumes with this_cpu = the CPU it was switched to: the bits land in that CPU's TSS.
    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void A_path_resumed_on_another_CPU_works_on_that_CPUs_TSS(IopermVariant variant)
    {
        var sim = new Sim(variant, 2, Root("A")).Run("A", 0)
            .IopermPreempted("A", 0x80, 1, On, PreemptionPoints.Installed, Zero)
            .RunIdle(0)
            .Run("A", 1);

        Assert.True(sim.Tss(1).MapAllows(0x80));
        Assert.False(sim.Tss(0).MapAllows(0x80));
        sim.Port("A", 0x80, Ok).Finish();
    }

    [Fact]
    public void V2_preempted_at_alloc_makes_the_base_valid_on_the_CPU_it_resumes_on()
    {
        var sim = new Sim(IopermVariant.V2Patch06, 2, Root("A")).Run("A", 0)
            .IopermPreempted("A", 0x80, 1, On, PreemptionPoints.Alloc, Zero)
            .RunIdle(0)
            .Run("A", 1);

        Assert.Equal(IoBitmapBase.Invalid, sim.Tss(0).IoBitmapBase);
        Assert.Equal(IoBitmapBase.ValidMap, sim.Tss(1).IoBitmapBase);
        sim.Finish();
    }

    [Fact]
    public void The_trace_shows_the_preemption_and_judges_the_resumed_step_at_its_line()
    {
        var sim = new Sim(IopermVariant.Merged, 2, Root("A")).Run("A", 0)
            .IopermPreempted("A", 0x80, 1, On, PreemptionPoints.Installed, Fails(Errno.EPERM))
            .RunIdle(0);
        sim.Raw.Switch(new Step(9, 1, "cpu1 switch A"), 1, sim["A"]);

        var entries = sim.Raw.Complete().Entries;

        var preempted = entries.Single(e => e.Step.Line == 2 && e.Failure == "A stays in the kernel until it is switched in");
        Assert.Equal(Verdict.None, preempted.Verdict);
        var resumed = entries[^1];
        Assert.Equal(2, resumed.Step.Line);
        Assert.Equal("A resumes on cpu1: A: ioperm(0x80, 0x1, on) preempted at installed", resumed.Step.Text);
        Assert.Equal(Verdict.Fail, resumed.Verdict);
        Assert.Equal("got 0", resumed.Failure);
        Assert.Contains("allowed port 0x80 in io_bitmap#1", resumed.Notes);
        Assert.Contains("cpu1: swapper/1 -> A", entries[^2].Notes);
    }

    [Fact]
    public void A_task_left_preempted_is_reported_and_takes_no_other_step()
    {
        var sim = Sim.RootA(IopermVariant.Merged).IopermPreempted("A", 0x80, 1, On, PreemptionPoints.Installed, Zero);

        Assert.Throws<ScenarioRuntimeException>(() => sim.Raw.Run(sim.Raw.IoplStep(new Step(5, 1, "A: iopl(3)"), "A: iopl(3)", null, 0, sim["A"], 3)));
        Assert.Throws<ScenarioRuntimeException>(() => sim.Raw.Run(sim.Raw.ExitStep(new Step(6, 1, "A: exit"), "A: exit", null, 0, sim["A"])));
        Assert.Equal([(sim["A"], "installed")], sim.Raw.SuspendedPaths);
    }

    [Fact]
    public void An_unknown_point_is_refused()
    {
        var sim = Sim.RootA(IopermVariant.Merged);
        Assert.Throws<ScenarioRuntimeException>(() =>
            sim.Raw.Run(sim.Raw.IopermStep(new Step(2, 1, "A: ioperm"), "A: ioperm", null, 0, sim["A"], 0x80, 1, 1, Zero), until: "kmalloc", preempted: true));
    }
}
