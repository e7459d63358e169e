using System.Globalization;
using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Cli.Commands;

/// <summary>
/// The live line of a search that takes more than a second, on a terminal only (never in a CI log): the scenario, the
/// executions so far and an estimate of the time left; and the time a search took, on stderr: stdout stays the
/// same bytes for the same input.
/// </summary>
internal sealed class ExploreProgress(CliConsole console, string scenario, string config)
{
    private const int Columns = 79; // As kscn test's line: one wider than the terminal wraps, and '\r' rewrites only its end.
    private readonly ProgressLine _line = new(console);

    public ExploreOptions Attach(ExploreOptions options) => console.ShowsProgress ? options with { Progress = p => Show(p, options) } : options;

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

    private void Show(ExplorationProgress progress, ExploreOptions options) => _line.Update(() => Text(scenario, config, progress, options));

    /// <summary>
    /// "  "name" [ioperm=merged]: 12,345 executions, 3/45 parts, ~1 min 20 s left", the name cut to fit 79 columns.
    /// The estimate is what the explorer reports cheaply allows: a sampled search runs its budget of executions; an
    /// exhaustive one, once a part is done, about as many per part as so far (capped by the budget); before that, only
    /// the time the budget (--max-executions) would take. A --timeout caps every estimate.
    /// </summary>
    internal static string Text(string scenario, string config, ExplorationProgress progress, ExploreOptions options)
    {
        var rate = progress.Executions / Math.Max(progress.Elapsed.TotalSeconds, 1e-3);
        var counts = string.Create(CultureInfo.InvariantCulture,
            $": {progress.Executions:N0} executions, {progress.PartsDone}/{progress.Parts} parts{Estimate(progress, options, rate)}");
        var name = $"{TraceFormatter.Quote(scenario)} [{config}]";
        var room = Math.Max(Columns - 2 - counts.Length, 10);
        return "  " + (name.Length <= room ? name : name[..(room - 1)] + "…") + counts;
    }

    private static string Estimate(ExplorationProgress progress, ExploreOptions options, double rate)
    {
        if (rate <= 0)
            return "";
        var (total, bounded) = options.Strategy != ExploreStrategy.Exhaustive ? ((double)options.MaxExecutions, false)
            : progress.PartsDone > 0 ? (Math.Min((double)progress.Executions * progress.Parts / progress.PartsDone, options.MaxExecutions), false)
            : (options.MaxExecutions, true);
        var left = TimeSpan.FromSeconds(Math.Max(total - progress.Executions, 0) / rate);
        if (options.Timeout is { } timeout && timeout - progress.Elapsed < left)
            return $", ≤{Duration(timeout - progress.Elapsed)} left";
        // "≤": the budget or the timeout bounds the time; "~": an estimate of the search's own size.
        return bounded ? $", ≤{Duration(left)} left" : $", ~{Duration(left)} left";
    }

    /// <summary>"40 s", "2 min 5 s", "3 h 10 min": two units at most, as a person reads an estimate.</summary>
    internal static string Duration(TimeSpan time) =>
        time < TimeSpan.FromMinutes(1) ? $"{Math.Max((int)time.TotalSeconds, 0)} s"
        : time < TimeSpan.FromHours(1) ? $"{(int)time.TotalMinutes} min {time.Seconds} s"
        : $"{(int)time.TotalHours} h {time.Minutes} min";
}
