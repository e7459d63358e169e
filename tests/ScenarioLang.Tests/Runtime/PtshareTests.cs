using ScenarioLang.Runtime.Kernel.Mm;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Mechanisms.Ptshare;
using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracing;
using ScenarioLang.Runtime;

namespace ScenarioLang.Tests.Runtime;

/// <summary>
/// Page-table sharing (seed 004) driven through the runtime API the generated code calls: who shares, what page-table
/// memory that saves, what munmap refuses and frees, and the two races of Karim Manaouil's review under rfc-v2 and locked.
/// </summary>
public sealed class PtshareTests
{
    private const ulong Base = 0x40000000;
    private const long GiB = 1L << 30;
    private const long MiB = 1L << 20;
    private const int SharedPt = Mman.MapShared | Mman.MapSharedPt;
    private const int ReadWrite = Mman.ProtRead | Mman.ProtWrite;

    [Theory]
    [InlineData(PtshareVariant.Off, 4 * 2 * MiB, 2 * MiB)]
    [InlineData(PtshareVariant.RfcV2, 2 * MiB, 0)]
    [InlineData(PtshareVariant.Locked, 2 * MiB, 0)]
    public void Processes_faulting_in_a_shared_gigabyte_use_one_set_of_pte_pages(PtshareVariant variant, long total, long each)
    {
        var tasks = new[] { "A", "B", "C", "D" };
        var result = Scenario.Run(variant, tasks, run =>
        {
            run.File("db", GiB);
            foreach (var (task, cpu) in tasks.Select((t, i) => (t, 0)))
            {
                run.Switch(Scenario.At(task + " switch"), cpu, run.Task(task));
                run.Run(run.MmapStep(Scenario.At(task + " mmap"), "mmap", null, cpu, run.Task(task), Base, (ulong)GiB, ReadWrite, SharedPt, "db", 0, Outcome.Address((long)Base)));
                run.Run(run.AccessStep(Scenario.At(task + " read"), "read", null, cpu, run.Task(task), write: false, Base, (ulong)GiB, Outcome.Ok));
            }
            Assert.Equal(total, run.Observations.TotalPteBytes());
            Assert.All(tasks, t => Assert.Equal(each, run.Observations.PteBytes(run.Task(t))));
            if (variant != PtshareVariant.Off)
            {
                Assert.Equal(4, run.Observations.PtshareRefcount("db"));
                Assert.Equal(2 * MiB, run.Observations.HostPteBytes("db"));
                Assert.Same(run.Observations.PteTable(run.Task("A"), Base + 0x1000), run.Observations.PteTable(run.Task("D"), Base));
            }
        });
        Assert.True(result.Passed, TraceFormatter.Format(result));
    }

    [Theory]
    [InlineData(Base + 0x1000, GiB, false)]          // start not 2 MiB aligned
    [InlineData(Base, GiB - 4096, false)]            // end not 2 MiB aligned
    [InlineData(Base, GiB, true)]
    public void Only_pmd_aligned_mappings_share(ulong address, long length, bool shared)
    {
        var result = Scenario.Run(PtshareVariant.RfcV2, ["A"], run =>
        {
            run.File("db", GiB);
            run.Switch(Scenario.At("switch"), 0, run.Task("A"));
            run.Run(run.MmapStep(Scenario.At("mmap"), "mmap", null, 0, run.Task("A"), address, (ulong)length, ReadWrite, SharedPt, "db", 0, Outcome.Address((long)address)));
            Assert.Equal(shared, run.Observations.VmaSharedPt(run.Task("A"), address));
            Assert.Equal(shared, run.Observations.Ptshare("db") is not null);
        });
        Assert.True(result.Passed, TraceFormatter.Format(result));
    }

