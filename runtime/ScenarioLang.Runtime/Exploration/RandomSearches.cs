namespace ScenarioLang.Runtime.Exploration;

/// <summary>
/// Executions <c>first</c> … <c>first + count - 1</c> of a random search, each with its own generator seeded by the
/// printed seed and its number, so a batch gives the same executions whichever thread runs it.
/// </summary>
internal abstract class SampledSearch(int seed, int first, int count) : ISearch
{
    private int _execution = first - 1;

    protected Random Random { get; private set; } = new(0);

    public void Begin(IReadOnlyList<int> bufferedAtStart)
    {
        if (++_execution >= first + count)
            throw new InvalidOperationException("a sampled search ran more executions than its batch");
        Random = new Random(unchecked(seed * (int)0x9E3779B1 + _execution * (int)0x85EBCA6B));
        BeginExecution();
    }

    /// <summary>An event independent of all others is taken at once: drawing it would only reorder what commutes.</summary>
    public Transition? Choose(TransitionList enabled) =>
        Transition.LocalAmong(enabled) ?? Draw(enabled);

    public bool Next() => _execution + 1 < first + count;

    protected abstract void BeginExecution();

    protected abstract Transition Draw(IReadOnlyList<Transition> enabled);
}

/// <summary>A random walk: every event enabled in a state is equally likely.</summary>
internal sealed class RandomWalkSearch(int seed, int first, int count) : SampledSearch(seed, first, count)
{
    protected override void BeginExecution()
    {
    }

    protected override Transition Draw(IReadOnlyList<Transition> enabled) => enabled[Random.Next(enabled.Count)];
}

/// <summary>
/// Probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010): each process (a CPU's
/// program, a CPU's buffer) gets a random priority, the highest enabled one runs, and at <c>depth - 1</c> random steps
/// the running process drops below all others. A bug of depth d shows with probability at least 1/(n·k^(d-1)) per
/// execution, for n processes and k steps.
/// </summary>
internal sealed class PctSearch(int seed, int depth, int first, int count) : SampledSearch(seed, first, count)
{
    private readonly Dictionary<ExploreEvent, double> _priorities = [];
    // Each change point's step and its index among the draws; of two draws of one step, the first counts.
    private readonly Dictionary<int, int> _changePoints = [];
    private int _steps;
    private int _length = 64;

    protected override void BeginExecution()
    {
        _length = Math.Max(_length, _steps);
        _steps = 0;
        _priorities.Clear();
        _changePoints.Clear();
        // depth - 1 draws among the steps of the longest execution seen, but no more draws than it has steps: past
        // that, more draws mostly hit taken steps, and a depth of 2^31 would take gigabytes and minutes per execution.
        var draws = Math.Min(depth - 1, _length);
        for (var i = 0; i < draws; i++)
            _changePoints.TryAdd(1 + Random.Next(_length), i);
    }

    protected override Transition Draw(IReadOnlyList<Transition> enabled)
    {
        _steps++;
        var chosen = Highest(enabled);
        if (!_changePoints.TryGetValue(_steps, out var change))
            return chosen;
        // Priorities below every initial one (those are at least depth), lower for later change points.
        _priorities[chosen.Event] = depth - 1 - change;
        return Highest(enabled);
    }

    private Transition Highest(IReadOnlyList<Transition> enabled) => enabled.MaxBy(Priority)!;

    private double Priority(Transition t)
    {
        if (!_priorities.TryGetValue(t.Event, out var priority))
            _priorities[t.Event] = priority = depth + Random.NextDouble();
        return priority;
    }
}
