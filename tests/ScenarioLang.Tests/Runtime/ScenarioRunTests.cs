using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Mechanisms.Ioport;
using static ScenarioLang.Tests.Runtime.Kscn;

namespace ScenarioLang.Tests.Runtime;

/// <summary>The hosting API the generated code calls: verdicts, observations and refused steps.</summary>
public sealed class ScenarioRunTests
{
    private static Step At(int line, string text) => new(line, 1, text);

    [Fact]
    public void An_outcome_other_than_the_expected_one_fails_its_step()
    {
        var sim = new Sim(IopermVariant.Merged, 1, User("U")).Run("U");
        sim.Raw.Run(sim.Raw.IopermStep(At(7, "U: ioperm(0x80, 1, on) -> 0"), "U: ioperm(0x80, 1, on)", "-> 0", 0, sim["U"], 0x80, 1, 1, Zero));

        var result = sim.Raw.Complete();

        var entry = Assert.Single(result.Entries, e => e.Verdict != Verdict.None);
        Assert.Equal(Verdict.Fail, entry.Verdict);
        Assert.Equal(7, entry.Step.Line);
        Assert.Equal("got EPERM", entry.Failure);
        Assert.False(result.Passed);
    }

    [Fact]
    public void An_expectation_on_a_field_the_variant_lacks_fails_instead_of_throwing()
    {
        var sim = Sim.RootA(IopermVariant.Pre55).Ioperm("A", 0x80, 1, On, Zero);
        sim.Raw.Expect(At(9, "expect bitmap(A).refcount == 1"), o => o.BitmapRefcount(sim["A"]), Comparison.Equal, 1L);

        var entry = sim.Raw.Complete().Entries[^1];

        Assert.Equal(Verdict.Fail, entry.Verdict);
        Assert.StartsWith("cannot observe:", entry.Failure);
    }

    [Theory]
    [InlineData(IopermVariant.Pre55, false)]
    [InlineData(IopermVariant.V2Patch06, false)]
    [InlineData(IopermVariant.Merged, true)]
    public void Identity_expectation_tells_shared_from_duplicated(IopermVariant variant, bool shared)
    {
        var sim = Sim.RootA(variant).Ioperm("A", 0x80, 1, On, Zero);
        var child = sim.Fork("A", "C");
        sim.Raw.ExpectIdentity(At(20, "expect bitmap(C) is bitmap(A)"), o => o.Bitmap(child), o => o.Bitmap(sim["A"]), same: true);

        var entry = sim.Raw.Complete().Entries[^1];

        Assert.Equal(shared ? Verdict.Pass : Verdict.Fail, entry.Verdict);
    }

    [Fact]
    public void A_step_for_a_task_that_is_not_running_on_that_cpu_is_refused()
    {
        var sim = Sim.RootA(IopermVariant.Merged, "B");
        Assert.Throws<ScenarioRuntimeException>(() => sim.Raw.Run(sim.Raw.IopermStep(At(3, "B: ioperm"), "B: ioperm", null, 0, sim["B"], 0x80, 1, 1)));
    }

    [Fact]
    public void The_result_reports_the_costs_in_bytes_and_bitmaps()
    {
        var result = Sim.RootA(IopermVariant.Merged).Ioperm("A", 0, AllPorts, On, Zero).Finish();
        Assert.Equal(["8 KiB copied into TSS bitmaps, 0 bytes cleared", "1 I/O bitmap allocated (16 KiB from kmalloc), 0 freed, 1 live"], result.Costs);
    }

    [Fact]
    public void The_result_carries_the_costs_as_numbers()
    {
        var sim = Sim.RootA(IopermVariant.Pre55, "B").Ioperm("A", 0, AllPorts, On, Zero);
        sim.Fork("A", "C");
        var result = sim.Run("B").Finish();
        Assert.Equal(
            [new("tss_bytes_copied", 8192), new("tss_bytes_cleared", 8192), new("bitmaps_allocated", 2), new("bitmap_bytes_allocated", 16384), new("bitmaps_freed", 0), new("live_bitmaps", 2),
                new("bitmap_pte_writes", 0), new("invlpg", 0), new("flush_ipis", 0), new("ltr", 0), new("tss_field_bytes", 0), new KeyValuePair<string, long>("thread_tss_bytes_allocated", 0)],
            result.Counters.All);
    }

    [Fact]
    public void A_failing_fork_is_judged_by_its_errno_and_returns_no_task()
    {
        var sim = Sim.RootA(IopermVariant.Merged);
        sim.Raw.Run(sim.Raw.NewTaskStep(At(4, "A: fork -> C"), "A: fork", "-> C", 0, sim["A"], thread: false, "C", failingAt: "alloc_pid", Zero));

        var entry = sim.Raw.Complete().Entries[^1];

        Assert.DoesNotContain(sim.Kernel.Tasks, t => t.Name == "C");
        Assert.Equal(Verdict.Fail, entry.Verdict);
        Assert.Equal("got ENOMEM", entry.Failure);
    }

    [Fact]
    public void Fork_and_clone_name_the_new_task_for_later_steps()
    {
        var sim = Sim.RootA(IopermVariant.Merged);
        sim.Raw.Run(sim.Raw.NewTaskStep(At(2, "A: clone -> T"), "A: clone", "-> T", 0, sim["A"], thread: true, "T", failingAt: null));
        sim.Raw.Run(sim.Raw.NewTaskStep(At(3, "A: fork -> C"), "A: fork", "-> C", 0, sim["A"], thread: false, "C", failingAt: null));
        Assert.Same(sim["A"].Threads[1], sim.Raw.Task("T"));
        Assert.Contains(sim.Raw.Task("C"), sim.Kernel.Processes);
        Assert.Equal("returned 3", sim.Raw.Complete().Entries[^1].Failure);
    }

    [Fact]
    public void Flags_expectations_print_in_hex()
    {
        var sim = Sim.RootA(IopermVariant.Pre55).Iopl("A", 3, Zero);
        sim.Raw.Expect(At(5, "expect task(A).eflags == 0x202"), o => o.TaskEflags(sim["A"]), Comparison.Equal, 0x202L, ValueFormat.Hex);
        Assert.Equal("got 0x3202", sim.Raw.Complete().Entries[^1].Failure);
    }
}
