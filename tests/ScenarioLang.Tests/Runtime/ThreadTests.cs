using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Mechanisms.Ioport;
using static ScenarioLang.Tests.Runtime.Kscn;

namespace ScenarioLang.Tests.Runtime;

/// <summary>Threads: clone shares the mm and the thread group, keeps I/O permissions per thread; exec kills the other threads.</summary>
public sealed class ThreadTests
{
    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void Clone_shares_the_mm_and_the_thread_group_fork_does_not(IopermVariant variant)
    {
        var sim = Sim.RootA(variant);
        var a = sim["A"];
        var thread = sim.Clone("A", "T");
        var child = sim.Fork("A", "C");

        Assert.Same(a.Mm, thread.Mm);
        Assert.Equal(2, sim.Observe.MmUsers(a));
        Assert.Equal(a.Pid, thread.Tgid);
        Assert.Same(a, thread.GroupLeader);
        Assert.NotSame(a.Mm, child.Mm);
        Assert.Equal(1, sim.Observe.MmUsers(child));
        Assert.Equal(child.Pid, child.Tgid);
        Assert.Equal(2, sim.Observe.LiveMms());
        sim.Finish();
    }

    [Fact]
    public void Identity_expectations_tell_a_thread_from_a_child()
    {
        var sim = Sim.RootA(IopermVariant.Merged);
        var thread = sim.Clone("A", "T");
        var child = sim.Fork("A", "C");
        sim.Raw.ExpectIdentity(new Step(10, 1, "expect mm(T) is mm(A)"), o => o.Mm(thread), o => o.Mm(sim["A"]), same: true);
        sim.Raw.ExpectIdentity(new Step(11, 1, "expect mm(C) is mm(A)"), o => o.Mm(child), o => o.Mm(sim["A"]), same: true);

        var entries = sim.Raw.Complete().Entries;

        Assert.Equal(Verdict.Pass, entries[^2].Verdict);
        Assert.Equal(Verdict.Fail, entries[^1].Verdict);
    }

    // copy_thread() does the same I/O work for a thread as for a process: the permissions are per thread.
    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void A_thread_inherits_the_ports_and_changes_only_its_own(IopermVariant variant)
    {
        Sim.RootAWithChild(variant, "T", thread: true)
            .Port("T", 0x80, Ok)
            .Ioperm("T", 0x3f8, 1, On, Zero)
            .Port("T", 0x3f8, Ok)
            .Port("A", 0x3f8, GP)
            .Port("A", 0x80, Ok)
            .Finish();
    }

    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void Merged_a_thread_shares_the_bitmap_like_a_child(IopermVariant variant)
    {
        var sim = Sim.RootAWithChild(variant, "T", thread: true);
        Assert.Same(sim.Bitmap("A"), sim.Bitmap("T"));
        Assert.Equal(2, sim.Observe.BitmapRefcount(sim["T"]));
        sim.Finish();
    }

    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void A_thread_exiting_drops_one_mm_user_and_the_last_exit_frees_the_mm(IopermVariant variant)
    {
        var sim = Sim.RootAWithChild(variant, "T", thread: true).Exit("T");
        Assert.Equal(1, sim.Observe.MmUsers(sim["A"]));
        Assert.Equal(1, sim.Observe.LiveMms());
        sim.Exit("A");
        Assert.Equal(0, sim.Observe.LiveMms());
        Assert.Equal(0, sim.Observe.LiveBitmaps());
        sim.Finish();
    }

    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void Exec_kills_the_other_threads_and_replaces_the_mm(IopermVariant variant)
    {
        var sim = Sim.RootAWithChild(variant, "T", thread: true);
        var old = sim["A"].Mm!;
        var waiting = sim.Clone("A", "U");

        var result = sim.Exec("A").Finish();

        Assert.Equal(TaskState.Dead, sim["T"].State);
        Assert.Equal(TaskState.Dead, waiting.State);
        Assert.True(sim.Machine.Cpus[1].Current.IsIdle);
        Assert.Same(sim["A"], sim.Machine.Cpus[0].Current);
        Assert.True(old.Freed);
        Assert.NotSame(old, sim["A"].Mm);
        Assert.Equal(1, sim.Observe.LiveMms());
        // The threads' exit_thread() ran: only A's bitmap is left.
        Assert.Equal(1, sim.Observe.LiveBitmaps());
        var notes = result.Entries.Single(e => e.Step.Text == "A: exec").Notes;
        Assert.Contains("de_thread: T gets SIGKILL", notes);
        Assert.Contains("cpu1: T -> swapper/1", notes);
        Assert.Contains("de_thread: U gets SIGKILL", notes);
        sim.Port("A", 0x80, Ok).Finish();
    }

    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void A_thread_that_execs_takes_over_the_leaders_pid(IopermVariant variant)
    {
        var sim = Sim.RootAWithChild(variant, "T", thread: true);
        var leaderPid = sim["A"].Pid;

        sim.Exec("T");

        Assert.Equal(TaskState.Dead, sim["A"].State);
        Assert.Equal(leaderPid, sim["T"].Pid);
        Assert.Equal(leaderPid, sim["T"].Tgid);
        Assert.Same(sim["T"], sim["T"].GroupLeader);
        sim.Port("T", 0x80, Ok).Finish();
    }

    [Fact]
    public void Exec_of_a_single_threaded_process_kills_nobody()
    {
        var sim = Sim.RootA(IopermVariant.Merged, "B").Exec("A");
        Assert.Equal(TaskState.Runnable, sim["B"].State);
        sim.Finish();
    }

    [Fact]
    public void An_mm_user_no_task_accounts_for_is_a_leak()
    {
        var sim = Sim.RootA(IopermVariant.Merged);
        sim["A"].Mm!.MmUsers++;
        var result = sim.Finish(FindingKind.Leak);
        Assert.Contains("mm_struct#1 has mm_users 2 but is used by 1 task", result.Findings[0].Message);
    }

    [Fact]
    public void An_mm_user_missing_is_an_early_free_not_a_leak()
    {
        var sim = Sim.RootA(IopermVariant.Merged);
        sim.Clone("A", "T");
        sim["A"].Mm!.MmUsers--;
        var result = sim.Finish(FindingKind.RefcountMisuse);
        Assert.Contains("mm_struct#1 has mm_users 1 but is used by 2 tasks: an mmput() will free it while still in use", result.Findings[0].Message);
    }
}
