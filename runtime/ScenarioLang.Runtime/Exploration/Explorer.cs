using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace ScenarioLang.Runtime.Exploration;

/// <summary>
/// Explores a scenario's explore block. The search is cut into parts that do not depend on one another (the
/// subtrees below the first states with a choice, or batches of random executions), the parts run on
/// <see cref="ExploreOptions.Jobs"/> threads (or only this shard's parts), and their tallies are appended in the
/// parts' order: the result is the same on one thread or many. With <see cref="ExploreOptions.StopAtFirst"/> a part
/// stops at its first violation and the parts after it are cancelled, while those before it run to their end: the
/// first violation in search order, whatever thread found which.
/// </summary>
/// <param name="pool">Where a search takes a run at its block from a search before it and leaves one for the next
/// (<see cref="RunPool.Shared"/> unless given), when <see cref="ExploreOptions.Rewind"/> is on.</param>
internal sealed class Explorer(IScenario scenario, KernelConfig config, ExploreOptions options, RunPool? pool = null)
{
    /// <summary>How many executions the exhaustive search makes as one part before it hands the rest to others.</summary>
    public const int FirstPart = 64;

    /// <summary>How many subtrees the rest of a longer search is split into, at least, when it has that many choices.</summary>
    public const int SplitTarget = 32;

    /// <summary>How many executions of a random search make one part.</summary>
    public const int SampleBatch = 64;

    // Why a search waits before its other threads join: ExploreOptions.HelpersAfter.
    private readonly TimeSpan _helpersAfter = options.HelpersAfter ?? TimeSpan.FromMilliseconds(20);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    // A preemption bound explores without reduction: what a reduction skips may need more preemptions than it allows.
    private readonly Reduction _reduction = options.PreemptionBound is null ? options.Reduction : Reduction.None;
    private int _runs;
    private int _partsDone;
    private volatile bool _stop;
    private volatile bool _timedOut;
    // The lowest index of a part that showed a violation, under --stop-at-first: the parts after it are not needed.
    private int _firstViolation = int.MaxValue;
    // The whole scenario's known-failure mark under this kernel: its first violation confirms it, so the search stops
    // there as under --stop-at-first. An expectation's mark does not stop it: the other expectations and the object
    // checker (no finding in any execution) still need every execution.
    private readonly KnownFailure? _knownFailure = scenario.Description.KnownFailures.FirstOrDefault(k => k.Whole && k.AppliesTo(config));

    // Runs that reached the block and wait to be rewound for an execution of any part or probe, one per thread at
    // most: a run is a whole machine, which only its first execution builds from the scenario's start.
    private readonly ConcurrentBag<ScenarioRun> _idle = [];

    private bool StopsAtFirst => options.StopAtFirst || _knownFailure is not null;

    private readonly RunPool? _pool = options.Rewind ? pool ?? RunPool.Shared : null;

    public ScenarioResult Execute()
    {
        // The first run is an exhaustive search's first execution, or for the sampling strategies a probe of the
        // block's start; a scenario without a block runs once, as it always did. An exhaustive search starts from a
        // run an earlier search of the scenario left at its block, if one is kept.
        var exhaustive = options.Strategy == ExploreStrategy.Exhaustive;
        var first = exhaustive ? Search(SearchUnit.Root) : (ISearch)new ProbeSearch(SearchUnit.Root, _reduction != Reduction.None);
        var ran = Judged(Run(first, exhaustive ? _pool?.Take(scenario, config) : null));
        var (result, driver) = (ran.Result, ran.Driver);
        // The exhaustive search's first part goes on with the run; a probe's serves the parts after it.
        if (driver.Prefix is null || first is not DporSearch)
            Release(ran.Run);
        if (driver.Prefix is null)
            return result;
        var parts = first is DporSearch search ? Exhaustive(search, ran) : Sampled();
        var mine = options.Shard is { } shard ? parts.Shard(shard) : parts;
        var tallies = options.Merge?.Tallies(scenario.Description, config, parts.Count) ?? RunParts(mine);
        options.ShardOutput?.Add(scenario.Description, config, parts.Count, tallies);
        var total = new ExplorationTally();
        // More shards than parts: this one has nothing to search, and says so.
        if (mine.Count == 0)
            total.StartFrom(result, driver);
        // A shard file keeps no run: the first execution, whose trace is the exploration's, runs again.
        else if (options.Merge is not null)
            total.StartFrom(RunPart(parts.Create, 0, 1));
        var cut = Append(total, mine, tallies) ?? Bound(total);
        // One of this search's runs is left at its block for the next search of the scenario.
        if (_pool is not null && _idle.FirstOrDefault(r => r.Rewindable) is { } kept)
            _pool.Give(scenario, config, kept);
        return total.Result(options, cut, options.Shard is { } s ? $"shard {s.Index} of {s.Count}: {mine.Count} of {Tracing.Units.Count(parts.Count, "part")} of the search" : null);
    }