    [Theory]
    [InlineData(PtshareVariant.RfcV2, false)]
    [InlineData(PtshareVariant.Locked, true)]
    public void Two_first_mappers_racing_leak_a_host_mm_only_without_the_lock(PtshareVariant variant, bool clean)
    {
        var result = Scenario.Run(variant, ["A", "B"], run =>
        {
            run.File("db", 4 * MiB);
            Map(run, "A", 0, explicitly: false);
            Map(run, "B", 1, explicitly: false);
            run.Explore(Scenario.At("explore"), Mmap(run, "A", 0), Mmap(run, "B", 1));
            run.ExpectFindings(Scenario.At("expect never leak ptshare_data"), Quantifier.Never, new FindingPattern(FindingKind.Leak, PtshareData.KindName));
        }, cpus: 2);

        Assert.Equal(clean, result.Passed);
        var verdict = result.Exploration!.Expectations.Single(e => e.Step.Text.StartsWith("expect", StringComparison.Ordinal));
        Assert.Equal(clean, verdict.Passed);
        Assert.Equal(clean, verdict.Counterexample is null);
    }

    [Theory]
    [InlineData(PtshareVariant.RfcV2, false)]
    [InlineData(PtshareVariant.Locked, true)]
    public void The_last_unmap_racing_a_new_mapper_is_a_use_after_free_only_without_the_lock(PtshareVariant variant, bool clean)
    {
        var result = Scenario.Run(variant, ["A", "B"], run =>
        {
            run.File("db", 4 * MiB);
            Map(run, "A", 0, explicitly: true);
            Map(run, "B", 1, explicitly: false);
            run.Explore(Scenario.At("explore"),
                run.MunmapStep(Scenario.At("munmap"), "cpu0 A: munmap", null, 0, run.Task("A"), Base, 4 * MiB, Outcome.Returns(0)),
                Mmap(run, "B", 1));
            run.ExpectFindings(Scenario.At("expect never use-after-free ptshare_data"), Quantifier.Never, new FindingPattern(FindingKind.UseAfterFree, PtshareData.KindName));
            // A's unmap walks the host's PMD page its PUD entry points to (RFC v2 4/4's ptshare_copy_pmd()) after
            // free_ptshare_mm() freed it: a finding of 4/4 in both variants, not of this race.
            run.ExpectFindings(Scenario.At("expect sometimes use-after-free pmd"), Quantifier.Sometimes, new FindingPattern(FindingKind.UseAfterFree, "pmd"));
        }, cpus: 2);

        var trace = TraceFormatter.Format(result);
        Assert.True(clean == result.Passed, trace);
        if (!clean)
            Assert.Contains("refcount_t: addition on 0", trace);
    }

    // i_mmap_unlock_write() is up_write(), a locked instruction: the last unmap's clear of ptshare_data reaches memory
    // before the lock is free, and the release itself waits in no buffer (a spin_unlock() would).
    [Fact]
    public void Locked_the_i_mmap_release_waits_for_the_clear_and_frees_the_lock_in_memory()
    {
        var result = Scenario.Run(PtshareVariant.Locked, ["A"], run =>
        {
            run.File("db", 4 * MiB);
            Map(run, "A", 0, explicitly: true);
            var cpu = run.Machine.Cpus[0];
            var memory = run.Machine.Memory;
            var munmap = run.Machine.Kernel.Munmap(cpu, run.Task("A"), Base, 4 * MiB);
            Assert.True(munmap.RunUntil(PtsharePoints.IMmapUnlock));
            Assert.Equal(InterleavingKind.Release, munmap.Pending!.Kind);
            Assert.Contains(cpu.StoreBuffer.Stores, s => s.Location.Name == "db->f_mapping->ptshare_data" && s.Value == 0);
            Assert.False(memory.CanPerform(cpu, munmap.Pending));
            memory.DrainAll(cpu);
            munmap.Perform();
            Assert.True(cpu.StoreBuffer.IsEmpty);
            Assert.Equal(0, memory.Read(new("db->f_mapping->i_mmap_rwsem")));
            Assert.Equal(0, memory.Read(new("db->f_mapping->ptshare_data")));
            munmap.RunToEnd();
            memory.DrainAll(cpu);
        });
        // A's own unmap walking the host's freed PMD page (RFC v2 4/4's ptshare_copy_pmd()) is all the checker finds.
        Assert.All(result.Findings, f => Assert.Equal((FindingKind.UseAfterFree, "pmd"), (f.Kind, f.ObjectKind)));
        Assert.NotEmpty(result.Findings);
    }

