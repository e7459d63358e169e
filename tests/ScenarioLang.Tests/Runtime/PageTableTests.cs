using ScenarioLang.Runtime.Catalog;
using ScenarioLang.Runtime.Kernel.Mm;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Mechanisms.PgdSync;
using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime;
using static ScenarioLang.Runtime.Kernel.Mm.PagingLayout;
using static ScenarioLang.Tests.Runtime.Kscn;

namespace ScenarioLang.Tests.Runtime;

/// <summary>
/// The kernel half of the page tables in a sequential schedule: swapper_pg_dir after boot, what fork and exec copy,
/// what vmalloc adds and pushes to every mm, what a kernel access finds, and what exit frees.
/// </summary>
public sealed class PageTableTests
{
    private const long FourMiB = 4 << 20;

    [Theory]
    [InlineData(PageOffset, 272)]
    [InlineData(VmallocStart, 402)]
    [InlineData(VmallocEnd, 465)]
    [InlineData(VmemmapStart, 468)]
    [InlineData(EspfixBaseAddr, 510)]
    [InlineData(StartKernelMap, 511)]
    [InlineData(0xffffffffa0000000, 511)]
    [InlineData(0x00007fffffffffff, 255)]
    [InlineData(0, 0)]
    public void Pgd_index_is_bits_39_to_47(ulong address, int slot) => Assert.Equal(slot, PgdIndex(address));

    [Fact]
    public void The_kernel_part_starts_at_pgd_index_of_PAGE_OFFSET()
    {
        Assert.Equal(272, KernelPgdBoundary);
        Assert.Equal(240, KernelPgdPtrs);
    }

    [Theory]
    [ClassData(typeof(EveryPgdVariant))]
    public void Swapper_has_the_boot_entries_and_none_for_vmalloc_space(PgdVariant variant)
    {
        var sim = Pgd(variant);
        var present = KernelSlots(sim).Where(s => s.Value != 0).Select(s => s.Slot);
        Assert.Equal([272, 468, 510, 511], present);
        Assert.Null(sim.Observe.KernelPgdEntry(VmallocStart));
        Assert.All([PageOffset, VmemmapStart, EspfixBaseAddr, StartKernelMap], a => Assert.Equal(PageTable.PudKind, sim.Observe.KernelPgdEntry(a)!.Kind));
    }

    [Theory]
    [ClassData(typeof(EveryPgdVariant))]
    public void A_task_of_the_scenario_start_has_swappers_kernel_entries(PgdVariant variant)
    {
        var sim = Pgd(variant);
        AssertKernelPartIsSwappers(sim, sim["P"]);
        Assert.Same(sim.Observe.KernelPgdEntry(StartKernelMap), sim.Observe.PgdEntry(sim["P"], StartKernelMap));
        sim.Finish();
    }

    [Theory]
    [ClassData(typeof(EveryPgdVariant))]
    public void Fork_and_exec_give_the_new_mm_swappers_kernel_entries(PgdVariant variant)
    {
        var sim = Pgd(variant);
        sim.Vmalloc(1, "V");
        var child = sim.Fork("P", "C");
        AssertKernelPartIsSwappers(sim, child);
        Assert.NotNull(sim.Observe.PgdEntry(child, VmallocStart));

        sim.Run("C", 1).Exec("C");
        AssertKernelPartIsSwappers(sim, child);
        Assert.Equal(3, sim.Heap.Allocated(PgdTable.KindName));
        Assert.Equal(2, sim.Heap.Live(PgdTable.KindName));
        sim.Finish();
    }

    [Theory]
    [ClassData(typeof(EveryPgdVariant))]
    public void Fork_copies_into_the_user_half_nothing(PgdVariant variant)
    {
        var sim = Pgd(variant);
        var child = sim.Fork("P", "C");
        var pgd = child.Mm!.Pgd!;
        Assert.All(Enumerable.Range(0, KernelPgdBoundary), slot => Assert.Equal(0, sim.Machine.Memory.Read(pgd.Entry(slot))));
        sim.Finish();
    }

    [Theory]
    [ClassData(typeof(PgdVariantsSyncingTheSlot))]
    public void Vmalloc_creates_entry_402_once_and_every_mm_gets_it(PgdVariant variant)
    {
        var sim = Pgd(variant, "Q");
        var child = sim.Fork("P", "C");
        var v = sim.Vmalloc(1, "V");
        var w = sim.Vmalloc(1, "W", 8192);

        Assert.Equal(VmallocStart, v);
        Assert.Equal(VmallocStart + FourMiB + (ulong)PageSize, w);
        var pud = sim.Observe.KernelPgdEntry(v)!;
        Assert.Same(pud, sim.Observe.KernelPgdEntry(w));
        Assert.All([sim["P"], sim["Q"], child], t => Assert.Same(pud, sim.Observe.PgdEntry(t, v)));
        // Four PUD pages at boot, one for slot 402.
        Assert.Equal(5, sim.Heap.Allocated(PageTable.PudKind));
        sim.Finish();
    }

