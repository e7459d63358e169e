namespace ScenarioLang.Runtime;

/// <summary>
/// <c>--verify-independence</c> found two events the reduction treats as independent whose order changes what
/// happens: some kernel state they share is not in tracked storage. A bug of ours, reported as an internal error.
/// </summary>
public sealed class IndependenceViolationException(string message) : Exception(message);
