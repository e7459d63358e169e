using ScenarioLang.Runtime.Kernel.Mm;
using ScenarioLang.Runtime.Mechanisms.Ptshare;
using ScenarioLang.Runtime.Tracing;
using ScenarioLang.Runtime;

namespace ScenarioLang.Tests.Runtime;

/// <summary>
/// ptshare=mshare (the v3 series, August 2025) through the runtime API: the host mm's page tables serve every mapper,
/// MSHAREFS_UNMAP keeps a PUD page mappers link (and the host then leaks it), the file's last unlink frees the host
/// mm, and the RFC's kernels have no msharefs.
/// </summary>
public sealed class MshareTests
{
    private const ulong Region = 512UL << 30;
    private const ulong Top = 0x7e8000000000;
    private const int ReadWrite = Mman.ProtRead | Mman.ProtWrite;
    private const int Anonymous = Mman.MapAnonymous | Mman.MapShared | Mman.MapFixed;

    [Fact]
    public void Two_mappers_use_the_hosts_tables_and_the_second_only_links_its_pgd_entry()
    {
        var result = Scenario.Run(PtshareVariant.Mshare, ["A", "B"], run =>
        {
            Create(run, "A", 4 << 20);
            Map(run, "A", Top);
            run.Run(run.AccessStep(Scenario.At("A write"), "write", null, 0, run.Task("A"), write: true, Top, 4 << 20, Outcome.Ok));
            run.Switch(Scenario.At("B switch"), 0, run.Task("B"));
            Map(run, "B", Top);
            run.Run(run.AccessStep(Scenario.At("B read"), "read", null, 0, run.Task("B"), write: false, Top, 4 << 20, Outcome.Ok));
            // The #PF that links B's PGD entry is VM_FAULT_NOPAGE before handle_mm_fault(): no fault is counted.
            Assert.Equal(0, run.Observations.TaskFaults(run.Task("B")));
            Assert.Equal(8 << 10, run.Observations.MshareHostPteBytes("shareme"));
            Assert.Equal(0, run.Observations.PteBytes(run.Task("B")));
            Assert.Equal(0, run.Observations.PudBytes(run.Task("B")));
            Assert.Same(run.Observations.PteTable(run.Task("A"), Top), run.Observations.PteTable(run.Task("B"), Top));
        });
        Assert.True(result.Passed, TraceFormatter.Format(result));
    }

    // 14/22: find_shared_vma() replaces the task's vma with the host's before access_error(): a region mapped PROT_READ
    // writes to a writable object, its first #PF only linking the PGD entry.
    [Fact]
    public void Only_the_hosts_vma_decides_what_an_access_may_do()
    {
        var result = Infrastructure.Kscn.RunSingle($$"""
            {{Region4MiB}}
              cpu0 A: mmap(0, 512 GiB, PROT_READ, MAP_SHARED, shareme, 0) -> 0x7e8000000000
              cpu0 A: write(0x7e8000000000) -> ok
              expect faults(A).minor == 1
            }
            """);
        Assert.True(result.Passed, TraceFormatter.Format(result));
    }

    // do_vmi_munmap() -> vms_gather_munmap_vmas(): a split of a VM_MSHARE vma is refused wherever the range starts or
    // ends inside one, its end page aligned; mmap(MAP_FIXED) returns that -EINVAL in the series' base. A mapping past
    // TASK_SIZE is -ENOMEM from __get_unmapped_area(), and a region without its owner cannot be mapped again.
    [Fact]
    public void Splits_task_size_and_the_owner_are_checked_as_the_base_kernel_does()
    {
        var result = Infrastructure.Kscn.RunSingle($$"""
            {{Region4MiB}}
              cpu0 A: mmap(0x7f8000000000, 512 GiB, PROT_READ, MAP_SHARED | MAP_FIXED, shareme, 0) -> ENOMEM
              cpu0 A: mmap(0x7e8000000000, 512 GiB, PROT_READ, MAP_SHARED | MAP_FIXED, shareme, 0) -> 0x7e8000000000
              cpu0 A: mmap(0x7e7fffffe000, 8 KiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) -> 0x7e7fffffe000
              cpu0 A: munmap(0x7e7fffffe000, 16 KiB) -> EINVAL
              cpu0 A: mmap(0x7e8000000000, 8 KiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) -> EINVAL
              cpu0 A: munmap(0x7e8000000000, 549755813887) -> 0
              cpu0 A: fork -> C
              cpu0 A: exit
              cpu0 switch C
              cpu0 C: mmap(0, 512 GiB, PROT_READ, MAP_SHARED, shareme, 0) -> EINVAL
            }
            """);
        Assert.True(result.Passed, TraceFormatter.Format(result));
    }

