using ScenarioLang.Runtime.Machine;

namespace ScenarioLang.Runtime.Exploration;

/// <summary>
/// What one execution of a scenario with an explore block did from the block on: the block's events and step
/// outcomes, then what its quantified expectations observed. Its final state is every subject they observed.
/// </summary>
internal sealed class ExecutionRecord(ProgramExecution programs, int exploreEntry)
{
    // A list: an execution judges a few expectations, each looked up once.
    private readonly List<Judgment> _quantified = [];
    private readonly List<(string Subject, string Value)> _observed = [];

    public ProgramExecution Programs => programs;

    /// <summary>Where the explore step's entry stands among the run's trace entries.</summary>
    public int ExploreEntry => exploreEntry;

    public void Observe(Step step, Quantifier quantifier, Observation observation)
    {
        var judgment = new Judgment(step, quantifier, observation.Satisfies(quantifier), null, observation.Error);
        if (At(step) is var at and >= 0)
            _quantified[at] = judgment;
        else
            _quantified.Add(judgment);
        _observed.EnsureCapacity(_observed.Count + observation.Values.Count);
        foreach (var value in observation.Values)
        {
            if (!Observed(value.Subject))
                _observed.Add(value);
        }
    }

    private bool Observed(string subject)
    {
        foreach (var (observed, _) in _observed)
        {
            if (observed == subject)
                return true;
        }
        return false;
    }

    public Judgment? Quantified(Step step) => At(step) is var at and >= 0 ? _quantified[at] : null;

    private int At(Step step)
    {
        for (var i = 0; i < _quantified.Count; i++)
        {
            if (_quantified[i].Step == step)
                return i;
        }
        return -1;
    }

    /// <summary>
    /// The subjects the expectations observed, in first-appearance order; without any, the scenario's shared words (plain
    /// names: the kernel's own words, swapper_pg_dir[402] or C->mm, are not the scenario's state).
    /// </summary>
    public IReadOnlyList<(string Subject, string Value)> Observed(SharedMemory memory) =>
        _observed.Count > 0
            ? _observed
            : [.. memory.Words.Where(w => w.Key.Name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                .Select(w => (w.Key.Name, w.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)))];

    /// <summary>The final state's text, herd-style: <see cref="Observed"/> joined.</summary>
    public string State(SharedMemory memory) => Observation.Format(Observed(memory));
}