    /// <summary>
    /// The parts of an exhaustive search whose first execution <paramref name="ran"/>: its first executions run as one
    /// part, on this thread, where most scenarios' searches end, without the probes and the redundant executions a
    /// split costs. A longer search hands what is left to other parts.
    /// </summary>
    private SearchParts Exhaustive(DporSearch first, (ScenarioResult Result, ExecutionDriver Driver, ScenarioRun Run) ran)
    {
        var tally = RunPart(_ => first, 0, Math.Min(FirstPart, options.MaxExecutions), ran);
        if (tally.Complete || StopsAtFirst && tally.Violated || _timedOut || tally.Runs >= options.MaxExecutions)
            return new(1, _ => Search(SearchUnit.Root)) { First = tally };
        // Its share is done: the rest of the search is the other parts'.
        tally.Complete = true;
        var units = Split(first.Remaining(Footprint));
        // Run again (for fewer executions than it made) only to be cut short by the budget.
        return new(units.Count + 1, i => Search(i == 0 ? SearchUnit.Root : units[i - 1]))
        {
            First = tally,
            // A subtree whose unit sleeps on k independent events of its siblings is about 2^-k of theirs, and a
            // longer prefix starts deeper: workers take the likely largest first, so the last part to end is a
            // small one (the tallies are appended by index whatever the order).
            Larger = (a, b) => Size(a).CompareTo(Size(b)),
        };

        (int, int, int) Size(int part) => part == 0 ? (-1, -1, 0) : (units[part - 1].Sleep.Count, units[part - 1].Prefix.Count, part);
    }

    /// <summary>The batches of a random or PCT search.</summary>
    private SearchParts Sampled()
    {
        // In long: --max-executions 2147483647 is a batch count the int sum would overflow.
        var batches = (int)(((long)options.MaxExecutions + SampleBatch - 1) / SampleBatch);
        return new(batches, b =>
        {
            var first = b * SampleBatch;
            var count = Math.Min(SampleBatch, options.MaxExecutions - first);
            return options.Strategy == ExploreStrategy.Pct
                ? new PctSearch(options.Seed, options.PctDepth, first, count)
                : new RandomWalkSearch(options.Seed, first, count);
        });
    }

    private DporSearch Search(SearchUnit unit) =>
        new(unit, _reduction, options.BufferBound, options.PreemptionBound, checkReplays: options.VerifyIndependence);

    /// <summary>
    /// Splits the units left by the search's first part further, the shallowest (likely the largest) first, breadth
    /// first, until there are <see cref="SplitTarget"/> subtrees or none left to split. Depends only on the scenario,
    /// so every thread count and shard sees the same parts.
    /// </summary>
    private List<SearchUnit> Split(List<SearchUnit> left)
    {
        var units = new List<SearchUnit>(left);
        var queue = new Queue<SearchUnit>(left.OrderBy(u => u.Prefix.Count));
        while (units.Count < SplitTarget && queue.Count > 0)
        {
            // Past _helpersAfter, the units next in line are probed at once, one per thread, and their children taken
            // in the queue's order up to where one probe at a time would have stopped: the same parts for every
            // --jobs. Each split adds a unit at least, so a wave is no wider than the units still wanted.
            var width = _clock.Elapsed < _helpersAfter ? 1 : Math.Clamp(options.Jobs, 1, SplitTarget - units.Count);
            var wave = queue.Take(width).ToArray();
            var children = new IReadOnlyList<SearchUnit>?[wave.Length];
            // A probe's error is thrown where one probe at a time would have met it, not from a probe it never ran.
            var errors = new ExceptionDispatchInfo?[wave.Length];
            bool Probe(int i)
            {
                try
                {
                    var probe = new ProbeSearch(wave[i], _reduction != Reduction.None, runsFirstChild: true);
                    RunIdle(probe);
                    children[i] = probe.Children(Footprint);
                }
                catch (Exception e)
                {
                    errors[i] = ExceptionDispatchInfo.Capture(e);
                }
                return true;
            }
            // One probe runs here, as the root's did, not on a thread of its own.
            if (wave.Length == 1)
                Probe(0);
            else
                OnWorkers(wave.Length, _helpersAfter, Probe);
            for (var i = 0; i < wave.Length && units.Count < SplitTarget; i++)
            {
                var unit = queue.Dequeue();
                errors[i]?.Throw();
                if (children[i] is not { } split)
                    continue;
                var at = units.FindIndex(u => ReferenceEquals(u, unit));
                units.RemoveAt(at);
                units.InsertRange(at, split);
                foreach (var child in split)
                    queue.Enqueue(child);
            }
        }
        return units;
    }

