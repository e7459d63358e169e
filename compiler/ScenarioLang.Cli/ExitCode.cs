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
