using ScenarioLang.Runtime;

namespace ScenarioLang.Tests.Runtime;

/// <summary>
/// Explicit schedules where a step waits for a lock another CPU's paused step holds, and the other situations that used
/// to end in an internal error (issue 16): each runs to a verdict, with the situation in the trace.
/// </summary>
public sealed class BlockedStepTests
{
    private const string Holder = """
        scenario "t" {
          kernel pgd = locked-list
          cpus 2
          task P root
          cpu1 kernel: vmalloc(4 KiB) until pgd_unlock -> V
          cpu0 P: fork -> C

        """;

    [Fact]
    public void A_fork_waiting_for_pgd_lock_blocks_and_returns_when_the_paused_vmalloc_unlocks()
    {
        var result = Run(Holder + "  cpu1 continue\n  expect pgd(C)[V] is not none\n}\n");

        Assert.True(result.Passed, Failures(result));
        var blocked = result.Entries.Single(e => e.Step.Text == "cpu0 P: fork -> C");
        Assert.Equal(["cpu0 spins in spin_lock(pgd_lock), held by cpu1's vmalloc (line 5), paused at pgd_unlock"], blocked.Notes);
        var resumed = result.Entries.Single(e => e.Step.Text == "cpu0 gets pgd_lock: cpu0 P: fork -> C");
        Assert.Equal(6, resumed.Step.Line);
        Assert.Contains("C created (pid 2), runnable", resumed.Notes);
        // The fork returns after the continue that released the lock, and before the expectation.
        var order = result.Entries.Select(e => e.Step.Text).ToList();
        Assert.True(order.IndexOf("cpu1 continue") < order.IndexOf(resumed.Step.Text));
    }

    [Fact]
    public void A_schedule_that_never_releases_the_lock_is_a_deadlock_at_the_blocked_step()
    {
        var result = Run(Holder + "  cpu0 P: exec\n  cpu1 continue\n}\n");

        Assert.Equal(
            [
                (7, "cpu0 is blocked: cpu0's fork (line 6) spins in spin_lock(pgd_lock) held by cpu1's vmalloc (line 5), paused at pgd_unlock"),
                (6, "deadlock: cpu0's fork (line 6) spins in spin_lock(pgd_lock) held by cpu1's vmalloc (line 5), paused at pgd_unlock"),
            ],
            result.Entries.Where(e => e.Verdict == Verdict.Fail).Select(e => (e.Step.Line, e.Failure!)));
        Assert.Empty(result.Findings);
    }

    [Fact]
    public void A_task_whose_fork_is_still_blocked_stops_the_schedule_at_the_fork()
    {
        var result = Run(Holder + "  expect mm(C) is not none\n  cpu1 continue\n}\n");

        var failure = result.Entries.First(e => e.Verdict == Verdict.Fail);
        Assert.Equal((6, "task C is needed, but the step creating it never returned"), (failure.Step.Line, failure.Failure));
        Assert.False(result.Passed);
    }

    [Fact]
    public void Continue_after_an_until_point_that_was_never_reached_is_a_failure_at_its_line()
    {
        var result = Run("scenario \"t\" {\n  cpus 1\n  cpu0 kernel: vmalloc(4 MiB) until populate_pgd[0] -> V\n  cpu0 continue\n}\n");

        Assert.Equal(
            [
                (3, "vmalloc returned ok before reaching 'populate_pgd[0]'"),
                (4, "cpu0 has no paused step: its vmalloc (line 3) ran to its end without reaching 'populate_pgd[0]'"),
            ],
            result.Entries.Where(e => e.Verdict == Verdict.Fail).Select(e => (e.Step.Line, e.Failure!)));
    }

    [Theory]
    // copy_process() links the thread under tasklist_lock, which the paused fork holds.
    [InlineData("cpu1 Q: fork until tasklist_unlock -> D", "cpu0 P: clone -> T", "cpu0 gets tasklist_lock: cpu0 P: clone -> T")]
    // The last mmput() frees the PGD: pgd_free() unlinks it from pgd_list under pgd_lock.
    [InlineData("cpu1 kernel: vmalloc(4 KiB) until pgd_unlock -> V", "cpu0 P: exit", "cpu0 gets pgd_lock: cpu0 P: exit")]
    public void Clone_and_exit_wait_for_a_lock_as_fork_does(string holder, string waiter, string resumed)
    {
        var result = Run($"scenario \"t\" {{\n  kernel pgd = locked-list\n  cpus 2\n  task P root\n  task Q root\n  {holder}\n  {waiter}\n  cpu1 continue\n}}\n");

        Assert.True(result.Passed, Failures(result));
        Assert.Contains(result.Entries, e => e.Step.Text == resumed);
    }

    private static ScenarioResult Run(string text) => Infrastructure.Kscn.RunSingle(text);

    private static string Failures(ScenarioResult result) =>
        string.Join("\n", result.Entries.Where(e => e.Verdict == Verdict.Fail).Select(e => $"{e.Step.Line}: {e.Step.Text}: {e.Failure}"));
}
