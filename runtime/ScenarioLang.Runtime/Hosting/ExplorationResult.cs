using ScenarioLang.Runtime.Exploration;

namespace ScenarioLang.Runtime;

/// <summary>How <see cref="ScenarioExecutor"/> explores an explore block.</summary>
/// <param name="Reduction">How executions that only reorder independent events are skipped; the final states and
/// verdicts are the same with every reduction, only the counts differ.</param>
/// <param name="MaxExecutions">Stops the search after this many executions (of every kind); what held in all of them is
/// then inconclusive, not proved. For the random strategies, how many executions to sample.</param>
/// <param name="Jobs">Threads that search parts of the tree at once; the result does not depend on it.</param>
/// <param name="Shard">Searches only this shard's parts of the tree, for a matrix of CI jobs.</param>
/// <param name="Seed">The seed of the random strategies, printed with their results.</param>
/// <param name="PctDepth">The bug depth of <see cref="ExploreStrategy.Pct"/>: it changes priorities at depth - 1 steps.</param>
/// <param name="PreemptionBound">Explores, without reduction, only executions with at most this many preemptions.</param>
/// <param name="BufferBound">Keeps at most this many stores in each CPU's store buffer: a store waits for a drain.</param>
/// <param name="Timeout">Stops the search after this long; the result then depends on the machine's speed.</param>
/// <param name="Progress">Called on the calling thread every 200 ms while the search runs.</param>
/// <param name="StopAtFirst">Stops at the first violation in search order (an always or never failing, an unexpected
/// finding, a deadlock), for bug hunting; the same execution is first for any number of jobs.</param>
/// <param name="VerifyIndependence">Checks, after each execution that reaches a final state, that moving each event
/// before the earlier events the search deems it independent of changes nothing (see <c>IndependenceVerifier</c>);
/// a change throws <see cref="IndependenceViolationException"/>. Costs about one more run per event. Without reduction
/// (<see cref="Reduction.None"/>, or a preemption bound) the exhaustive search relies on no independence and nothing is checked.</param>
/// <param name="ShardOutput">With <see cref="Shard"/>: takes in the tallies of the parts each explore block's search
/// ran, for a shard file that <see cref="Merge"/> reads back.</param>
/// <param name="Merge">The tallies of every part of each search, read from the shards' files: the explorer appends them
/// instead of searching, and prints what the whole search prints.</param>
/// <param name="Rewind">Each execution after a part's first starts from the explore block on that execution's machine,
/// rewound to the block's start; false builds a machine and runs the scenario from its start for every execution, as
/// the tests do to check that both give the same bytes.</param>
/// <param name="HelpersAfter">Threads beyond the first join a search once it has run this long (null: 20 ms, or at once
/// when the split left more parts than it aims at), so that a shorter one, which would pay more for their start and the
/// machine each builds than it gains, runs on one; the tests set zero to have them from the start. The result does not
/// depend on it.</param>
public sealed record ExploreOptions(
    Reduction Reduction = Reduction.Dpor,
    int MaxExecutions = 1_000_000,
    int Jobs = 1,
    ExploreShard? Shard = null,
    ExploreStrategy Strategy = ExploreStrategy.Exhaustive,
    int Seed = 1,
    int PctDepth = 3,
    int? PreemptionBound = null,
    int? BufferBound = null,
    TimeSpan? Timeout = null,
    Action<ExplorationProgress>? Progress = null,
    bool StopAtFirst = false,
    bool VerifyIndependence = false,
    ShardFile? ShardOutput = null,
    ShardMerge? Merge = null,
    bool Rewind = true,
    TimeSpan? HelpersAfter = null);

/// <summary>How the exhaustive search skips executions equivalent to one it explores.</summary>
public enum Reduction
{
    /// <summary>Source-DPOR with sleep sets: explores from a state only the events that race with what was explored.</summary>
    Dpor,
    /// <summary>Sleep sets alone (Godefroid 1996): every event in every state, but none already explored from an ancestor.</summary>
    SleepSets,
    /// <summary>Every interleaving of every event.</summary>
    None,
}

/// <summary>How the explorer chooses the executions it runs.</summary>
public enum ExploreStrategy
{
    /// <summary>Every execution up to equivalence (depth first, source-DPOR): the only strategy whose "never" is a proof.</summary>
    Exhaustive,
    /// <summary>Random walks: every enabled event equally likely, each execution from the seed and its number.</summary>
    Random,
    /// <summary>Probabilistic concurrency testing: random priorities per CPU and buffer, changed at a few random steps.</summary>
    Pct,
}

