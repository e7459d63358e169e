using System.Reflection;
using System.Runtime.CompilerServices;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Kernel.Mm;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Tests.Runtime;

/// <summary>
/// Kernel state two CPUs can reach is tracked by construction (issue 16): the kernel's and the machine's classes keep
/// mutable state only in tracked storage, every exception says why it is not shared, and tracked storage records what
/// an explored event reads and writes.
/// </summary>
public sealed class TrackedStateTests
{
    /// <summary>The only mutable state of the kernel's and machine's classes outside tracked storage, and why no second CPU reaches it.</summary>
    private static readonly Dictionary<string, string> Untracked = new(StringComparer.Ordinal)
    {
        ["KernelHeap._live"] = "the checker's bookkeeping: only added to during a block, which commutes, and read after it",
        ["KernelHeap._all"] = "the checker's bookkeeping, as _live",
        ["KernelHeap._allocated"] = "allocation counts: increments commute, read after the block",
        ["KernelHeap._freed"] = "free counts: increments commute, read after the block",
        ["KernelHeap._findings"] = "findings: appended (the tally compares them as a set), read after the block",
        ["KernelHeap._nextId"] = "ids outside explore blocks, where one CPU runs at a time",
        ["KernelHeap._nextCpuId"] = "per-CPU counts: each CPU's own",
        ["KernelHeap._perCpu"] = "per-CPU counts: each CPU's own",
        ["KernelLog._notes"] = "the trace's text, not kernel state",
        ["LinuxKernel.<Cpus>k__BackingField"] = "set once at boot",
        ["LinuxKernel.<Files>k__BackingField"] = "the scenario's files, declared before any step",
        ["SharedMemory._words"] = "shared memory itself: accessed only at interleaving points, whose footprints name the word",
        ["WordTable._words"] = "shared memory's words and which it holds, as SharedMemory._words",
        ["WordTable._locations"] = "which words shared memory holds, as SharedMemory._words",
        ["WordTable._count"] = "how many words shared memory holds, as SharedMemory._words",
        ["StoreBuffer._stores"] = "a CPU's store buffer: filled by its own stores, emptied by its drain events",
        ["StoreBuffer._head"] = "where the CPU's buffered stores start in _stores, as _stores",
        ["StoreBuffer._count"] = "how many stores the CPU's buffer holds, as _stores",
        ["FaultResult.<Pages>k__BackingField"] = "one fault's result, local to the path that made it",
        ["FaultResult.<Handled>k__BackingField"] = "one fault's result, local to the path that made it",
        ["FaultResult.<Segv>k__BackingField"] = "one fault's result, local to the path that made it",
        ["FaultResult.<NoPage>k__BackingField"] = "one fault's result, local to the path that made it",
        ["SyncReport._set"] = "one sync_global_pgds() pass's report for the trace, local to its path",
        ["SyncReport._present"] = "as _set",
        ["SyncReport._skipped"] = "as _set",
    };

    /// <summary>
    /// The untracked state of the list above that an explore block never changes, so a rewind to its start has nothing
    /// to put back: the rest is kept in, or by, something a rewind puts back whole (<see cref="IBlockState"/>).
    /// </summary>
    private static readonly HashSet<string> NotChangedByABlock = new(StringComparer.Ordinal)
    {
        "LinuxKernel.<Cpus>k__BackingField", "LinuxKernel.<Files>k__BackingField",
        "FaultResult.<Pages>k__BackingField", "FaultResult.<Handled>k__BackingField", "FaultResult.<Segv>k__BackingField",
        "FaultResult.<NoPage>k__BackingField", "SyncReport._set", "SyncReport._present", "SyncReport._skipped",
    };

    public static TheoryData<string> KernelTypes() =>
        [.. typeof(LinuxKernel).Assembly.GetTypes()
            .Where(t => t.Namespace is { } ns && (ns.StartsWith("ScenarioLang.Runtime.Kernel", StringComparison.Ordinal) || ns == "ScenarioLang.Runtime.Machine"))
            .Where(t => t.IsClass && !t.IsAbstract || t.IsClass && t.IsAbstract && !t.IsSealed)
            .Where(t => t.GetCustomAttribute<CompilerGeneratedAttribute>() is null && !typeof(Exception).IsAssignableFrom(t))
            .Where(t => !t.IsDefined(typeof(BookkeepingAttribute), inherit: false))
            .Select(t => t.FullName!)];

