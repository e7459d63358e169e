using ScenarioLang.Runtime.Catalog;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Tests.Runtime;

/// <summary>
/// mmput()'s atomic_dec_and_test(&amp;mm->mm_users) is a locked decrement, an exiting task's final schedule() takes
/// the runqueue's raw spinlock, and the finish_task_switch() that frees its mm then drops its stack with another locked
/// decrement (put_task_stack()): all wait for the CPU's store buffer (Intel SDM vol. 3 §9.2.2). Each step that can run
/// them pauses there with the stores before it still buffered, and what it buffered before mmput() has reached memory
/// by the next point.
/// </summary>
public sealed class MmputDrainTests
{
    private const string AtMmput = "paused before lock decl (atomic_dec_and_test(&mm->mm_users)); cpu0's store buffer: ";
    private const string AtSchedule = "paused before lock (raw_spin_lock(&rq->__lock) in __schedule()); cpu0's store buffer: ";
    private const string AtPutTaskStack = "paused before lock decl (refcount_dec_and_test(&tsk->stack_refcount) in put_task_stack()); cpu0's store buffer: ";

    // Each row: the kernel, the steps before, the step paused at the point, and what its CPU's buffer holds there (the
    // note the trace prints). Exit's and exec's task_unlock() stores wait there; a thread de_thread() killed, a munmap
    // and an unlink come to mmput() just after another locked instruction (mmput()'s own, refcount_dec_and_test()).
    // Exit's final schedule() follows mmput() with nothing stored; the pgd_free() after it (the lazy reference dropped,
    // ExitLazyMmTests) leaves pgd_list's and pgd_lock's stores for put_task_stack().
    // The RFC's creator walks the host's freed PMD page in its munmap (samples/ptshare/munmap-and-refcount.kscn).
    public static TheoryData<string, string, string, string, string, string> Cases => new()
    {
        { "", "", "exit", KernelPoints.Mmput, "A->mm = 0, A->alloc_lock = 0", "" },
        { "", "", "exit", KernelPoints.Schedule, "empty", "" },
        { "", "", "exit", KernelPoints.PutTaskStack, "pgd#1->lru = 0, pgd_lock = 0", "" },
        { "", "", "exec", KernelPoints.Mmput, "A->alloc_lock = 0", "" },
        { "", "cpu0 A: clone -> T", "exec", KernelPoints.Schedule, "empty", "" },
        { "ptshare = rfc-v2", Ptshared, "munmap(0x40000000, 4 MiB) -> 0", KernelPoints.Mmput, "empty", "expect use-after-free pmd" },
        { "ptshare = mshare", Mshared, "msharefs_unlink(shareme) -> 0", KernelPoints.Mmput, "empty", "" },
    };

    private const string Ptshared = "cpu0 A: mmap(0x40000000, 4 MiB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_SHARED_PT, db, 0) -> 0x40000000";

    private const string Mshared = "cpu0 A: msharefs_open(shareme) -> 0\n  cpu0 A: msharefs_ftruncate(shareme, 512 GiB) -> 0";

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_step_pauses_before_the_locked_instruction_with_its_stores_buffered(string kernel, string setup, string step, string point, string buffered, string expect)
    {
        var paused = DrainingStepTests.Until(step, point);
        var result = Infrastructure.Kscn.RunSingle($$"""
            scenario "until {{point}}" {
              {{(kernel.Length == 0 ? "" : "kernel " + kernel)}}
              memory tso
              cpus 1
              task A root
              file db = 4 MiB
              file shareme = 512 GiB
              {{setup}}
              cpu0 A: {{paused}}
              cpu0 continue
              {{expect}}
            }
            """);
        var trace = TraceFormatter.Format(result);
        Assert.True(result.Passed, trace);
        var at = point switch
        {
            KernelPoints.Mmput => AtMmput,
            KernelPoints.Schedule => AtSchedule,
            KernelPoints.PutTaskStack => AtPutTaskStack,
            _ => throw new ArgumentOutOfRangeException(nameof(point), point, "a point this test has no note for"),
        };
        Assert.Contains(at + buffered, trace);
    }

    [Fact]
    public void Exit_s_stores_before_mmput_have_reached_memory_at_its_final_schedule()
    {
        var trace = TraceFormatter.Format(Infrastructure.Kscn.RunSingle("""
            scenario "exit" {
              memory tso
              cpus 1
              task A root
              cpu0 A: exit until mmput
              cpu0 continue until schedule
              cpu0 continue
            }
            """));
        var schedule = trace.Split('\n').Single(l => l.Contains(AtSchedule, StringComparison.Ordinal));
        Assert.DoesNotContain("A->mm", schedule);
        Assert.DoesNotContain("A->alloc_lock", schedule);
    }

    [Fact]
    public void The_cases_above_pause_at_every_mmput_and_schedule_point_declared()
    {
        // fork's and clone's mmput() runs only when they fail (failing at alloc_pid), which a step cannot combine with
        // until: PgdPointTests drives that path and finds the point in the table.
        var declared = KernelCatalog.Points
            .Where(p => p.Name is KernelPoints.Mmput or KernelPoints.Schedule or KernelPoints.PutTaskStack && p.Step is not (KernelPoints.Fork or KernelPoints.Clone))
            .Select(p => $"{p.Step} {p.Name}");
        var paused = Cases.Select(row => $"{((string)row[2]).Split(' ', '(')[0]} {row[3]}");
        Assert.Equal(declared.Order(StringComparer.Ordinal), paused.Order(StringComparer.Ordinal));
    }
}
