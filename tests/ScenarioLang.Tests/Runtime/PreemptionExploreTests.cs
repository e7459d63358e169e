using ScenarioLang.Runtime;

namespace ScenarioLang.Tests.Runtime;

/// <summary>
/// <c>cpuN B preempts A: …</c> in an explore block: B is switched in at every place A can be preempted (user mode
/// before, between and after its steps, each preemption point of its path), once per execution, and a counterexample
/// prints and replays as an explicit schedule with <c>preempted at</c> and <c>switch</c>.
/// </summary>
public sealed class PreemptionExploreTests
{
    private const string PreemptedIoperm = """
        scenario "B preempts A in ioperm" {
          kernel ioperm = v2-06-16
          cpus 1
          task A root
          task B user
          explore {
            cpu0 A: ioperm(0x80, 1, on) -> 0
            cpu0 B preempts A: outb 0x80 -> #GP
          }
          expect always tss(cpu0).prev_max == 24
        }
        """;

    [Fact]
    public void The_preempting_task_runs_once_at_every_place_the_task_can_be_preempted()
    {
        // v2-06-16's ioperm() for a first bitmap stops at alloc and installed: with user mode before and after, 4 places.
        foreach (var reduction in new[] { Reduction.Dpor, Reduction.SleepSets, Reduction.None })
        {
            var result = Explore(PreemptedIoperm, reduction);
            Assert.Equal(4, result.Exploration!.Executions);
            Assert.True(result.Exploration.Exhaustive);
        }
    }

    // exec's task_lock() around arch_pgd_init_late() disables preemption: its smp_wmb() point is no place for B, which
    // there would spin forever on P's task_lock in sync_global_pgds() (a deadlock no kernel has).
    [Fact]
    public void A_task_holding_a_lock_is_not_preempted_at_a_preemption_point()
    {
        const string PreemptedExec = """
            scenario "B preempts P in exec" {
              kernel pgd = late-wmb-intended
              memory tso
              cpus 1
              task P root
              task B root
              explore {
                cpu0 P: exec
                cpu0 B preempts P: vmalloc(4 MiB) -> V
              }
              expect never pgd(P)[V] is none
            }
            """;
        // Without reduction the fork of PGD loops runs past the default budget; DPOR with the independence verifier.
        var result = Explore(PreemptedExec, Reduction.Dpor, verify: true);
        Assert.True(result.Passed, ScenarioLang.Runtime.Tracing.TraceFormatter.Format(result));
        Assert.True(result.Exploration!.Exhaustive);
        Assert.Equal(0, result.Exploration.Deadlocks);
    }

    [Fact]
    public void A_task_switched_back_inside_ioperm_is_a_counterexample_printed_with_preempted_at()
    {
        // Only a switch in of A with TIF_IO_BITMAP records its io_bitmap_max as prev_max (ksys_ioperm() does not):
        // preempted after ioperm() returned, 24 bytes; at 'installed' the max is not computed yet and 0 is recorded;
        // before ioperm() or at 'alloc' A has no TIF_IO_BITMAP and nothing is recorded.
        var result = Explore(PreemptedIoperm, Reduction.Dpor);

        var verdict = Assert.Single(result.Exploration!.Expectations, e => e.Quantifier == Quantifier.Always && e.Counterexample is not null);
        Assert.Equal(1, verdict.Satisfied);
        Assert.Equal(
            ["cpu0 A: ioperm(0x80, 1, on) preempted at installed -> 0", "cpu0 switch B", "cpu0 B: outb 0x80 -> #GP", "cpu0 switch A"],
            verdict.Counterexample!.Lines());
    }

    [Fact]
    public void The_printed_schedule_replays_to_the_same_failure()
    {
        var replay = Infrastructure.Kscn.RunSingle(InScenarioOfOneCpu(
            "  cpu0 A: ioperm(0x80, 1, on) preempted at installed -> 0\n  cpu0 switch B\n  cpu0 B: outb 0x80 -> #GP\n  cpu0 switch A\n  expect always tss(cpu0).prev_max == 24"));

        Assert.Equal("got tss(cpu0).prev_max=0", replay.Entries[^1].Failure);
    }

    [Fact]
    public void Every_event_of_the_preempted_task_reads_which_task_its_cpu_runs()
    {
        // Without that read, a return of A would look independent of B's switch back, and the independence check
        // (which moves each event before those it is independent of) would find that A cannot run before it.
        var verified = Explore(PreemptedIoperm, Reduction.Dpor, verify: true);

        Assert.Equal(4, verified.Exploration!.Executions);
    }

    private static string InScenarioOfOneCpu(string statements) =>
        "scenario \"t\" {\n  kernel ioperm = v2-06-16\n  cpus 1\n  task A root\n  task B user\n" + statements + "\n}\n";

    [Fact]
    public void Every_place_is_found_however_deep_below_the_first_choices()
    {
        // Regression: DPOR reversed the race of B's switch with the step that made A preemptible again (its return),
        // where the switch cannot run, and not with the step that had made A unpreemptible (its start): only
        // preemptions within the first choices, which the search split expands in full, were explored. Forty stores
        // put the two that matter below that split; B must read each of x's three values.
        var stores = string.Join("\n", Enumerable.Range(1, 40).Select(i => $"    cpu0 A: store z = {i}"));
        var text = $$"""
            scenario "B preempts A between its last two stores" {
              memory sc
              cpus 1
              shared x
              shared z
              task A root
              task B root
              explore {
            {{stores}}
                cpu0 A: store x = 1
                cpu0 A: store x = 2
                cpu0 B preempts A: load x -> r
              }
              expect sometimes r == 0
              expect sometimes r == 1
              expect sometimes r == 2
            }
            """;
        foreach (var reduction in new[] { Reduction.Dpor, Reduction.SleepSets })
        {
            var result = Explore(text, reduction, verify: reduction == Reduction.Dpor);
            Assert.True(result.Passed, $"{reduction}: {ScenarioLang.Runtime.Tracing.TraceFormatter.Format(result)}");
            // One execution per place: before each of A's 42 steps and after the last.
            Assert.Equal(43, result.Exploration!.Executions);
        }
    }

    private static ScenarioResult Explore(string text, Reduction reduction, bool verify = false) =>
        Infrastructure.Kscn.RunSingle(text, new ExploreOptions(reduction, Jobs: 1, VerifyIndependence: verify));
}
