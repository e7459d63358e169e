using ScenarioLang.Compiler;
using ScenarioLang.Compiler.Hosting;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Exploration;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracing;
using ScenarioLang.Runtime.Tracking;
using ScenarioLang.Tests.Infrastructure;
using ScenarioLang.Tests.Samples;

namespace ScenarioLang.Tests.Runtime;

/// <summary>
/// An execution after a search part's first starts at the explore block on the previous execution's machine, rewound
/// (issue 21): the tracked cells the block changed get their values back, the state outside them (memory words, store
/// buffers, the heap's books, the kernel log, the run's own books) is put back whole. These tests check the pieces,
/// that every sample prints the same bytes either way, and that what a rewind missed would be caught.
/// </summary>
public sealed class RewindTests
{
    [Fact]
    public void A_tracked_cell_changed_after_the_save_gets_its_value_back_at_every_rewind()
    {
        var tracker = new StateTracker();
        var cell = new Tracked<int>(tracker, new MemoryLocation("x"), 1);
        cell.Value = 2;
        tracker.Save();

        cell.Value = 3;
        cell.Value = 4;
        tracker.Rewind();
        Assert.Equal(2, cell.Value);

        cell.Value = 5;
        tracker.Rewind();
        Assert.Equal(2, cell.Value);
    }

    [Fact]
    public void A_cell_made_after_the_save_is_not_put_back_and_does_not_outlive_the_rewind_in_the_journal()
    {
        var tracker = new StateTracker();
        tracker.Save();
        var made = new Tracked<int>(tracker, new MemoryLocation("y"), 1);
        made.Value = 7;
        var list = new TrackedList<int>(tracker, new MemoryLocation("l"));
        list.Add(1);

        tracker.Rewind();

        // Made in the execution, they belong to it: nothing recorded their first values, so nothing puts them back.
        Assert.Equal(7, made.Value);
        Assert.Equal(new[] { 1 }, list);
    }

    [Fact]
    public void Lists_and_arrays_come_back_as_they_were_and_a_shared_array_is_never_written()
    {
        var tracker = new StateTracker();
        var list = new TrackedList<string>(tracker, new MemoryLocation("tasks"));
        list.Add("A");
        var initial = new long[] { 0, 0, 0 };
        var array = TrackedArray<long>.CopyOnWrite(tracker, new MemoryLocation("entries"), initial);
        array[0] = 1;
        tracker.Save();

        list.Add("B");
        list.Remove("A");
        array[1] = 2;
        tracker.Rewind();
        Assert.Equal(new[] { "A" }, list);
        Assert.Equal(new long[] { 1, 0, 0 }, array);

        array[2] = 3;
        tracker.Rewind();
        Assert.Equal(new long[] { 1, 0, 0 }, array);
        Assert.Equal(new long[] { 0, 0, 0 }, initial);
    }

    [Fact]
    public void Memory_store_buffers_the_heap_the_log_and_a_rewindable_dictionary_are_put_back_whole()
    {
        var machine = new X86Machine(2, KernelConfig.Default, MemoryModel.Tso);
        var (memory, buffer, heap, log) = (machine.Memory, machine.Cpus[0].StoreBuffer, machine.Kernel.Heap, machine.Kernel.Log);
        var inodes = new RewindableDictionary<string, int>(machine.Tracker);
        memory.Initialize(new MemoryLocation("x"), 1);
        buffer.Add(new BufferedStore(new MemoryLocation("y"), 2));
        inodes.Add("db", 1);
        var findings = heap.Findings.Count;
        var words = memory.Words.ToArray();
        machine.Tracker.Save();

        memory.Initialize(new MemoryLocation("x"), 5);
        memory.Initialize(new MemoryLocation("z"), 6);
        buffer.Add(new BufferedStore(new MemoryLocation("x"), 3));
        inodes.Add("pages", 2);
        heap.Report(FindingKind.Leak, "mm_struct", "a leak");
        var reported = heap.Findings;
        log.Note("a note");
        machine.Tracker.Rewind();

        Assert.Equal(words, memory.Words);
        Assert.Equal(new[] { new BufferedStore(new MemoryLocation("y"), 2) }, buffer.Stores);
        Assert.Equal(new[] { "db" }, inodes.Keys);
        Assert.Equal(findings, heap.Findings.Count);
        Assert.Empty(log.Take());
        // A result that kept the findings of the execution before keeps them: the heap's books are new copies.
        Assert.Equal(findings + 1, reported.Count);
    }