    // do_mmap() reloads file->f_mapping->ptshare_data after ptshare_new_mm() and dereferences info->mm: a munmap that
    // drops the last reference in between (here a fork child's, which never took one) leaves it NULL, a kernel NULL
    // dereference (an oops), not a use after free of anything.
    [Fact]
    public void A_creator_reloading_a_cleared_ptshare_data_oopses()
    {
        var result = Infrastructure.Kscn.RunSingle("""
            scenario "t" {
              kernel ptshare = rfc-v2
              memory sc
              cpus 2
              task P root
              task A user
              file db = 4 MiB

              cpu0 P: mmap(0x40000000, 4 MiB, PROT_READ, MAP_SHARED | MAP_SHARED_PT, db, 0) -> 0x40000000
              cpu0 P: fork -> C
              cpu0 P: munmap(0x40000000, 4 MiB) -> 0
              cpu1 A: mmap(0x40000000, 4 MiB, PROT_READ, MAP_SHARED | MAP_SHARED_PT, db, 0) until ptshare_reload
              cpu0 switch C
              cpu0 C: munmap(0x40000000, 4 MiB) -> 0
              cpu1 continue
            }
            """);
        // P's own unmap walking the host's freed PMD page (RFC v2 4/4's ptshare_copy_pmd()) is the other finding here.
        var finding = Assert.Single(result.Findings, f => f.Kind == FindingKind.Oops);
        Assert.Contains("NULL pointer dereference in do_mmap()", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Findings, f => f.Kind == FindingKind.UseAfterFree && f.ObjectKind == PtshareData.KindName);
    }

    // RFC v2 3/4's do_vmi_munmap() block compares munmap(2)'s len as passed, before any rounding, with info->size.
    [Fact]
    public void A_munmap_of_a_shared_mapping_must_give_its_exact_length_unrounded()
    {
        var result = TwoSharers("""
              cpu0 B: munmap(0x40000000, 4194303) -> EINVAL
              expect ptshare(db).refcnt == 2
              cpu0 B: munmap(0x40000000, 4 MiB) -> 0
              expect ptshare(db).refcnt == 1
            """);
        Assert.True(result.Passed, TraceFormatter.Format(result));
    }

    // mmap_region() unmaps what MAP_FIXED covers with do_vmi_munmap(), the RFC's block included: an exact overlap drops
    // the sharer's reference, a partial one is -EINVAL there and -ENOMEM from mmap(); with MAP_SHARED_PT asked for,
    // do_mmap()'s sharing block then runs find_vma(mm, -ENOMEM) and dereferences its NULL.
    [Fact]
    public void Map_fixed_over_a_shared_mapping_goes_through_the_munmap_check()
    {
        var result = TwoSharers("""
              cpu0 B: mmap(0x40200000, 2 MiB, PROT_READ, MAP_SHARED | MAP_FIXED, other, 0) -> ENOMEM
              expect ptshare(db).refcnt == 2
              cpu0 B: mmap(0x40000000, 4 MiB, PROT_READ, MAP_SHARED | MAP_FIXED, other, 0) -> 0x40000000
              expect ptshare(db).refcnt == 1
              cpu0 switch A
              cpu0 A: mmap(0x40000000, 2 MiB, PROT_READ, MAP_SHARED | MAP_SHARED_PT | MAP_FIXED, other, 0) -> ENOMEM
              expect oops ptshare_data
            """);
        Assert.True(result.Passed, TraceFormatter.Format(result));
        Assert.Contains("find_vma(mm, -ENOMEM) is NULL", Assert.Single(result.Findings).Message, StringComparison.Ordinal);
    }