    [Theory]
    [MemberData(nameof(KernelTypes))]
    public void Kernel_state_is_readonly_or_in_tracked_storage(string typeName)
    {
        var type = typeof(LinuxKernel).Assembly.GetType(typeName)!;
        foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
        {
            var name = $"{type.Name}.{field.Name}";
            // What is kept to rewind the machine (a value where the block started) is no state of the model.
            if (field.IsDefined(typeof(BookkeepingAttribute), inherit: false))
                continue;
            if (Untracked.ContainsKey(name))
            {
                var rewound = typeof(IBlockState).IsAssignableFrom(type) || typeof(IBlockState).IsAssignableFrom(field.FieldType);
                Assert.True(rewound || NotChangedByABlock.Contains(name), $"{name} is untracked state no rewind puts back: keep it in a RewindableList or RewindableDictionary, or make {type.Name} an IBlockState, or say why no explore block changes it");
                continue;
            }
            // A primary constructor's captured parameter is a field C# does not mark readonly; the code never assigns it.
            var captured = field.Name.StartsWith('<') && field.Name.EndsWith(">P", StringComparison.Ordinal);
            Assert.True(field.IsInitOnly || captured, $"{name} can change after construction outside tracked storage: make it a Tracked<T>, or say in the list above why no second CPU reaches it");
            Assert.False(IsMutableContainer(field.FieldType), $"{name} is a {field.FieldType.Name} whose contents can change untracked: use TrackedList<T> or TrackedArray<T>");
        }
    }

