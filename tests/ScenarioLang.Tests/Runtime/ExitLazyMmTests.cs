using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Tests.Runtime;

/// <summary>
/// An exiting task's mm_struct and PGD outlive its mmput(): exit_mm() takes a lazy-TLB reference first
/// (mmgrab_lazy_tlb(), kernel/exit.c), so the last mmput() tears the mappings down (__mmput() -> exit_mmap()) but leaves
/// the struct, and only the drop of that reference after the final schedule() (kernel/sched/core.c:
/// finish_task_switch()) frees it with its PGD (__mmdrop() -> mm_free_pgd()). v1 of the lockless PGD series walks the
/// tasks' p->mm without task_lock(): a walk that has read C->mm uses freed memory only once C's CPU has switched away.
/// </summary>
public sealed class ExitLazyMmTests
{
    [Fact]
    public void A_walker_that_takes_the_lock_before_the_final_schedule_uses_a_live_mm()
    {
        var result = Walk("""
            cpu0 C: exit until schedule
            cpu1 continue
            cpu0 continue
            """);
        Assert.True(result.Passed, TraceFormatter.Format(result));
        Assert.Empty(result.Findings);
    }

    [Fact]
    public void A_walker_that_takes_the_lock_after_the_final_schedule_uses_a_freed_mm_and_pgd()
    {
        var result = Walk("""
            cpu0 C: exit
            cpu1 continue
            expect use-after-free mm_struct and use-after-free pgd
            """);
        Assert.True(result.Passed, TraceFormatter.Format(result));
        Assert.Contains(result.Findings, f => f.Message.Contains("sync_global_pgds accessed mm_struct", StringComparison.Ordinal));
    }

    [Fact]
    public void The_mm_is_left_with_no_user_but_its_struct_until_the_final_schedule()
    {
        var trace = TraceFormatter.Format(Infrastructure.Kscn.RunSingle("""
            scenario "exit" {
              memory tso
              cpus 1
              task P root
              task C root
              cpu0 switch C
              expect machine.live_mms == 2
              cpu0 C: exit until schedule
              expect machine.live_mms == 2
              cpu0 continue
              expect machine.live_mms == 1
            }
            """));
        Assert.DoesNotContain("[FAIL]", trace);
    }

    // C's mm on cpu0; cpu1's vmalloc() under late-v1 has read C->mm and is about to take its page_table_lock.
    private static ScenarioLang.Runtime.ScenarioResult Walk(string schedule) => Infrastructure.Kscn.RunSingle($$"""
        scenario "v1 walker and exit" {
          kernel pgd = late-v1
          memory tso
          cpus 2
          task P root
          task C root
          cpu0 switch C
          cpu1 kernel: vmalloc(4 MiB) until page_table_lock[C] -> V
          {{schedule}}
        }
        """);
}