    // ptshare_del_mm()'s WARN_ON(!info): a forked child's copy of a VM_SHARED_PT vma holds no reference, so after the
    // parent's last munmap cleared the file's ptshare_data, the child's munmap finds none.
    [Fact]
    public void A_child_unmapping_after_the_last_reference_went_warns()
    {
        var result = Infrastructure.Kscn.RunSingle("""
            scenario "t" {
              kernel ptshare = rfc-v2
              task P user
              file db = 4 MiB
              cpu0 P: mmap(0x40000000, 4 MiB, PROT_READ, MAP_SHARED | MAP_SHARED_PT, db, 0) -> 0x40000000
              cpu0 P: fork -> C
              cpu0 P: munmap(0x40000000, 4 MiB) -> 0
              cpu0 switch C
              cpu0 C: munmap(0x40000000, 4 MiB) -> 0
              expect warn ptshare_data
              expect use-after-free pmd            // P, the creator, walks the host's freed PMD page (copy-pmd.kscn)
            }
            """);
        Assert.True(result.Passed, TraceFormatter.Format(result));
        Assert.Contains("WARN_ON(!info)", Assert.Single(result.Findings, f => f.Kind == FindingKind.Warn).Message, StringComparison.Ordinal);
    }

    /// <summary>Runs <paramref name="steps"/> after A and B (on cpu0, B running) both map db 4 MiB at Base with MAP_SHARED_PT.</summary>
    private static ScenarioResult TwoSharers(string steps) => Infrastructure.Kscn.RunSingle($$"""
        scenario "t" {
          kernel ptshare = rfc-v2
          task A user
          task B user
          file db = 4 MiB
          file other = 4 MiB
          cpu0 A: mmap(0x40000000, 4 MiB, PROT_READ, MAP_SHARED | MAP_SHARED_PT, db, 0) -> 0x40000000
          cpu0 switch B
          cpu0 B: mmap(0x40000000, 4 MiB, PROT_READ, MAP_SHARED | MAP_SHARED_PT, db, 0) -> 0x40000000
        {{steps}}
        }
        """);

    private static void Map(ScenarioRun run, string task, int cpu, bool explicitly)
    {
        run.Switch(Scenario.At(task + " switch"), cpu, run.Task(task));
        if (explicitly)
            run.Run(Mmap(run, task, cpu));
    }

    private static ThreadStep Mmap(ScenarioRun run, string task, int cpu) =>
        run.MmapStep(Scenario.At($"cpu{cpu} {task}: mmap"), $"cpu{cpu} {task}: mmap", null, cpu, run.Task(task), Base, 4 * MiB, ReadWrite, SharedPt, "db", 0, Outcome.Address((long)Base));
}

/// <summary>A scenario written as a C# body over <see cref="ScenarioRun"/>, as the generated code is.</summary>
internal sealed class Scenario(ScenarioDescription description, Action<ScenarioRun> body) : IScenario
{
    public ScenarioDescription Description => description;

    public void Run(ScenarioRun run) => body(run);

    public static Step At(string text) => new(1, 1, text);

    public static ScenarioResult Run(PtshareVariant variant, string[] tasks, Action<ScenarioRun> body, int cpus = 1)
    {
        var description = new ScenarioDescription("ptshare", "ptshare.kscn", cpus, MemoryModel.Tso, new Dictionary<string, IReadOnlyList<string>>(),
            [.. tasks.Select(t => new TaskDeclaration(t, Privilege.User))], [PtshareMechanism.Name]);
        return ScenarioExecutor.Execute(new Scenario(description, body), KernelConfig.Default.With(variant));
    }
}