    /// <summary>Runs a path of events to its end and returns its last event with its whole footprint.</summary>
    private Transition Footprint(IReadOnlyList<Transition> path)
    {
        var replay = new ReplaySearch([.. path.Select(t => t.Event)]);
        RunIdle(replay);
        return replay.Count == path.Count ? replay.Last! : throw new InvalidOperationException("a split state's event did not run again");
    }

    /// <summary>Runs the parts on the worker threads; returns the tallies of those that ran, by part index.</summary>
    private SortedDictionary<int, ExplorationTally> RunParts(SearchParts parts)
    {
        // Filled as parts run, not sized by the parts there are: a sampled search of 2^31 executions has 2^25 of them.
        var tallies = new SortedDictionary<int, ExplorationTally>();
        if (parts.First is { } first)
        {
            tallies.Add(0, first);
            _partsDone++;
        }
        // Most searches end within their first part: then no part is left to start a thread for.
        if (tallies.Count == parts.Count)
            return tallies;
        // Under stop-at-first the parts start in search order: those after the first violation are then never begun.
        var order = parts.Larger is { } larger && !StopsAtFirst && options.Jobs > 1 ? Enumerable.Range(0, parts.Count).Order(Comparer<int>.Create(larger)).ToArray() : null;
        // A remainder the split left in more subtrees than it aims at is large: waiting for the helpers would leave
        // the other cores idle while it is known there is work for them (SB-ring-14: about 13 ms of its 190 ms).
        var helpersAfter = parts.Count > SplitTarget && options.HelpersAfter is null ? TimeSpan.Zero : _helpersAfter;
        OnWorkers(parts.Count, helpersAfter, k =>
        {
            var i = order?[k] ?? k;
            // Past the budget, later parts would be dropped: stop taking them (the merge re-runs what it needs).
            if (i == 0 && parts.First is not null)
                return true;
            if (i >= Volatile.Read(ref _firstViolation) || Volatile.Read(ref _runs) >= options.MaxExecutions)
                return false;
            var tally = RunPart(parts.Create, i, options.MaxExecutions);
            lock (tallies)
                tallies.Add(i, tally);
            Interlocked.Increment(ref _partsDone);
            return true;
        }, () => options.Progress?.Invoke(new ExplorationProgress(Volatile.Read(ref _runs), Volatile.Read(ref _partsDone), parts.Count, _clock.Elapsed)));
        return tallies;
    }

    /// <summary>
    /// Runs <paramref name="work"/> for 0 … <paramref name="count"/> - 1, in that order, on up to
    /// <see cref="ExploreOptions.Jobs"/> threads with the search's stack, all but the first started once the search has
    /// run <paramref name="helpersAfter"/> and if work is left; a thread stops when its work returns false, and all stop
    /// after an exception, the first by index of which is thrown here. <paramref name="waiting"/> runs every 200 ms
    /// until they are done.
    /// </summary>
    private void OnWorkers(int count, TimeSpan helpersAfter, Func<int, bool> work, Action? waiting = null)
    {
        var errors = new SortedDictionary<int, ExceptionDispatchInfo>();
        var next = -1;
        var workers = Enumerable.Range(0, Math.Clamp(options.Jobs, 1, Math.Max(1, count))).Select(_ => new Thread(() =>
        {
            for (var i = Interlocked.Increment(ref next); i < count && !_stop; i = Interlocked.Increment(ref next))
            {
                try
                {
                    if (!work(i))
                        return;
                }
                catch (Exception e)
                {
                    lock (errors)
                        errors.Add(i, ExceptionDispatchInfo.Capture(e));
                    _stop = true;
                }
            }
        }, maxStackSize: 16 << 20)).ToArray();
        var (started, joined, waited) = (0, 0, _clock.Elapsed);
        do
        {
            var helpersWanted = started < workers.Length && Volatile.Read(ref next) < count - 1;
            var wanted = helpersWanted && _clock.Elapsed >= helpersAfter ? workers.Length : Math.Max(started, 1);
            while (started < wanted)
                workers[started++].Start();
            // Polled while threads may still start; then as often as progress is reported.
            if (workers[joined].Join(TimeSpan.FromMilliseconds(helpersWanted && started < workers.Length ? 1 : 200)))
                joined++;
            else if (_clock.Elapsed - waited >= TimeSpan.FromMilliseconds(200))
            {
                waiting?.Invoke();
                waited = _clock.Elapsed;
            }
        }
        while (joined < started);
        errors.Values.FirstOrDefault()?.Throw();
    }

