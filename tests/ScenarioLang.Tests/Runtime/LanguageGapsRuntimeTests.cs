using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Tests.Runtime;

/// <summary>
/// What the gaps met writing scenarios from the mails do when they run: two subjects compared, alternative results
/// (explicit schedule, until, repeat, explore), task groups run by 'for each', and the page-fault counters of faults(T).
/// </summary>
public sealed class LanguageGapsRuntimeTests
{
    private static ScenarioResult Run(string text) => Infrastructure.Kscn.RunSingle(text);

    private static TraceEntry Entry(ScenarioResult result, string text) => Assert.Single(result.Entries, e => e.Step.Text == text);

    private const string Map = "mmap(0x40000000, 2 MiB, PROT_READ, MAP_SHARED | MAP_SHARED_PT, db, 0)";

    [Fact]
    public void Two_subjects_compare_their_values_and_a_failure_shows_both()
    {
        var result = Run("""
            scenario "t" {
              task A root
              task B root
              cpu0 A: ioperm(0x80, 1, on) -> 0
              cpu0 switch B
              cpu0 B: ioperm(0x3f8, 8, on) -> 0
              expect tss(cpu0).prev_sequence == bitmap(B).sequence
              expect tss(cpu0).prev_sequence == bitmap(A).sequence
              expect bitmap(A).max < bitmap(B).max
              expect always bitmap(A).sequence < bitmap(B).sequence and bitmap(A).max == bitmap(B).max
            }
            """);
        Assert.Equal(Verdict.Pass, Entry(result, "expect tss(cpu0).prev_sequence == bitmap(B).sequence").Verdict);
        var failed = Entry(result, "expect tss(cpu0).prev_sequence == bitmap(A).sequence");
        Assert.Equal((Verdict.Fail, "got 2 and 1"), (failed.Verdict, failed.Failure));
        Assert.Equal(Verdict.Pass, Entry(result, "expect bitmap(A).max < bitmap(B).max").Verdict);
        var conjunction = Entry(result, "expect always bitmap(A).sequence < bitmap(B).sequence and bitmap(A).max == bitmap(B).max");
        Assert.Equal("got bitmap(A).sequence=1; bitmap(B).sequence=2; bitmap(A).max=24; bitmap(B).max=128", conjunction.Failure);
    }

    [Fact]
    public void A_subject_the_kernel_lacks_fails_the_comparison_as_cannot_observe()
    {
        var result = Run("scenario \"t\" {\n  task A root\n  task B root\n  cpu0 A: ioperm(0x80, 1, on) -> 0\n  expect bitmap(A).sequence == bitmap(B).sequence\n}");
        var entry = Entry(result, "expect bitmap(A).sequence == bitmap(B).sequence");
        Assert.Equal((Verdict.Fail, "cannot observe: B has no I/O bitmap"), (entry.Verdict, entry.Failure));
    }

    [Fact]
    public void A_step_passes_on_any_alternative_and_fails_on_none_with_what_it_got()
    {
        var result = Run("""
            scenario "t" {
              task U user
              cpu0 U: cli -> ok | #GP
              cpu0 U: outb 0x80 -> ok | #GP
              cpu0 U: ioperm(0x80, 1, on) -> 0 | EINVAL
              cpu0 U: pushf -> 0x3202 | 0x202
            }
            """);
        Assert.Equal(Verdict.Pass, Entry(result, "cpu0 U: cli -> ok | #GP").Verdict);
        Assert.Equal(Verdict.Pass, Entry(result, "cpu0 U: outb 0x80 -> ok | #GP").Verdict);
        var ioperm = Entry(result, "cpu0 U: ioperm(0x80, 1, on) -> 0 | EINVAL");
        Assert.Equal((Verdict.Fail, "got EPERM"), (ioperm.Verdict, ioperm.Failure));
        Assert.Equal(Verdict.Pass, Entry(result, "cpu0 U: pushf -> 0x3202 | 0x202").Verdict);
        Assert.Contains("cpu0 U: ioperm(0x80, 1, on) -> 0 | EINVAL   (got EPERM)", TraceFormatter.Format(result));
    }

