namespace ScenarioLang.Bench;

/// <summary>A problem with the bench's setup or inputs, reported as one line rather than a stack trace.</summary>
public sealed class BenchException(string message) : Exception(message);
