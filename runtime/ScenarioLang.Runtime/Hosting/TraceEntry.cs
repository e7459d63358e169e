using ScenarioLang.Runtime.Catalog;
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
    /// <summary>Failed, under a variant a known-failure mark says it fails under: a documented bug, confirmed (passes).</summary>
    KnownFailure,
    /// <summary>Held (or, for the whole scenario, every expectation did), under a variant a known-failure mark says it fails under: fixed? (fails).</summary>
    UnexpectedPass,
}

/// <summary>One line of the trace: a step or an expectation, its verdict, and what the kernel did inside it.</summary>
public sealed record TraceEntry(Step Step, Verdict Verdict, string? Failure, IReadOnlyList<string> Notes);

/// <summary>
/// Everything one run of a scenario produced; <see cref="Costs"/> are <see cref="Counters"/> in words, for the mechanisms
/// the scenario uses. A scenario with
/// an explore block runs once per interleaving: its <see cref="Exploration"/> says what all of them found.
/// </summary>
public sealed record ScenarioResult(
    ScenarioDescription Description,
    KernelConfig Config,
    IReadOnlyList<TraceEntry> Entries,
    IReadOnlyList<Finding> Findings,
    IReadOnlyList<string> Costs,
    CostValues Counters,
    int UntracedPasses = 0,
    ExplorationResult? Exploration = null,
    int UntracedFailures = 0)
{
    /// <summary>
    /// Every expectation checked, including those of repeat iterations the trace leaves out (<see cref="UntracedPasses"/>,
    /// <see cref="UntracedFailures"/>).
    /// </summary>
    public int Expectations => Entries.Count(e => e.Verdict != Verdict.None) + UntracedPasses + UntracedFailures;

    public int Failed => Entries.Count(e => e.Verdict == Verdict.Fail) + (FailsAsKnown is null ? UntracedFailures : 0);

    /// <summary>Expectations a cut search could not decide (<see cref="Verdict.Inconclusive"/>).</summary>
    public int Inconclusive => Entries.Count(e => e.Verdict == Verdict.Inconclusive);

    /// <summary>The findings no expectation names, which fail the scenario (unless it is a known failure as a whole).</summary>
    public int UnexpectedFindings => FailsAsKnown is null ? Findings.Count(f => !f.Expected) : 0;

    /// <summary>Expectations that failed as a known-failure mark says they do under this kernel.</summary>
    public int KnownFailures => Entries.Count(e => e.Verdict == Verdict.KnownFailure) + (FailsAsKnown is null ? 0 : UntracedFailures);

    /// <summary>Known-failure marks that did not fail under this kernel (each an entry).</summary>
    public int UnexpectedPasses => Entries.Count(e => e.Verdict == Verdict.UnexpectedPass);

    /// <summary>
    /// The whole scenario's known-failure mark, when it applies to this kernel and the scenario failed: its failed
    /// expectations are <see cref="Verdict.KnownFailure"/> and its findings are part of it.
    /// </summary>
    public KnownFailure? FailsAsKnown { get; init; }

    /// <summary>
    /// The scenario's verdict: a failed expectation or an unexpected finding is a violation seen, which beats an
    /// undecided expectation (a bug found is worth more than a proof missed); a known failure that held fails as
    /// well; a scenario that fails as a whole as its mark says is decided by that; pass only when everything is decided.
    /// </summary>
    public Verdict Verdict =>
        Failed > 0 || UnexpectedFindings > 0 ? Verdict.Fail
        : UnexpectedPasses > 0 ? Verdict.UnexpectedPass
        : FailsAsKnown is not null ? Verdict.KnownFailure
        : Inconclusive > 0 ? Verdict.Inconclusive
        : KnownFailures > 0 ? Verdict.KnownFailure
        : Verdict.Pass;

    /// <summary>Whether the scenario went as its file says: every expectation held, or failed where a mark says it does.</summary>
    public bool Passed => Verdict is Verdict.Pass or Verdict.KnownFailure;

    /// <summary>The configuration as the trace shows it: the variants of the mechanisms the scenario uses.</summary>
    public string ConfigName => Description.Describe(Config);

    /// <summary>" (ioperm=merged)" after a name, or nothing for a scenario that uses no mechanism.</summary>
    public string ConfigSuffix => ConfigName.Length == 0 ? "" : $" ({ConfigName})";
}
