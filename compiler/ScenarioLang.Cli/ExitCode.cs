using ScenarioLang.Runtime;

namespace ScenarioLang.Cli;

/// <summary>kscn's exit codes (DESIGN.md §3).</summary>
public enum ExitCode
{
    /// <summary>Every expectation holds, or fails where a known-failure mark says it does.</summary>
    Success = 0,
    /// <summary>An expectation failed or the object checker reported a finding: a violation was observed; or a known failure held.</summary>
    Failed = 1,
    /// <summary>The input has errors: diagnostics, a missing file, a bad option.</summary>
    InputErrors = 2,
    /// <summary>A bug of ours.</summary>
    InternalError = 3,
    /// <summary>A search cut short (a budget, a timeout, sampling, a bound, one shard) saw no violation: not proved.</summary>
    Inconclusive = 4,
}

internal static class ExitCodes
{
    /// <summary>
    /// Severity, for a run of several scenarios: 3 > 2 > 1 > 4 > 0. A bug of ours or bad input says the verdicts cannot
    /// be trusted; a violation found is a verdict, and beats a proof that is missing elsewhere.
    /// </summary>
    private static int Rank(ExitCode code) => code switch
    {
        ExitCode.Success => 0,
        ExitCode.Inconclusive => 1,
        ExitCode.Failed => 2,
        ExitCode.InputErrors => 3,
        ExitCode.InternalError => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "not an exit code of kscn"),
    };

    /// <summary>The exit code of a run whose parts ended with <paramref name="a"/> and <paramref name="b"/>.</summary>
    public static ExitCode Worst(ExitCode a, ExitCode b) => Rank(a) >= Rank(b) ? a : b;

    /// <summary>The exit code of one scenario's verdict.</summary>
    public static ExitCode Of(Verdict verdict) => verdict switch
    {
        Verdict.Pass or Verdict.KnownFailure => ExitCode.Success,
        Verdict.Fail or Verdict.UnexpectedPass => ExitCode.Failed,
        Verdict.Inconclusive => ExitCode.Inconclusive,
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "not a scenario's verdict"),
    };
}