/// <summary>Shard <paramref name="Index"/> of <paramref name="Count"/> (from 1), written <c>2/4</c>.</summary>
public sealed record ExploreShard(int Index, int Count)
{
    /// <summary>The part of the whole search that is this shard's <paramref name="local"/>-th: every Count-th, from part Index - 1.</summary>
    public int Part(int local) => local * Count + Index - 1;

    public override string ToString() => $"{Index}/{Count}";
}

/// <summary>How far a running search is: executions so far, parts of the search done and in all, time spent.</summary>
public sealed record ExplorationProgress(int Executions, int PartsDone, int Parts, TimeSpan Elapsed);

/// <summary>
/// What the exhaustive exploration of a scenario's explore block found: the executions it ran, the distinct final
/// states, and the verdict of every expectation judged per execution, each failing one with an execution that shows it.
/// </summary>
/// <param name="Executions">Executions that reached a final state (every program returned, every buffer drained); the
/// expectations are judged over these.</param>
/// <param name="Redundant">Executions abandoned because every enabled event slept: each is equivalent to one explored.</param>
/// <param name="Deadlocks">Executions that stopped with a CPU spinning on a lock no one will release.</param>
/// <param name="Events">Events performed over all executions, the measure of the search's cost.</param>
/// <param name="Cut">Why the search does not cover every execution (a budget, the timeout, a bound, a random strategy,
/// --stop-at-first); null if it does.</param>
/// <param name="Shard">Which part of the search a shard covered; null when the whole search ran.</param>
/// <param name="States">The final states (and deadlocks), with how many executions reached each, in ordinal order.</param>
/// <param name="Expectations">The quantified expectations, the steps of the block with an expected outcome and the
/// plain expectations after it, in trace order.</param>
public sealed record ExplorationResult(
    int Executions,
    int Redundant,
    int Deadlocks,
    long Events,
    string? Cut,
    string? Shard,
    IReadOnlyList<FinalState> States,
    IReadOnlyList<ExpectationVerdict> Expectations)
{
    /// <summary>Whether the search covered every execution: then, and only then, what held in all of them is proved.</summary>
    public bool Exhaustive => Cut is null && Shard is null;
}

/// <summary>A final state, printed herd-style (<c>r0=0; r1=1</c>), and how many executions reached it.</summary>
public sealed record FinalState
{
    // A search's states are kept as codes (FinalStates) and made into text when read: SB-16 has 65,536 of them. The
    // state's text, or with _states its key there.
    private readonly string _state;
    private readonly FinalStates? _states;

    public FinalState(string state, int count)
    {
        _state = state;
        Count = count;
    }

    internal FinalState(FinalStates states, string key, int count)
    {
        _state = key;
        _states = states;
        Count = count;
    }

    public string State => _states is null ? _state : _states.Text(_state);

    public int Count { get; }

    public bool Equals(FinalState? other) => other is not null && other.Count == Count && other.State == State;

    public override int GetHashCode() => HashCode.Combine(State, Count);
}

/// <summary>
/// An expectation judged in every execution: <paramref name="Satisfied"/> counts the executions where its per-execution
/// form holds (the conditions hold for always and sometimes, do not hold for never; the outcome is the expected one for
/// a step).
/// </summary>
/// <param name="Counterexample">The first execution, in search order, that violates an always or never expectation.</param>
public sealed record ExpectationVerdict(Step Step, Quantifier Quantifier, int Satisfied, int Executions, Verdict Verdict, Counterexample? Counterexample)
{
    public bool Passed => Verdict == Verdict.Pass;
}

/// <summary>One execution as an explicit schedule that replays it (<c>kscn</c> can splice it into a .kscn file).</summary>
public sealed record Counterexample
{
    // Printed when first asked for: each part of a search keeps the first counterexample it saw, and only the first
    // part's is shown once the parts are appended.
    private readonly Lazy<IReadOnlyList<ScheduleLine>> _schedule;

    public Counterexample(int execution, string detail, IReadOnlyList<ScheduleLine> schedule)
        : this(execution, detail, () => schedule)
    {
    }

    internal Counterexample(int execution, string detail, Func<IReadOnlyList<ScheduleLine>> schedule)
    {
        Execution = execution;
        Detail = detail;
        _schedule = new(schedule);
    }