    // The ioctls' addresses go through __do_mmap() and do_munmap(): offset_in_page() is -EINVAL there; the object's file
    // offset is only "pgoff = mcreate->offset >> PAGE_SHIFT".
    [Fact]
    public void The_ioctls_check_the_region_offset_and_shift_the_file_offset()
    {
        var result = Infrastructure.Kscn.RunSingle($$"""
            {{Region4MiB}}
              cpu0 A: msharefs_create_mapping(shareme, 0x1000001, 4 KiB, 0, PROT_READ, MAP_ANONYMOUS | MAP_SHARED | MAP_FIXED, -1) -> EINVAL
              cpu0 A: msharefs_create_mapping(shareme, 1 GiB, 4 KiB, 0x1001, PROT_READ, MAP_SHARED | MAP_FIXED, db) -> 0
              cpu0 A: msharefs_unmap(shareme, 0x1001, 4 KiB) -> EINVAL
              cpu0 A: msharefs_unmap(shareme, 1 GiB, 4 KiB) -> 0
            }
            """);
        Assert.True(result.Passed, TraceFormatter.Format(result));
    }

    // Root task A owns an msharefs file of 512 GiB with a writable 4 MiB anonymous object at its start; db is a file.
    private const string Region4MiB = """
        scenario "t" {
          kernel ptshare = mshare
          task A root
          file shareme = 512 GiB
          file db = 4 MiB
          cpu0 A: msharefs_open(shareme) -> 0
          cpu0 A: msharefs_ftruncate(shareme, 512 GiB) -> 0
          cpu0 A: msharefs_create_mapping(shareme, 0, 4 MiB, 0, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_SHARED | MAP_FIXED, -1) -> 0
        """;

    [Fact]
    public void Msharefs_unmap_keeps_a_linked_pud_page_which_the_host_then_leaks()
    {
        var result = Scenario.Run(PtshareVariant.Mshare, ["A"], run =>
        {
            Create(run, "A", 4 << 20);
            Map(run, "A", Top);
            run.Run(run.AccessStep(Scenario.At("write"), "write", null, 0, run.Task("A"), write: true, Top, 1, Outcome.Ok));
            run.Run(run.MsharefsUnmapStep(Scenario.At("unmap"), "msharefs_unmap", null, 0, run.Task("A"), "shareme", 0, 4 << 20, Outcome.Returns(0)));
            Assert.Equal(4 << 10, run.Observations.MshareHostPudBytes("shareme"));
            Assert.Equal(0, run.Observations.MshareHostPmdBytes("shareme"));
            run.Run(run.AccessStep(Scenario.At("again"), "write", null, 0, run.Task("A"), write: true, Top, 1, Outcome.Segv));
            run.Run(run.MunmapStep(Scenario.At("munmap"), "munmap", null, 0, run.Task("A"), Top, Region, Outcome.Returns(0)));
            run.Run(run.MsharefsUnlinkStep(Scenario.At("unlink"), "msharefs_unlink", null, 0, run.Task("A"), "shareme", Outcome.Returns(0)));
            Assert.Null(run.Observations.Mshare("shareme"));
        });
        var leak = Assert.Single(result.Findings);
        Assert.Equal((FindingKind.Leak, "pud"), (leak.Kind, leak.ObjectKind));
    }

