using System.Globalization;
using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Cli.Commands;

/// <summary>
/// The live line of a search that takes more than a second, on a terminal only (never in a CI log), and the time a
/// search took, on stderr: stdout stays the same bytes for the same input.
/// </summary>
internal sealed class ExploreProgress(CliConsole console)
{
    private readonly ProgressLine _line = new(console);

    public ExploreOptions Attach(ExploreOptions options) => console.ShowsProgress ? options with { Progress = Show } : options;

    /// <summary>Clears the live line, if one was shown; returns how long the run took.</summary>
    public TimeSpan Finish()
    {
        _line.Clear();
        return _line.Elapsed;
    }

    public static void Timing(ScenarioResult result, TimeSpan time, CliConsole console)
    {
        var e = result.Exploration!;
        var runs = e.Executions + e.Redundant + e.Deadlocks;
        console.Error.Write(string.Create(CultureInfo.InvariantCulture,
            $"kscn: explored {TraceFormatter.Quote(result.Description.Name)}{result.ConfigSuffix} in {time.TotalSeconds:0.000} s: {runs:N0} {(runs == 1 ? "execution" : "executions")}, {runs / Math.Max(time.TotalSeconds, 1e-3):N0} per second\n"));
    }

    private void Show(ExplorationProgress progress) => _line.Update(() => string.Create(CultureInfo.InvariantCulture,
        $"  exploring: {progress.Executions:N0} executions, {progress.Executions / progress.Elapsed.TotalSeconds:N0}/s, {progress.PartsDone} of {progress.Parts} parts of the search done"));
}
