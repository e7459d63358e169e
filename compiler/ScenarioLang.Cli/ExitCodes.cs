using ScenarioLang.Runtime;

namespace ScenarioLang.Cli;

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