    [Fact]
    public void Without_a_linked_mapper_the_last_unlink_frees_the_host_mm_and_its_tables()
    {
        var result = Scenario.Run(PtshareVariant.Mshare, ["A"], run =>
        {
            Create(run, "A", 4 << 20);
            Map(run, "A", Top);
            run.Run(run.AccessStep(Scenario.At("write"), "write", null, 0, run.Task("A"), write: true, Top, 1, Outcome.Ok));
            run.Run(run.MunmapStep(Scenario.At("munmap"), "munmap", null, 0, run.Task("A"), Top, Region, Outcome.Returns(0)));
            run.Run(run.MsharefsUnlinkStep(Scenario.At("unlink"), "msharefs_unlink", null, 0, run.Task("A"), "shareme", Outcome.Returns(0)));
            Assert.Equal(1, run.Observations.LiveMms());
            Assert.Equal(0, run.Observations.TotalPteBytes());
        });
        Assert.True(result.Passed, TraceFormatter.Format(result));
        Assert.Empty(result.Findings);
    }

    [Fact]
    public void The_owners_exit_unmaps_the_region_and_a_mapper_then_gets_sigsegv()
    {
        var result = Scenario.Run(PtshareVariant.Mshare, ["A", "B"], run =>
        {
            Create(run, "A", 4 << 20);
            run.Switch(Scenario.At("B switch"), 0, run.Task("B"));
            Map(run, "B", Top);
            run.Run(run.AccessStep(Scenario.At("B read"), "read", null, 0, run.Task("B"), write: false, Top, 1, Outcome.Ok));
            run.Switch(Scenario.At("A switch"), 0, run.Task("A"));
            run.Run(run.ExitStep(Scenario.At("A exit"), "exit", null, 0, run.Task("A")));
            run.Switch(Scenario.At("B again"), 0, run.Task("B"));
            Assert.Equal(0, run.Observations.MshareHostPteBytes("shareme"));
            run.Run(run.AccessStep(Scenario.At("B read again"), "read", null, 0, run.Task("B"), write: false, Top, 1, Outcome.Segv));
        });
        Assert.True(result.Passed, TraceFormatter.Format(result));
    }

    [Theory]
    [InlineData(PtshareVariant.Off)]
    [InlineData(PtshareVariant.RfcV2)]
    [InlineData(PtshareVariant.Locked)]
    public void Kernels_without_the_series_have_no_msharefs(PtshareVariant variant)
    {
        var result = Scenario.Run(variant, ["A"], run =>
        {
            run.File("shareme", 4 << 20);
            run.Switch(Scenario.At("switch"), 0, run.Task("A"));
            run.Run(run.MsharefsOpenStep(Scenario.At("open"), "msharefs_open", null, 0, run.Task("A"), "shareme", Outcome.Fails(Errno.ENOENT)));
            run.Run(run.MsharefsFtruncateStep(Scenario.At("ftruncate"), "msharefs_ftruncate", null, 0, run.Task("A"), "shareme", Region, Outcome.Fails(Errno.EBADF)));
            Assert.Null(run.Observations.Mshare("shareme"));
        });
        Assert.True(result.Passed, TraceFormatter.Format(result));
    }

    private static void Create(ScenarioRun run, string task, ulong objectSize)
    {
        run.File("shareme", 4 << 20);
        run.Switch(Scenario.At(task + " switch"), 0, run.Task(task));
        run.Run(run.MsharefsOpenStep(Scenario.At("open"), "msharefs_open", null, 0, run.Task(task), "shareme", Outcome.Returns(0)));
        run.Run(run.MsharefsFtruncateStep(Scenario.At("ftruncate"), "msharefs_ftruncate", null, 0, run.Task(task), "shareme", Region, Outcome.Returns(0)));
        run.Run(run.MsharefsCreateMappingStep(Scenario.At("create"), "msharefs_create_mapping", null, 0, run.Task(task), "shareme", 0, objectSize, 0, ReadWrite, Anonymous, null, Outcome.Returns(0)));
    }

    private static void Map(ScenarioRun run, string task, ulong expected) =>
        run.Run(run.MmapStep(Scenario.At(task + " mmap"), "mmap", null, 0, run.Task(task), 0, Region, ReadWrite, Mman.MapShared, "shareme", 0, Outcome.Address((long)expected)));
}