    [Theory]
    [ClassData(typeof(PgdVariantsSyncingTheSlot))]
    public void Vmalloc_says_which_entry_it_created_and_which_mms_got_it(PgdVariant variant)
    {
        var sim = Pgd(variant, "Q");
        sim.Fork("P", "C");
        sim.Vmalloc(1, "V");
        sim.Vmalloc(1, "W");

        var notes = sim.Kernel.Log.Take();
        Assert.Single(notes, n => n.StartsWith("new kernel PGD entry", StringComparison.Ordinal));
        Assert.Contains("new kernel PGD entry: swapper_pg_dir[402] -> pud#5", notes);
        Assert.Contains("sync_global_pgds: swapper_pg_dir[402] -> pud#5 set in P (mm_struct#1), Q (mm_struct#2), C (mm_struct#3)", notes);
        Assert.Contains("sync_global_pgds: swapper_pg_dir[402] -> pud#5 set in no mm; already in P (mm_struct#1), Q (mm_struct#2), C (mm_struct#3)", notes);
    }

    [Theory]
    [ClassData(typeof(EveryPgdVariant))]
    public void A_vmalloc_area_maps_every_page_below_the_shared_pud(PgdVariant variant)
    {
        var sim = Pgd(variant);
        sim.Vmalloc(1, "V");
        // 1024 pages need two PTE pages under one PMD page.
        Assert.Equal(1, sim.Heap.Allocated(PageTable.PmdKind));
        Assert.Equal(2, sim.Heap.Allocated(PageTable.PteKind));
        sim.Finish();
    }

    [Theory]
    [ClassData(typeof(PgdVariantsSyncingTheSlot))]
    public void A_kernel_access_to_vmalloc_space_faults_before_and_not_after(PgdVariant variant)
    {
        var sim = Pgd(variant);
        var cpu0 = sim.Machine.Cpus[0];
        Assert.Equal(0, sim.Kernel.Touch(cpu0, sim["P"], VmallocStart).RunToEnd());
        Assert.Equal(0, sim.Kernel.Touch(cpu0, null, VmallocStart).RunToEnd());

        sim.Vmalloc(1, "V");

        Assert.Equal(Ok, sim.Touch("P", "V"));
        Assert.Equal(Ok, sim.Touch(null, "V", cpu: 1));
        sim.Finish();
    }

    /// <summary>
    /// The postings' pgd = mm->pgd (no + pgd_index(address)): the walk sets entry 0 of an mm with nothing mapped below
    /// 512 GiB to the vmalloc PUD page, and the vmalloc slot stays none until a touch takes a vmalloc fault.
    /// </summary>
    [Theory]
    [ClassData(typeof(PgdVariantsAsPosted))]
    public void As_posted_the_walk_sets_entry_0_and_leaves_the_vmalloc_slot_none(PgdVariant variant)
    {
        var sim = Pgd(variant);
        sim.Vmalloc(1, "V");

        Assert.Contains("sync_global_pgds: swapper_pg_dir[402] -> pud#5 set in P (mm_struct#1->pgd[0], the user half)", sim.Kernel.Log.Take());
        Assert.Null(sim.Observe.PgdEntry(sim["P"], VmallocStart));
        Assert.Equal(Ok, sim.Touch("P", "V"));
        Assert.Equal(1, sim.Kernel.Mechanism<PgdModel>().VmallocFaults);
    }

    [Fact]
    public void A_fault_names_the_missing_entry_and_vmalloc_fault()
    {
        var sim = Pgd(PgdVariant.LockedList);
        sim.Kernel.Touch(sim.Machine.Cpus[0], sim["P"], VmallocStart).RunToEnd();
        Assert.Equal(
            ["#PF: mm_struct#1->pgd[402] is none for 0xffffc90000000000 (P's page tables), and in swapper_pg_dir: vmalloc_fault() returns -1, no_context(): an oops"],
            sim.Kernel.Log.Take());
    }

    [Theory]
    [ClassData(typeof(EveryPgdVariant))]
    public void Pgd_pages_go_with_their_mm(PgdVariant variant)
    {
        var sim = Pgd(variant);
        sim.Vmalloc(1, "V");
        sim.Clone("P", "T");
        sim.Fork("P", "C");
        sim.Run("C", 1).Exec("C").Exit("C");
        sim.Exec("P");
        Assert.Equal(1, sim.Heap.Live(PgdTable.KindName));
        sim.Exit("P");

        Assert.Equal(sim.Heap.Allocated(PgdTable.KindName), sim.Heap.Freed(PgdTable.KindName));
        Assert.Equal(0, sim.Observe.LiveMms());
        sim.Finish();
    }

