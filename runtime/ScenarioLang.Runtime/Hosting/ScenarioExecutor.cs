using ScenarioLang.Runtime.Exploration;

namespace ScenarioLang.Runtime;

/// <summary>
/// Runs a scenario: once, or, when it has an explore block, once per interleaving of the block. Machine states cannot
/// be copied (kernel paths are iterators), so every execution runs the whole scenario again from the start and the
/// explorer steers its block down the next unexplored branch; the result folds all executions into one trace.
/// </summary>
public static class ScenarioExecutor
{
    public static ScenarioResult Execute(IScenario scenario, KernelConfig config, ExploreOptions? options = null)
    {
        var explorer = new Explorer(options ?? new ExploreOptions());
        do
        {
            var run = new ScenarioRun(scenario.Description, config, explorer);
            try
            {
                scenario.Run(run);
            }
            catch (AbandonedExecution)
            {
                // A pruned or deadlocked execution: what follows the block does not run.
            }
            var result = run.Complete();
            if (!explorer.Started)
                return result;
            explorer.Finish(result, run.Machine.Memory);
        }
        while (explorer.Next());
        return explorer.Result();
    }
}
