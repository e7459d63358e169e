using System.Globalization;
using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Tests.Runtime;

/// <summary>
/// <c>--verify-independence</c> against a planted bug: two CPUs' kernel paths share a field of a kernel object between
/// their points. Kept in a plain C# field, it is in no footprint, so the reduction takes the two paths as independent
/// and explores one order; the verifier re-runs the other and names both events and the field. Kept in a
/// <see cref="Tracked{T}"/>, the paths conflict, both orders are explored, and the verifier is satisfied.
/// </summary>
public sealed class IndependenceVerifierTests
{
    private static readonly Step Outcome11 = new(30, 3, "expect never value == 11");

    [Fact]
    public void A_field_shared_behind_the_explorers_back_is_a_violation_naming_both_events_and_the_field()
    {
        // Every execution from the scenario's start: on a rewound machine the verifier would first find the field
        // the rewind cannot put back (the test below).
        var violation = Assert.Throws<IndependenceViolationException>(() => Explore(tracked: false, verify: true, rewind: false));

        Assert.DoesNotContain('\n', violation.Message);
        Assert.StartsWith("independence violated: cpu0 'cpu0 kernel: writer' at point (load a) reading 0 and cpu1 'cpu1 kernel: reader' at point (load b) reading 0 ", violation.Message);
        // The writer ran first: value 1, which the reader saw and left; the reader first finds 0 and adds 10 before the writer's 1.
        Assert.Contains("SharedCounter counter#1: _value 1 -> 11", violation.Message);
    }

    [Fact]
    public void Without_verification_the_search_trusts_the_footprints_and_misses_the_other_order()
    {
        // From the scenario's start, as a rewound machine would also leave the field at its last value.
        var result = Explore(tracked: false, verify: false, rewind: false);

        // One execution: the reader never runs before the writer, so "never 11" passes though the other order gives 11.
        Assert.Equal(["value=1"], result.Exploration!.States.Select(s => s.State));
        Assert.True(result.Passed);
        // Every interleaving, each from the scenario's start: a field no rewind puts back does not leak between them.
        Assert.Equal(2, Explore(tracked: false, verify: false, Reduction.None, rewind: false).Exploration!.States.Count);
    }

    [Fact]
    public void Without_reduction_the_verifier_still_checks_the_rewinding_and_names_a_field_it_cannot_put_back()
    {
        // Rewound to its block, each next execution starts with the plain field the last one left.
        var leak = Assert.Throws<InvalidOperationException>(() => Explore(tracked: false, verify: true, Reduction.None));

        Assert.StartsWith("an execution that started from its explore block on a rewound machine ended otherwise than from the scenario's start: ", leak.Message);
        Assert.Contains("SharedCounter counter#1: _value", leak.Message);
    }

    [Fact]
    public void A_tracked_field_makes_the_paths_conflict_so_both_orders_are_explored_and_verified()
    {
        var result = Explore(tracked: true, verify: true);

        Assert.Equal(["value=1", "value=11"], result.Exploration!.States.Select(s => s.State));
        Assert.Equal((Verdict.Fail, "holds in 1 of 2 executions"), (result.Entries[^1].Verdict, result.Entries[^1].Failure));
    }

    private static ScenarioResult Explore(bool tracked, bool verify, Reduction reduction = Reduction.Dpor, bool rewind = true) =>
        ScenarioExecutor.Execute(new SharedField(tracked), KernelConfig.Default, new ExploreOptions(Reduction: reduction, VerifyIndependence: verify, Rewind: rewind));

    /// <summary>
    /// cpu0's writer loads a, adds 1 to the counter, and stops at a preemption point; cpu1's reader loads b and, if the
    /// counter is still 0, adds 10. By their points the two only read different words.
    /// </summary>
    private sealed class SharedField(bool tracked) : IScenario
    {
        public ScenarioDescription Description { get; } =
            new("shared field", "t.kscn", 2, MemoryModel.Tso, new Dictionary<string, IReadOnlyList<string>>(), [], []);

        public void Run(ScenarioRun run)
        {
            var counter = run.Machine.Kernel.Heap.Register(new SharedCounter(run.Machine.Kernel.Heap, tracked));
            run.Explore(Litmus.ExploreAt,
                Path(run, 0, "writer", "a", () => counter.Value += 1),
                Path(run, 1, "reader", "b", () =>
                {
                    if (counter.Value == 0)
                        counter.Value += 10;
                }));
            run.Expect(Outcome11, Quantifier.Never,
                new Condition("value", _ => counter.Value.ToString(CultureInfo.InvariantCulture), _ => counter.Value == 11));
        }

        private static ThreadStep Path(ScenarioRun run, int cpu, string name, string word, Action between)
        {
            IEnumerable<InterleavingPoint> Body(KernelPath path)
            {
                yield return InterleavingPoint.Load("point", new MemoryLocation(word));
                between();
                yield return InterleavingPoint.Preemptible("after");
            }
            var action = $"cpu{cpu} kernel: {name}";
            return new ThreadStep(new Step(10 + cpu, 3, action), cpu, action, null, c => new KernelPath(name, c, run.Machine.Memory, Body), _ => Outcome.Ok);
        }
    }

    /// <summary>A kernel object with one field two CPUs' paths use: a plain field, or tracked storage.</summary>
    private sealed class SharedCounter : KernelObject
    {
        private readonly Tracked<int>? _tracked;
        private int _value;

        public SharedCounter(KernelHeap heap, bool tracked)
            : base(heap, "counter", 8, "test")
        {
            if (tracked)
                _tracked = new Tracked<int>(heap.Tracker, new MemoryLocation($"{Name}.value"), 0);
        }

        public int Value
        {
            get => _tracked?.Value ?? _value;
            set
            {
                if (_tracked is null)
                    _value = value;
                else
                    _tracked.Value = value;
            }
        }
    }
}