    public static TheoryData<string, string> ExploredRuns() => ExplorationSearchTests.ExploredRuns();

    /// <summary>
    /// Every sample with an explore block, under each variant its snapshots run: the trace, verdicts, final states and
    /// counts of a search that rewinds are those of one that runs every execution from the scenario's start. Up to 300
    /// executions each (both cut at the same one when the search is longer): what a rewind fails to put back shows in
    /// the executions after a part's first, and --verify-independence checks every execution of every sample.
    /// </summary>
    [Theory]
    [MemberData(nameof(ExploredRuns))]
    public void Rewinding_prints_the_same_bytes_as_running_every_execution_from_the_start(string sample, string variant)
    {
        using var assembly = Compile(sample);
        foreach (var (scenario, config) in Explored(assembly, variant))
        {
            var rewound = Printed(assembly, scenario, config, rewind: true);
            var fromStart = Printed(assembly, scenario, config, rewind: false);

            Assert.Equal(fromStart, rewound);
            // Else the two searches above would both run every execution from the start.
            Assert.True(FirstRunRewinds(assembly, scenario, config) ?? true, $"{sample}: the run of its first execution cannot be rewound");
        }
    }

    /// <summary>
    /// A search whose first execution starts from the run a search before it left at the block (<see cref="RunPool"/>,
    /// as a warm server's next request for the file does) prints what the search that built that run printed, for
    /// every sample with an explore block. The loaded assembly gives the same scenario object again, as it does each
    /// request for the file.
    /// </summary>
    [Theory]
    [MemberData(nameof(ExploredRuns))]
    public void A_search_that_starts_from_a_run_an_earlier_search_kept_prints_the_same_bytes(string sample, string variant)
    {
        using var assembly = Compile(sample);
        foreach (var (scenario, config) in Explored(assembly, variant))
        {
            var pool = new RunPool(capacity: 1);
            var built = Printed(Search(assembly, scenario, config, pool));
            Assert.Equal(0, pool.Reused);
            var kept = Printed(Search(assembly, scenario, config, pool));

            Assert.Equal(built, kept);
            // A first execution that deadlocks leaves no run that can start another.
            Assert.Equal(FirstRunRewinds(assembly, scenario, config) == false ? 0 : 1, pool.Reused);
        }
    }

    private static CompiledAssembly Compile(string sample) =>
        Compilation.Create(SourceText.From(File.ReadAllText(Repository.Full(sample)), sample)).CompileAndLoad();

    /// <summary>The assembly's scenarios with an explore block, each under the kernels <paramref name="variant"/> gives it.</summary>
    private static IEnumerable<(CompiledScenario Scenario, KernelConfig Config)> Explored(CompiledAssembly assembly, string variant)
    {
        var overrides = variant == SampleSnapshotTests.AsWritten
            ? new Dictionary<string, string>()
            : new Dictionary<string, string> { [variant[..variant.IndexOf('=')]] = variant[(variant.IndexOf('=') + 1)..] };
        return assembly.Scenarios
            .Where(s => s.Bound.Statements.OfType<ScenarioLang.Compiler.Binding.BoundExplore>().Any())
            .SelectMany(s => ScenarioRunner.ConfigsFor(s, overrides).Select(c => (s, c)));
    }

    private static ScenarioResult Search(CompiledAssembly assembly, CompiledScenario scenario, KernelConfig config, RunPool pool) =>
        new Explorer(assembly.Instantiate(scenario), config, new ExploreOptions(MaxExecutions: 300, Jobs: 1), pool).Execute();

