using ScenarioLang.Runtime.Kernel;

namespace ScenarioLang.Runtime;

public enum Verdict
{
    /// <summary>The step states no expectation.</summary>
    None,
    Pass,
    Fail,
    /// <summary>
    /// Not proved either way: it held in every execution a cut search ran (a budget, a timeout, sampling, a bound, one
    /// shard), or a <c>sometimes</c> was not seen in them; the executions left out may decide it.
    /// </summary>
    Inconclusive,
}

/// <summary>One line of the trace: a step or an expectation, its verdict, and what the kernel did inside it.</summary>
public sealed record TraceEntry(Step Step, Verdict Verdict, string? Failure, IReadOnlyList<string> Notes);

/// <summary>The costs of a run as numbers, so that runs under different variants can be tabulated.</summary>
public sealed record CostCounters(
    long TssBytesCopied,
    long TssBytesCleared,
    long BitmapsAllocated,
    long BitmapsFreed,
    long LiveBitmaps);

/// <summary>
/// Everything one run of a scenario produced; <see cref="Costs"/> are <see cref="Counters"/> in words. A scenario with
/// an explore block runs once per interleaving: its <see cref="Exploration"/> says what all of them found.
/// </summary>
public sealed record ScenarioResult(
    ScenarioDescription Description,
    KernelConfig Config,
    IReadOnlyList<TraceEntry> Entries,
    IReadOnlyList<Finding> Findings,
    IReadOnlyList<string> Costs,
    CostCounters Counters,
    int UntracedPasses = 0,
    ExplorationResult? Exploration = null,
    int UntracedFailures = 0)
{
    /// <summary>
    /// Every expectation checked, including those of repeat iterations the trace leaves out (<see cref="UntracedPasses"/>,
    /// <see cref="UntracedFailures"/>).
    /// </summary>
    public int Expectations => Entries.Count(e => e.Verdict != Verdict.None) + UntracedPasses + UntracedFailures;

    public int Failed => Entries.Count(e => e.Verdict == Verdict.Fail) + UntracedFailures;

    /// <summary>Expectations a cut search could not decide (<see cref="Verdict.Inconclusive"/>).</summary>
    public int Inconclusive => Entries.Count(e => e.Verdict == Verdict.Inconclusive);

    /// <summary>The findings no expectation names, which fail the scenario.</summary>
    public int UnexpectedFindings => Findings.Count(f => !f.Expected);

    /// <summary>
    /// The scenario's verdict: a failed expectation or an unexpected finding is a violation seen, which beats an
    /// undecided expectation (a bug found is worth more than a proof missed); pass only when everything is decided.
    /// </summary>
    public Verdict Verdict => Failed > 0 || UnexpectedFindings > 0 ? Verdict.Fail : Inconclusive > 0 ? Verdict.Inconclusive : Verdict.Pass;

    public bool Passed => Verdict == Verdict.Pass;
}