    /// <summary>Appends the parts' tallies in order, re-running a part the budget cuts; returns why the search was cut, if it was.</summary>
    private string? Append(ExplorationTally total, SearchParts parts, SortedDictionary<int, ExplorationTally> tallies)
    {
        for (var i = 0; i < parts.Count; i++)
        {
            if (_timedOut)
            {
                // The parts that ran before the timeout, without walking the indices of all those that did not.
                foreach (var done in tallies.Where(t => t.Key >= i))
                    total.Append(done.Value);
                break;
            }
            var remaining = options.MaxExecutions - total.Runs;
            if (remaining <= 0)
                return $"stopped after {Tracing.Units.Count(total.Runs, "execution")} (--max-executions {options.MaxExecutions})";
            var tally = tallies.GetValueOrDefault(i) is { } t && t.Runs <= remaining ? t : RunPart(parts.Create, i, remaining);
            total.Append(tally);
            // Its final states are the total's now: a part's copy of them is garbage from here on (SB-16 has 65,536).
            tallies.Remove(i);
            if (StopsAtFirst && tally.Violated)
                return tally.Complete && i == parts.Count - 1 ? null : $"stopped at the first violation ({(options.StopAtFirst ? "--stop-at-first" : _knownFailure!.Text)}), after {Tracing.Units.Count(total.Runs, "execution")}";
            if (!tally.Complete && options.Strategy == ExploreStrategy.Exhaustive)
                return $"stopped after {Tracing.Units.Count(total.Runs, "execution")} (--max-executions {options.MaxExecutions})";
        }
        return _timedOut ? $"stopped by the timeout ({options.Timeout!.Value.TotalSeconds:0.###} s) after {Tracing.Units.Count(total.Runs, "execution")}" : null;
    }

    /// <summary>Why a search that ran to its end still does not cover every execution: its strategy or a bound.</summary>
    private string? Bound(ExplorationTally total) => options.Strategy switch
    {
        ExploreStrategy.Random => $"random walks with seed {options.Seed}: {Tracing.Units.Count(total.Runs, "execution")} sampled",
        ExploreStrategy.Pct => $"PCT schedules of depth {options.PctDepth} with seed {options.Seed}: {Tracing.Units.Count(total.Runs, "execution")} sampled",
        _ when total.Bounded && options.PreemptionBound is { } p => $"executions with more than {Tracing.Units.Count(p, "preemption")} left out (--preemption-bound {p})",
        _ when total.Bounded && options.BufferBound is { } b => $"executions with more than {Tracing.Units.Count(b, "buffered store")} per CPU left out (--buffer-bound {b})",
        _ => null,
    };

    /// <summary>Runs part <paramref name="index"/> of the search, up to <paramref name="budget"/> executions.</summary>
    /// <param name="ran">The part's first execution, when it has run already (the search's first, in <see cref="Execute"/>).</param>
    private ExplorationTally RunPart(Func<int, ISearch> part, int index, int budget, (ScenarioResult Result, ExecutionDriver Driver, ScenarioRun Run)? ran = null)
    {
        var search = part(index);
        var tally = new ExplorationTally();
        // Every interleaving, without reduction, relies on no independence: only the rewinding is verified. The
        // sampling strategies rely on it to take a local event alone.
        var verifier = options.VerifyIndependence
            ? new IndependenceVerifier(s => Judged(Run(s)), options.BufferBound, reorders: _reduction != Reduction.None || options.Strategy != ExploreStrategy.Exhaustive)
            : null;
        var last = ran?.Run ?? Idle();
        try
        {
            while (true)
            {
                var (result, driver, run) = ran ?? Judged(Run(search, last));
                ran = null;
                last = run;
                tally.Add(driver, result, run.Machine.Memory);
                if (driver.End == ExecutionEnd.Final)
                    verifier?.Verify(driver, result, run);
                tally.Bounded |= search.Bounded;
                Interlocked.Increment(ref _runs);
                tally.Complete = !search.Next();
                if (StopsAtFirst && tally.Violated)
                {
                    for (var seen = Volatile.Read(ref _firstViolation); index < seen; seen = Volatile.Read(ref _firstViolation))
                        Interlocked.CompareExchange(ref _firstViolation, index, seen);
                    return tally;
                }
                // A part after one that showed a violation is not needed: its tally is never appended.
                if (tally.Complete || tally.Runs >= budget || _stop || index > Volatile.Read(ref _firstViolation))
                    return tally;
                if (options.Timeout is { } timeout && _clock.Elapsed > timeout)
                {
                    _timedOut = true;
                    _stop = true;
                    return tally;
                }
            }
        }
        finally
        {
            Release(last);
        }
    }