    /// <summary>Its number among the executions that reached a final state, in search order, from 1.</summary>
    public int Execution { get; init; }

    /// <summary>What it shows: its final state, or the outcome a step got.</summary>
    public string Detail { get; init; }

    /// <summary>The execution as the lines of an explicit schedule.</summary>
    public IReadOnlyList<ScheduleLine> Schedule => _schedule.Value;

    // Comments of lines up to this long start in one column; a longer line (an mmap with all its arguments) keeps its
    // comment just after it rather than pushing every other comment that far right.
    private const int AlignedWidth = 64;

    /// <summary>Where a full fence would forbid the execution, in the order of their loads.</summary>
    public IReadOnlyList<FenceHint> FenceHints => [.. Schedule.SelectMany(l => l.FenceHints)];

    /// <summary>
    /// The schedule as .kscn lines, each followed by its <see cref="ScheduleLine.Comment"/> (the buffers after it) in a
    /// column of their own, so the buffers read down the page beside the steps.
    /// </summary>
    public IReadOnlyList<string> Lines()
    {
        var width = Schedule.Select(l => l.Text.Length).Where(n => n <= AlignedWidth).DefaultIfEmpty(0).Max();
        return [.. Schedule.Select(l => l.Comment is null ? l.Text : l.Text.PadRight(width) + "   " + l.Comment)];
    }
}

/// <summary>What a line of an explicit schedule does.</summary>
public enum ScheduleVerb
{
    /// <summary>Begins a step: <c>cpu0 T0: store x = 1 until return</c>.</summary>
    Run,
    /// <summary>Goes on with the step paused on the CPU: <c>cpu0 continue until load</c>.</summary>
    Continue,
    /// <summary>The oldest stores of the CPU's buffer reach memory: <c>cpu0 drain 2</c>.</summary>
    Drain,
    /// <summary>The CPU switches to a task, which finishes a syscall it was preempted in: <c>cpu0 switch B</c>.</summary>
    Switch,
}

/// <summary>
/// A line of an explicit schedule, as data for a replay (<c>ScenarioRun.Run</c>, <c>Continue</c>, <c>Drain</c>) and as
/// the .kscn text <see cref="Text"/>, with what the execution had in its store buffers after it.
/// </summary>
/// <param name="Step">The step a <see cref="ScheduleVerb.Run"/> line begins.</param>
/// <param name="Until">Where the step stops: a point's label, <c>return</c>, or null to run it to its end.</param>
/// <param name="Count">How many stores a <see cref="ScheduleVerb.Drain"/> line moves.</param>
public sealed record ScheduleLine(ScheduleVerb Verb, int Cpu, ThreadStep? Step, string? Until, int Count = 1)
{
    /// <summary>The task a <see cref="ScheduleVerb.Switch"/> line switches to.</summary>
    public string? Task { get; init; }

    /// <summary>The step stops at <see cref="Until"/>, a preemption point, and its task is switched out there: <c>preempted at</c>.</summary>
    public bool Preempted { get; init; }

    /// <summary>
    /// Every non-empty store buffer once the line has run, oldest store first: <c>cpu0 [x=1, y=2]; cpu1 [y=1]</c>, or
    /// <c>empty</c>; null when no store of the execution went through a buffer (SC).
    /// </summary>
    public string? Buffers { get; init; }

    /// <summary>The loads of this line that passed a store of their CPU still in its buffer, where a fence would forbid that.</summary>
    public IReadOnlyList<FenceHint> FenceHints { get; init; } = [];

    /// <summary>The buffers as a .kscn comment to write after <see cref="Text"/>, or null.</summary>
    public string? Comment => Buffers is null ? null : "// buffers: " + Buffers;

    public string Text
    {
        get
        {
            var until = Until is null ? "" : (Preempted ? " preempted at " : " until ") + Until;
            return Verb switch
            {
                ScheduleVerb.Run => Step!.Action + until + (Step.Result is null ? "" : " " + Step.Result),
                ScheduleVerb.Continue => $"cpu{Cpu} continue{until}",
                ScheduleVerb.Switch => $"cpu{Cpu} switch {Task}",
                _ => Count == 1 ? $"cpu{Cpu} drain" : $"cpu{Cpu} drain {Count}",
            };
        }
    }

    public override string ToString() => Text;
}
