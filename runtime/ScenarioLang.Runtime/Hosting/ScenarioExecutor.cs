using ScenarioLang.Runtime.Exploration;

namespace ScenarioLang.Runtime;

/// <summary>
/// Runs a scenario: once, or, when it has an explore block, once per execution of the block the search chooses.
/// Machine states cannot be copied (kernel paths are iterators): an execution runs the scenario from its start, or
/// from the block on a machine rewound to it (<see cref="Exploration.RunPool"/>, <see cref="ScenarioRun.Rewind"/>);
/// the result folds all executions into one trace, judged against the scenario's known-failure marks.
/// </summary>
public static class ScenarioExecutor
{
    public static ScenarioResult Execute(IScenario scenario, KernelConfig config, ExploreOptions? options = null) =>
        KnownFailures.Judge(new Explorer(scenario, config, options ?? new ExploreOptions()).Execute());
}
