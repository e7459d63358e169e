namespace ScenarioLang.Runtime.Exploration;

/// <summary>
/// Runs that reached their explore block and ran it to its end, kept between searches: the next search of the same
/// scenario (the same <see cref="IScenario"/> object, and the same kernel) rewinds one to the block's start for its
/// first execution instead of building a machine and running the scenario from its start, as every execution after a
/// part's first already does (<see cref="ScenarioRun.Rewind"/>). A loaded assembly makes one object per generated
/// class and file, so a warm server asked for the same file again builds no machine.
/// </summary>
/// <remarks>
/// The output does not depend on it: a rewound execution is the one a run from the start makes (the tests compare
/// the bytes, and <c>--verify-independence</c> checks each rewound execution against one from the start). The pool
/// holds a few runs, the most recently given: each is a whole machine.
/// </remarks>
internal sealed class RunPool(int capacity)
{
    /// <summary>The process's pool, which every search uses unless its options turn rewinding off.</summary>
    public static RunPool Shared { get; } = new(4);

    // Most recent last.
    private readonly List<(IScenario Scenario, KernelConfig Config, ScenarioRun Run)> _runs = [];

    /// <summary>How many searches started from a kept run.</summary>
    public int Reused { get; private set; }

    /// <summary>A kept run of <paramref name="scenario"/> under <paramref name="config"/>, no longer kept; null if none is.</summary>
    public ScenarioRun? Take(IScenario scenario, KernelConfig config)
    {
        lock (_runs)
        {
            // The object, not its class: an IScenario written by hand may hold what its runs do.
            var at = _runs.FindLastIndex(r => ReferenceEquals(r.Scenario, scenario) && r.Config.Equals(config));
            if (at < 0)
                return null;
            var run = _runs[at].Run;
            _runs.RemoveAt(at);
            Reused++;
            return run;
        }
    }

    /// <summary>Keeps <paramref name="run"/>, a run of <paramref name="scenario"/> under <paramref name="config"/> that can start another execution.</summary>
    public void Give(IScenario scenario, KernelConfig config, ScenarioRun run)
    {
        if (!run.Rewindable)
            throw new ArgumentException("only a run that can start another execution at its block is kept", nameof(run));
        lock (_runs)
        {
            _runs.Add((scenario, config, run));
            if (_runs.Count > capacity)
                _runs.RemoveAt(0);
        }
    }
}