    /// <summary>
    /// Runs a probe's execution on an idle run, rewound, or a new one, which is idle afterwards. A probe's execution is
    /// not judged (<see cref="Judged"/>): it stops where the search splits, and only its events count, so it runs the
    /// block alone, on any run that reached it (<see cref="ScenarioRun.BlockRewindable"/>).
    /// </summary>
    private void RunIdle(ISearch search) => Release(Run(search, Idle(), probe: true).Run);

    private ScenarioRun? Idle() => _idle.TryTake(out var run) ? run : null;

    // A run whose first execution stopped in the block (a probe's) serves the probes after it; an execution takes a
    // new run when it is given such a one, and drops it.
    private void Release(ScenarioRun? run)
    {
        if (run is { BlockRewindable: true })
            _idle.Add(run);
    }

    /// <summary>
    /// Runs one execution: from the scenario's start on a new machine, or from the block's start on
    /// <paramref name="previous"/>'s, rewound, when that run can be (<see cref="ScenarioRun.Rewindable"/>, or for a
    /// <paramref name="probe"/> <see cref="ScenarioRun.BlockRewindable"/>) and rewinding is on.
    /// </summary>
    private (ExecutionDriver Driver, ScenarioRun Run) Run(ISearch search, ScenarioRun? previous = null, bool probe = false)
    {
        var driver = new ExecutionDriver(search, options.BufferBound);
        var rewound = options.Rewind && (probe ? previous?.BlockRewindable : previous?.Rewindable) == true;
        var run = rewound ? previous! : new ScenarioRun(scenario.Description, config, driver);
        try
        {
            if (rewound && probe)
            {
                run.Rewind(driver);
                run.ExploreBlockAgain();
            }
            else if (rewound)
            {
                run.Rewind(driver);
                run.ExploreAgain();
            }
            else
            {
                scenario.Run(run);
                run.Ended();
            }
        }
        catch (AbandonedExecution)
        {
            // A redundant, deadlocked or probing execution from the scenario's start: what follows the block does not run.
        }
        catch (ScheduleStoppedException)
        {
            // An explicit schedule that cannot go on: the run recorded why, and Complete() reports the deadlock.
        }
        return (driver, run);
    }

    /// <summary>The execution with its result: the object checker's findings and the verdicts of its steps.</summary>
    private static (ScenarioResult Result, ExecutionDriver Driver, ScenarioRun Run) Judged((ExecutionDriver Driver, ScenarioRun Run) ran) =>
        (ran.Run.Complete(), ran.Driver, ran.Run);
}

/// <summary>
/// The parts of a search, each made when it is run: a sampled search of --max-executions 2147483647 has 2^25 batches,
/// which only a search that runs them all should pay for.
/// </summary>
internal sealed record SearchParts(int Count, Func<int, ISearch> Create)
{
    /// <summary>Compares two parts' indices by the size their searches are expected to have, larger first; null when alike.</summary>
    public Comparison<int>? Larger { get; init; }

    /// <summary>The tally of part 0, when it has run already (the exhaustive search's first part, which made the others).</summary>
    public ExplorationTally? First { get; init; }

    /// <summary>The parts of shard <c>Index</c> of <c>Count</c>: every Count-th part, from part Index - 1.</summary>
    public SearchParts Shard(ExploreShard shard) =>
        new((int)(((long)Count - shard.Index + shard.Count) / shard.Count), i => Create(shard.Part(i)))
        {
            Larger = Larger is { } larger ? (a, b) => larger(shard.Part(a), shard.Part(b)) : null,
            First = shard.Part(0) == 0 ? First : null,
        };
}