    /// <summary>
    /// The check that keeps rewinding honest (--verify-independence runs it on every execution that started on a
    /// rewound machine): a word put into memory behind the explorer's back between two executions is state the rewind
    /// did not put back, and the check names it.
    /// </summary>
    [Fact]
    public void A_word_the_rewind_did_not_put_back_is_caught_against_a_run_from_the_scenario_start()
    {
        using var assembly = LitmusSb();
        var (scenario, config) = FirstScenario(assembly);
        // As --verify-independence makes it: the search is shown what each replayed state enables, and each event's
        // record is this execution's own.
        var search = new DporSearch(SearchUnit.Root, Reduction.Dpor, bufferBound: null, checkReplays: true);
        var run = new ScenarioRun(scenario.Description, config, new ExecutionDriver(search, null));
        scenario.Run(run);
        run.Ended();
        Assert.True(search.Next());

        var driver = new ExecutionDriver(search, null);
        run.Rewind(driver);
        run.Machine.Memory.Initialize(new MemoryLocation("y"), 1);
        run.ExploreAgain();
        var result = run.Complete();
        var verifier = new IndependenceVerifier(s => FromStart(scenario, config, s), null);

        var caught = Assert.Throws<InvalidOperationException>(() => verifier.Verify(driver, result, run));
        Assert.Contains("on a rewound machine", caught.Message);
        Assert.Contains("y", caught.Message);
    }

    /// <summary>
    /// A probe stops in the block, so the first execution of its run never ends: the run serves the probes after it,
    /// rewound, which stop in the block too, and no execution that runs what follows the block (it is not known).
    /// </summary>
    [Fact]
    public void A_run_a_probe_stopped_in_the_block_serves_probes_but_no_whole_execution()
    {
        using var assembly = LitmusSb();
        var (scenario, config) = FirstScenario(assembly);
        var first = new ProbeSearch(SearchUnit.Root, reduce: true);
        var run = new ScenarioRun(scenario.Description, config, new ExecutionDriver(first, null));

        Assert.Throws<AbandonedExecution>(() => scenario.Run(run));
        Assert.True(first.Splits);
        Assert.True(run.BlockRewindable);
        Assert.False(run.Rewindable);

        // Rewound, the run stops in the block without an exception: the explorer runs the block itself.
        var again = new ProbeSearch(SearchUnit.Root, reduce: true);
        var probe = new ExecutionDriver(again, null);
        run.Rewind(probe);
        run.ExploreBlockAgain();
        Assert.Equal(ExecutionEnd.Probe, probe.End);
        Assert.True(again.Splits);

        run.Rewind(new ExecutionDriver(new DporSearch(SearchUnit.Root, Reduction.Dpor, bufferBound: null), null));
        Assert.Throws<InvalidOperationException>(run.ExploreAgain);
    }

    private static CompiledAssembly LitmusSb() => Compile("samples/litmus/sb.kscn");

    /// <summary>The assembly's first scenario, instantiated, and its configuration (a litmus test names no mechanism).</summary>
    private static (IScenario Scenario, KernelConfig Config) FirstScenario(CompiledAssembly assembly) =>
        (assembly.Instantiate(assembly.Scenarios[0]), ScenarioRunner.ConfigsFor(assembly.Scenarios[0], new Dictionary<string, string>())[0]);

    private static string Printed(CompiledAssembly assembly, CompiledScenario scenario, KernelConfig config, bool rewind)
    {
        var run = ScenarioRunner.Run(assembly, scenario, config, new ExploreOptions(MaxExecutions: 300, Jobs: 1, Rewind: rewind));
        Assert.Null(run.InternalError);
        return Printed(run.Result!);
    }

    private static string Printed(ScenarioResult result)
    {
        var output = new StringWriter();
        TraceFormatter.Write(result, output);
        return output.ToString();
    }

    /// <summary>Whether the run of the search's first execution can be rewound for the next; null when that execution deadlocks.</summary>
    private static bool? FirstRunRewinds(CompiledAssembly assembly, CompiledScenario compiled, KernelConfig config)
    {
        var scenario = assembly.Instantiate(compiled);
        var driver = new ExecutionDriver(new DporSearch(SearchUnit.Root, Reduction.Dpor, bufferBound: null), null);
        var run = new ScenarioRun(scenario.Description, config, driver);
        try
        {
            scenario.Run(run);
            run.Ended();
        }
        catch (AbandonedExecution)
        {
            return null;
        }
        return run.Rewindable;
    }

    private static (ScenarioResult, ExecutionDriver, ScenarioRun) FromStart(IScenario scenario, KernelConfig config, ISearch search)
    {
        var driver = new ExecutionDriver(search, null);
        var run = new ScenarioRun(scenario.Description, config, driver);
        try
        {
            scenario.Run(run);
        }
        catch (AbandonedExecution)
        {
        }
        return (run.Complete(), driver, run);
    }
}