    [Fact]
    public void Alternatives_are_judged_after_until_and_continue_and_in_every_iteration_of_a_repeat()
    {
        var result = Run($$"""
            scenario "t" {
              task A user
              file db = 2 MiB
              cpu0 A: {{Map}} until return -> ENOMEM | 0x40000000
              cpu0 continue
              repeat 3 {
                cpu0 A: read(0x40000000) -> SIGSEGV | ok
                cpu0 A: write(0x40000000) -> SIGSEGV | #GP | ok
              }
            }
            """.Replace("#GP | ", "", StringComparison.Ordinal));
        Assert.Equal(Verdict.Pass, Entry(result, "cpu0 continue").Verdict);
        Assert.True(result.Passed, TraceFormatter.Format(result));
        Assert.Equal(4, result.UntracedPasses);
    }

    [Fact]
    public void An_explored_step_with_alternatives_holds_in_every_execution_that_gives_one_of_them()
    {
        var result = Run($$"""
            scenario "t" {
              cpus 2
              kernel ptshare = rfc-v2
              task A user
              task B user
              file db = 2 MiB
              cpu0 A: {{Map}} -> 0x40000000
              explore {
                cpu0 A: munmap(0x40000000, 2 MiB) -> 0
                cpu1 B: read(0x40000000) -> ok | SIGSEGV
              }
              expect always faults(B).major == 0
              expect always use-after-free pmd
            }
            """);
        // The finding: A's unmap walks the host's PMD page after free_ptshare_mm() (RFC v2 4/4's ptshare_copy_pmd()).
        Assert.True(result.Passed, TraceFormatter.Format(result));
        Assert.Contains("[pass] 10:5    cpu1 B: read(0x40000000) -> ok | SIGSEGV", TraceFormatter.Format(result));
    }

    [Fact]
    public void For_each_runs_its_body_for_every_member_and_traces_the_first()
    {
        var result = Run($$"""
            scenario "t" {
              task W[50] user
              file db = 2 MiB
              for each W {
                cpu0 switch W
                cpu0 W: {{Map}} -> 0x40000000
                cpu0 W: read(0x40000000, 8 KiB) -> ok
                expect faults(W).minor == 2
              }
              expect faults(W49).minor == 2
              expect mm(W0).users == 1
            }
            """);
        Assert.True(result.Passed, TraceFormatter.Format(result));
        var trace = TraceFormatter.Format(result);
        Assert.Contains("W is W0 here; W1 to W49 follow untraced", trace);
        Assert.Contains("end of for each W: 50 tasks", trace);
        Assert.Contains("W1 to W49 ran untraced: 147 of 147 expectations held", trace);
        Assert.Equal(1, result.Entries.Count(e => e.Step.Text == "expect faults(W).minor == 2"));
    }

    [Fact]
    public void A_failure_in_a_later_member_is_traced_with_the_member()
    {
        var result = Run("""
            scenario "t" {
              kernel ptshare = rfc-v2
              task W[5] user
              file db = 2 MiB
              for each W {
                cpu0 switch W
                cpu0 W: mmap(0x40000000, 2 MiB, PROT_READ, MAP_SHARED | MAP_SHARED_PT, db, 0) -> 0x40000000
                cpu0 W: read(0x40000000, 8 KiB) -> ok
                expect faults(W).minor == 2
              }
            }
            """);
        // W0 creates the host and faults in both pages (its PUD entry is the host's PMD page: RFC v2 4/4's
        // ptshare_copy_pmd()); W1 to W4 only link the host's PTE page, a VM_FAULT_NOPAGE their counters do not see.
        Assert.False(result.Passed);
        var failures = result.Entries.Where(e => e.Verdict == Verdict.Fail).Select(e => (e.Step.Text, e.Failure)).ToArray();
        Assert.Equal([.. Enumerable.Range(1, 4).Select(i => ($"iteration W{i}: expect faults(W).minor == 2", (string?)"got 0"))], failures);
    }