    [Fact]
    public void Every_exception_names_a_field_that_exists()
    {
        var fields = typeof(LinuxKernel).Assembly.GetTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly).Select(f => $"{t.Name}.{f.Name}"))
            .ToHashSet(StringComparer.Ordinal);
        Assert.All(Untracked.Keys, k => Assert.Contains(k, fields));
        Assert.All(NotChangedByABlock, k => Assert.Contains(k, Untracked.Keys));
    }

    [Fact]
    public void Tracked_storage_records_only_while_an_event_runs()
    {
        var tracker = new StateTracker();
        var cell = new Tracked<int>(tracker, new("T.x"), 1);
        cell.Value = 2;
        tracker.Begin(0);
        _ = cell.Value;
        var read = tracker.End();
        tracker.Begin(1);
        _ = cell.Value;
        cell.Value = 3;
        var written = tracker.End();

        Assert.Equal([new StateAccess(new("T.x"), Access.Read)], read);
        Assert.Equal([new StateAccess(new("T.x"), Access.Write)], written);
        Assert.Equal(3, cell.Value);
    }

    /// <summary>
    /// An event that loops over more cells than the tracker remembers by reference (vmalloc()'s page mapping) still
    /// has one access per cell, in first-touch order, a read then a write merged into a write, whatever came between.
    /// </summary>
    [Fact]
    public void A_loop_over_many_cells_leaves_one_access_each_a_later_write_upgrading_a_read()
    {
        var tracker = new StateTracker();
        var cells = Enumerable.Range(0, 6).Select(i => new Tracked<int>(tracker, new($"T.c{i}"), 0)).ToArray();
        tracker.Begin(0);
        for (var round = 0; round < 3; round++)
        {
            foreach (var cell in cells)
                _ = cell.Value;
        }
        cells[0].Value = 1;
        _ = cells[5].Value;
        cells[5].Value = 1;
        _ = cells[5].Value;
        var footprint = tracker.End();

        Assert.Equal(
            cells.Select((_, i) => new StateAccess(new($"T.c{i}"), i is 0 or 5 ? Access.Write : Access.Read)),
            footprint);
    }

    [Fact]
    public void A_list_append_writes_the_new_slot_and_the_end_which_only_a_walker_at_the_end_reads()
    {
        var tracker = new StateTracker();
        var list = new TrackedList<string>(tracker, new("tasks"));
        list.Add("P");
        list.Add("Q");

        tracker.Begin(0);
        Assert.True(list.TryGet(0, out _));
        var walkerBeforeEnd = tracker.End();
        tracker.Begin(0);
        Assert.False(list.TryGet(2, out _));
        var walkerAtEnd = tracker.End();
        tracker.Begin(1);
        list.Add("C");
        var append = tracker.End();
        tracker.Begin(1);
        list.Remove("P");
        var removal = tracker.End();

        Assert.Equal([new StateAccess(new("tasks[0]"), Access.Read)], walkerBeforeEnd);
        Assert.Equal([new StateAccess(new("tasks[end]"), Access.Read)], walkerAtEnd);
        Assert.Equal([new StateAccess(new("tasks[2]"), Access.Write), new StateAccess(new("tasks[end]"), Access.Write)], append);
        Assert.Equal(["tasks[0]", "tasks[1]", "tasks[2]", "tasks[end]"], removal.Select(a => a.Location.Name));
    }

    [Fact]
    public void Objects_allocated_by_an_explored_event_are_named_after_its_cpu_whatever_ran_before()
    {
        var tracker = new StateTracker();
        var heap = new KernelHeap(tracker);
        var before = MmStruct.Allocate(heap, "test");
        tracker.Begin(1);
        var cpu1 = MmStruct.Allocate(heap, "test");
        tracker.End();
        tracker.Begin(0);
        var cpu0 = MmStruct.Allocate(heap, "test");
        var cpu0Again = PageTable.Allocate(heap, PageTable.PudKind, "test");
        tracker.End();

        Assert.Equal(["mm_struct#1", "mm_struct#cpu1.1", "mm_struct#cpu0.1", "pud#cpu0.1"], new KernelObject[] { before, cpu1, cpu0, cpu0Again }.Select(o => o.Name));
        Assert.Equal(cpu0.Id + 1, cpu0Again.Id);
        Assert.NotEqual(cpu0.Id, cpu1.Id);
    }

    [Fact]
    public void Freeing_an_object_writes_what_every_checked_access_reads()
    {
        var tracker = new StateTracker();
        var heap = new KernelHeap(tracker);
        var mm = MmStruct.Allocate(heap, "test");
        tracker.Begin(0);
        heap.Access(mm, "test");
        var access = tracker.End();
        tracker.Begin(1);
        heap.Kfree(mm, "test");
        var free = tracker.End();

        Assert.Contains(new StateAccess(new("mm_struct#1.freed"), Access.Read), access);
        Assert.Contains(new StateAccess(new("mm_struct#1.freed"), Access.Write), free);
    }

    [Fact]
    public void A_copy_on_write_array_writes_a_copy_of_its_initial_value_and_records_the_write()
    {
        var tracker = new StateTracker();
        long[] initial = [1, 2, 3];
        var a = TrackedArray<long>.CopyOnWrite(tracker, new("a"), initial);
        var b = TrackedArray<long>.CopyOnWrite(tracker, new("b"), initial);

        tracker.Begin(0);
        a[1] = 20;
        a.Write()[0] = 10;
        var footprint = tracker.End();

        Assert.Equal([1L, 2L, 3L], initial);
        Assert.Equal([10L, 20L, 3L], a.Read().ToArray());
        Assert.Equal([1L, 2L, 3L], b.Read().ToArray());
        Assert.Equal([new StateAccess(new("a"), Access.Write)], footprint);
    }

    [Fact]
    public void Zeroed_arrays_of_one_length_share_nothing_once_written_and_rewind_to_zeros()
    {
        var tracker = new StateTracker();
        var made = TrackedArray<string?>.Zeroed(tracker, new("made"), 4);
        tracker.Save();
        var a = TrackedArray<string?>.Zeroed(tracker, new("a"), 4);
        var b = TrackedArray<string?>.Zeroed(tracker, new("b"), 4);

        a[2] = "pmd";
        made[0] = "pud";
        var fresh = TrackedArray<string?>.Zeroed(tracker, new("fresh"), 4);

        Assert.Equal(new string?[] { null, null, "pmd", null }, a.Read().ToArray());
        Assert.Equal(new string?[4], b.Read().ToArray());
        Assert.Equal(new string?[4], fresh.Read().ToArray());
        Assert.Equal((false, true, false), (a.IsZeroed, b.IsZeroed, made.IsZeroed));
        tracker.Rewind();
        Assert.Equal(new string?[4], made.Read().ToArray());
        Assert.True(made.IsZeroed);
        Assert.False(TrackedArray<string?>.CopyOnWrite(tracker, new("initial"), new string?[4]).IsZeroed);
        Assert.Equal(new string?[4], TrackedArray<string?>.Zeroed(tracker, new("after"), 4).Read().ToArray());
    }

    [Fact]
    public void An_event_begun_without_recording_has_no_footprint_but_still_names_its_cpu()
    {
        var tracker = new StateTracker();
        var cell = new Tracked<int>(tracker, new("cell"), 0);

        tracker.Begin(1, record: false);
        cell.Value = 5;
        var cpu = tracker.Cpu;
        var footprint = tracker.End();

        Assert.Equal(1, cpu);
        Assert.Empty(footprint);
        Assert.Equal(5, cell.Value);
        tracker.Begin(1);
        _ = cell.Value;
        Assert.Equal([new StateAccess(new("cell"), Access.Read)], tracker.End());
    }

    [Fact]
    public void The_kernel_log_keeps_no_note_of_an_explored_event_and_does_not_format_it()
    {
        var tracker = new StateTracker();
        var log = new KernelLog(tracker);
        var formatted = 0;
        string Formatted() => $"text {++formatted}";

        log.Note($"before the block: {Formatted()}");
        tracker.Begin(0);
        log.Note($"inside an explored event: {Formatted()}");
        log.Note("a plain note inside it");
        tracker.End();
        log.Note("after it");

        Assert.Equal(["before the block: text 1", "after it"], log.Take());
        Assert.Equal(1, formatted);
    }

    private static bool IsMutableContainer(Type type) =>
        type.IsArray ||
        type.IsGenericType && type.GetGenericTypeDefinition() is var g &&
        (g == typeof(List<>) || g == typeof(Dictionary<,>) || g == typeof(HashSet<>) || g == typeof(SortedDictionary<,>) || g == typeof(Queue<>) || g == typeof(LocationTable<>));
}
