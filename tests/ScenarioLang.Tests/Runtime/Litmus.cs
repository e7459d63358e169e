using System.Globalization;
using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Scheduling;

namespace ScenarioLang.Tests.Runtime;

/// <summary>
/// A litmus test written as a scenario, driven through the API generated code calls: shared words, one program of
/// instructions per CPU (<c>x = 1</c> stores, <c>r0 = y</c> loads, <c>mfence</c>, <c>xchg r2, x = 1</c>) in an explore
/// block, and one quantified expectation over registers and words (<c>r0 = 0</c>) after it. The instructions run in
/// kernel context (no task), as the litmus shapes of Owens, Sarkar and Sewell have no processes.
/// </summary>
internal sealed class Litmus(string name, MemoryModel model, params string[][] programs) : IScenario
{
    public static readonly Step ExploreAt = new(3, 3, "explore");
    public static readonly Step ExpectAt = new(30, 3, "expect");

    public ScenarioDescription Description { get; } =
        new(name, "litmus.kscn", programs.Length, model, new Dictionary<string, IReadOnlyList<string>>(), [], []);

    public Quantifier Quantifier { get; init; } = Quantifier.Never;

    /// <summary>The expectation's conditions: each subject (a register or a word) equals its value.</summary>
    public (string Subject, long Value)[] Conditions { get; init; } = [];

    /// <summary>Words declared before the block (<c>shared x = 1</c>).</summary>
    public (string Location, long Value)[] Shared { get; init; } = [];

    public void Run(ScenarioRun run)
    {
        Declare(run);
        run.Explore(ExploreAt, Steps(run));
        Expect(run);
    }

    /// <summary>
    /// Explores the block; an exhaustive search checks the independence it relies on (<c>--verify-independence</c>).
    /// The sampling strategies' executions are among those, so checking them again would only cost time.
    /// </summary>
    public ScenarioResult Explore(ExploreOptions? options = null)
    {
        var search = options ?? new ExploreOptions();
        return ScenarioExecutor.Execute(this, KernelConfig.Default, search with { VerifyIndependence = search.Strategy == ExploreStrategy.Exhaustive });
    }

    /// <summary>The same test with another expectation.</summary>
    public Litmus Expecting(Quantifier quantifier, params (string Subject, long Value)[] conditions) =>
        new(name, model, programs) { Shared = Shared, Quantifier = quantifier, Conditions = conditions };

    /// <summary>
    /// The litmus test with its block replaced by an explicit schedule of lines printed by the explorer: the steps are
    /// this run's own, found by their place in the file. Its expectation is then judged on that one execution.
    /// </summary>
    public ScenarioResult Replay(IReadOnlyList<ScheduleLine> schedule) => new Replayed(this, schedule).Execute();

    private void Declare(ScenarioRun run)
    {
        foreach (var (location, value) in Shared)
            run.Declare(location, value);
    }

    private void Expect(ScenarioRun run) =>
        run.Expect(ExpectAt, Quantifier, [.. Conditions.Select(c => Condition(c.Subject, c.Value))]);

    private ThreadStep[] Steps(ScenarioRun run)
    {
        var steps = new List<ThreadStep>();
        for (var cpu = 0; cpu < programs.Length; cpu++)
        {
            foreach (var instruction in programs[cpu])
            {
                var action = $"cpu{cpu}: {instruction}";
                var step = new Step(10 + steps.Count, 3, action);
                steps.Add(Instruction(run, step, action, cpu, instruction.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
            }
        }
        return [.. steps];
    }

    private static ThreadStep Instruction(ScenarioRun run, Step step, string action, int cpu, string[] words) => words switch
    {
        ["mfence"] => run.FenceStep(step, action, null, cpu, null),
        ["scan", .. var operands] => Scan(run, step, action, cpu, operands[..(operands.Length / 2)], operands[(operands.Length / 2 + 1)..]),
        ["xchg", var register, var location, "=", var value] => run.ExchangeStep(step, action, null, cpu, null, location, long.Parse(value, CultureInfo.InvariantCulture), register.TrimEnd(',')),
        [var register, "=", var location] when register.StartsWith('r') => run.LoadStep(step, action, null, cpu, null, location, register),
        [var location, "=", var value] => run.StoreStep(step, action, null, cpu, null, location, long.Parse(value, CultureInfo.InvariantCulture)),
        _ => throw new ArgumentException($"not a litmus instruction: {string.Join(' ', words)}"),
    };

    /// <summary>
    /// <c>scan r0 r1 = a b</c>: one step that loads several words at points all named <c>scan</c>, without subscripts,
    /// like a kernel loop whose iterations a schedule cannot tell apart.
    /// </summary>
    private static ThreadStep Scan(ScenarioRun run, Step step, string action, int cpu, string[] registers, string[] locations)
    {
        IEnumerable<InterleavingPoint> Loads(KernelPath path)
        {
            foreach (var (register, location) in registers.Zip(locations))
            {
                var load = InterleavingPoint.Load("scan", new MemoryLocation(location));
                yield return load;
                run.Observations.Registers[register] = load.Value;
            }
        }
        return new ThreadStep(step, cpu, action, null, c => new KernelPath("scan", c, run.Machine.Memory, Loads), _ => Outcome.Ok);
    }

    private static Condition Condition(string subject, long value)
    {
        long Observe(Observations o) => subject.StartsWith('r') ? o.Register(subject) : o.SharedWord(subject);
        return new Condition(subject, o => Observe(o).ToString(CultureInfo.InvariantCulture), o => Observe(o) == value);
    }

    private sealed class Replayed(Litmus litmus, IReadOnlyList<ScheduleLine> schedule) : IScenario
    {
        public ScenarioDescription Description => litmus.Description;

        public ScenarioResult Execute() => ScenarioExecutor.Execute(this, KernelConfig.Default);

        public void Run(ScenarioRun run)
        {
            litmus.Declare(run);
            var steps = litmus.Steps(run);
            var at = new Step(20, 3, "schedule");
            foreach (var line in schedule)
            {
                switch (line.Verb)
                {
                    case ScheduleVerb.Run:
                        run.Run(steps.Single(s => s.Step == line.Step!.Step), line.Until);
                        break;
                    case ScheduleVerb.Continue:
                        run.Continue(at with { Text = line.Text }, line.Cpu, line.Until);
                        break;
                    default:
                        run.Drain(at with { Text = line.Text }, line.Cpu, line.Count);
                        break;
                }
            }
            litmus.Expect(run);
        }
    }
}