    [Theory]
    [InlineData("off", 512, 512)]
    // The first mapper's PUD entry is the host's PMD page (RFC v2 4/4's ptshare_copy_pmd()): no fault only to link. The
    // second's link of the host's PTE page returns VM_FAULT_NOPAGE before mm_account_fault(): not counted.
    [InlineData("rfc-v2", 512, 0)]
    [InlineData("locked", 512, 0)]
    public void Faults_count_one_per_page_faulted_in_and_none_for_a_link_of_the_hosts_pte_page(string variant, long first, long second)
    {
        var result = Run($$"""
            scenario "t" {
              kernel ptshare = {{variant}}
              task A user
              task B user
              file db = 2 MiB
              cpu0 A: {{Map}} -> 0x40000000
              cpu0 A: read(0x40000000, 2 MiB) -> ok
              cpu0 A: read(0x40000000, 2 MiB) -> ok
              cpu0 switch B
              cpu0 B: {{Map}} -> 0x40000000
              cpu0 B: read(0x40000000, 2 MiB) -> ok
              expect faults(A).minor == {{first}}
              expect faults(B) == {{second}}
              expect faults(A).major == 0
            }
            """);
        Assert.True(result.Passed, TraceFormatter.Format(result));
    }

    [Fact]
    public void A_write_to_a_page_read_before_faults_again_and_sigsegv_counts_no_fault()
    {
        var result = Run("""
            scenario "t" {
              task A user
              file db = 2 MiB
              cpu0 A: mmap(0x40000000, 2 MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE, db, 0) -> 0x40000000
              cpu0 A: read(0x40000000, 8 KiB) -> ok
              expect faults(A) == 2
              cpu0 A: write(0x40000000, 8 KiB) -> ok
              expect faults(A) == 4
              cpu0 A: read(0x80000000) -> SIGSEGV
              expect faults(A) == 4
              cpu0 A: fork -> C
              expect faults(C) == 0
            }
            """);
        Assert.True(result.Passed, TraceFormatter.Format(result));
    }

    // mm/memory.c: vma_needs_copy(): fork copies the page tables of a vma with an anon_vma (written since it was
    // mapped) and write-protects the parent's entries too; a vma only read is faulted in again by the child.
    [Fact]
    public void Fork_copies_only_written_private_pages_and_both_sides_then_fault_on_write()
    {
        var result = Run("""
            scenario "t" {
              task A user
              file db = 2 MiB
              cpu0 A: mmap(0x40000000, 2 MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE, db, 0) -> 0x40000000
              cpu0 A: mmap(0x40400000, 2 MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE, db, 0) -> 0x40400000
              cpu0 A: read(0x40000000, 8 KiB) -> ok
              cpu0 A: write(0x40400000, 8 KiB) -> ok
              expect faults(A) == 4
              cpu0 A: fork -> C
              expect pagetables(C).pte == 4 KiB
              cpu0 A: write(0x40400000, 8 KiB) -> ok
              expect faults(A) == 6
              cpu0 switch C
              cpu0 C: read(0x40400000, 8 KiB) -> ok
              expect faults(C) == 0
              cpu0 C: read(0x40000000, 8 KiB) -> ok
              expect faults(C) == 2
              cpu0 C: write(0x40400000, 8 KiB) -> ok
              expect faults(C) == 4
            }
            """);
        Assert.True(result.Passed, TraceFormatter.Format(result));
    }

    // Between a fault's walk and its handler, and between its IRET and the retried walk, another CPU runs: a thread
    // that maps the page makes the fault spurious (counted, nothing to do), one that unmaps it makes the retry fault
    // again. However often that happens, the access goes on; it is no loop of the model.
    [Fact]
    public void A_fault_whose_page_another_thread_maps_and_unmaps_meanwhile_retries_as_often()
    {
        var result = Run("""
            scenario "spurious faults" {
              cpus 2
              task A user
              cpu0 A: mmap(0x400000, 4 KiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) -> 0x400000
              cpu0 A: clone -> T
              cpu1 switch T
              cpu0 A: read(0x400000) until mmap_read_lock
              repeat 5 {
                cpu1 T: read(0x400000) -> ok
                cpu0 continue until mmap_read_unlock
                cpu1 T: munmap(0x400000, 4 KiB) -> 0
                cpu1 T: mmap(0x400000, 4 KiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) -> 0x400000
                cpu0 continue until mmap_read_lock
              }
              cpu0 continue
              expect faults(A) == 6
              expect faults(T) == 5
            }
            """);
        Assert.True(result.Passed, TraceFormatter.Format(result));
    }
}