    [Theory]
    [ClassData(typeof(EveryPgdVariant))]
    public void A_failing_fork_frees_the_pgd_it_made(PgdVariant variant)
    {
        var sim = Pgd(variant);
        Assert.Null(sim.FailingFork("P", "C", "alloc_pid", Fails(Errno.ENOMEM)));
        Assert.Equal(1, sim.Heap.Live(PgdTable.KindName));
        sim.Finish();
    }

    [Fact]
    public void A_pgd_entry_holds_the_id_of_the_pud_page_it_points_to()
    {
        var sim = Pgd(PgdVariant.LockedList);
        var v = sim.Vmalloc(1, "V");
        var word = sim.Machine.Memory.Read(sim["P"].Mm!.Pgd!.Entry(PgdIndex(v)));
        var pud = sim.Heap.Lookup(word)!;
        Assert.Same(sim.Observe.PgdEntry(sim["P"], v), pud);
        Assert.Equal("pud#5", pud.ToString());
        Assert.Null(sim.Heap.Lookup(0));
    }

    [Fact]
    public void Entries_are_named_after_their_mm_and_swapper_pg_dir()
    {
        var sim = Pgd(PgdVariant.LockedList);
        Assert.Equal("mm_struct#1->pgd[402]", sim["P"].Mm!.Pgd!.Entry(402).Name);
        Assert.Equal("swapper_pg_dir[402]", sim.Kernel.Pgd.Swapper.Entry(402).Name);
        Assert.Equal("pgd#1->lru", sim["P"].Mm!.Pgd!.Lru.Name);
    }

    [Fact]
    public void The_default_locked_list_adds_no_notes_to_fork_exec_and_exit()
    {
        var sim = Pgd(PgdVariant.LockedList);
        sim.Fork("P", "C");
        sim.Run("C", 1).Exec("C").Exit("C");
        var notes = sim.Raw.Complete().Entries.SelectMany(e => e.Notes);
        Assert.DoesNotContain(notes, n => n.Contains("pgd", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(PgdVariant.LateWmb, "smp_wmb() (only a compiler barrier on x86)")]
    [InlineData(PgdVariant.LateMb, "smp_mb() (mfence)")]
    public void The_late_variants_say_what_arch_pgd_init_late_copied(PgdVariant variant, string barrier)
    {
        var sim = Pgd(variant);
        sim.Fork("P", "C");
        var notes = sim.Raw.Complete().Entries[^1].Notes;
        Assert.Equal(["C created (pid 2), runnable", $"arch_pgd_init_late(mm_struct#2) for C: {barrier}, then swapper_pg_dir's entries 272, 468, 510, 511 copied"], notes);
    }

    [Theory]
    [InlineData(PgdVariant.LockedList, "pgd=locked-list")]
    [InlineData(PgdVariant.LateWmb, "pgd=late-wmb")]
    [InlineData(PgdVariant.LateMb, "pgd=late-mb")]
    [InlineData(PgdVariant.LateV1, "pgd=late-v1")]
    [InlineData(PgdVariant.LateWmbIntended, "pgd=late-wmb-intended")]
    [InlineData(PgdVariant.LateMbIntended, "pgd=late-mb-intended")]
    public void A_scenario_that_uses_only_pgd_names_only_its_variant(PgdVariant variant, string name)
    {
        Assert.Equal(name, KernelConfig.Default.With(variant).Describe(["pgd"]));
        var parsed = KernelConfig.FromNames(new Dictionary<string, string> { ["pgd"] = PgdSyncMechanism.Variants.NameOf(variant) });
        Assert.Equal(KernelConfig.Default.With(variant), parsed);
    }

    [Fact]
    public void The_catalog_lists_the_pgd_variants_with_locked_list_the_default()
    {
        var pgd = KernelCatalog.Find("pgd")!;
        Assert.Equal(["locked-list", "late-v1", "late-wmb", "late-mb", "late-wmb-intended", "late-mb-intended"], pgd.Variants.Select(v => v.Name));
        Assert.Equal("locked-list", pgd.Default);
        Assert.Equal(PgdVariant.LockedList, PgdSyncMechanism.Variants.VariantOf(KernelConfig.Default));
    }

    /// <summary>One CPU for P (cpu0) and one idle for vmalloc (cpu1), under TSO.</summary>
    internal static Sim Pgd(PgdVariant variant, params string[] others) =>
        new Sim(KernelConfig.Default.With(variant), MemoryModel.Tso, 2, [Root("P"), .. others.Select(Root)]).Run("P");

    private static IEnumerable<(int Slot, long Value)> KernelSlots(Sim sim, PgdTable? pgd = null) =>
        Enumerable.Range(KernelPgdBoundary, KernelPgdPtrs).Select(slot => (slot, sim.Machine.Memory.Read((pgd ?? sim.Kernel.Pgd.Swapper).Entry(slot))));

    private static void AssertKernelPartIsSwappers(Sim sim, TaskStruct task) =>
        Assert.Equal(KernelSlots(sim), KernelSlots(sim, task.Mm!.Pgd));
}
