using ScenarioLang.Runtime.Catalog;
using ScenarioLang.Runtime.Scheduling;

namespace ScenarioLang.Runtime;

/// <summary>
/// Steps of an explicit schedule that wait for a lock. A step that reaches spin_lock() on a lock held by a step paused on
/// another CPU (or by one waiting there itself) spins, its CPU blocked, as on a real machine; the trace says on which lock
/// and who holds it. When a later statement lets the holder release the lock, the waiting step takes it at once and goes
/// on, to its end or its <c>until</c> point, and its result is judged then, in an entry at its own line that reads
/// "cpu0 gets pgd_lock: &lt;the step&gt;".
/// </summary>
/// <remarks>
/// A blocked CPU can do nothing else, and a name its step defines does not exist before the step returns: a statement
/// that needs either stops the schedule, with a failure saying why, because nothing could make it go on. A step still
/// blocked when the schedule ends or stops is a deadlock, reported as a failure at its line. The object checker does
/// not run on a schedule that stopped: its tasks are in the middle of kernel paths.
/// </remarks>
public sealed partial class ScenarioRun
{
    private readonly SortedDictionary<int, BlockedStep> _blocked = [];
    private bool _stopped;

    /// <summary>Whether a step of the schedule is blocked on a lock, or the schedule stopped because of one.</summary>
    public bool Deadlocked => _stopped || _blocked.Count > 0;

    private void Block(Step at, ExplicitStep step, string? until, bool preempted)
    {
        var blocked = new BlockedStep(step, until, preempted);
        _blocked.Add(step.Path.Cpu.Index, blocked);
        Kernel.Log.Note($"{step.Path.Cpu} spins in {step.Path.Pending}, {HolderOf(blocked)}");
        Record(at, Verdict.None, null);
    }

    /// <summary>Lets every blocked step whose lock is free now take it and go on, until none can.</summary>
    private void ResumeUnblocked()
    {
        while (_blocked.Values.FirstOrDefault(b => Machine.Memory.Read(b.Lock) == 0) is { } free)
        {
            var path = free.Step.Path;
            _blocked.Remove(path.Cpu.Index);
            var original = free.Step.Step.Step;
            Advance(original with { Text = $"{path.Cpu} gets {free.Lock}: {original.Text}" }, free.Step, free.Until, performFirst: false, free.Preempted);
        }
    }

    /// <summary>A statement on a CPU whose step is blocked cannot run: the schedule stops there.</summary>
    private void RequireNotBlocked(Step at, int cpu)
    {
        if (_blocked.TryGetValue(cpu, out var blocked))
            Stop(at, $"cpu{cpu} is blocked: {Spinning(blocked)}");
    }

    /// <summary>A task, area or register that a blocked step would define is needed: the schedule stops at that step.</summary>
    private void RequireNotPending(string name, string kind)
    {
        if (_blocked.Values.FirstOrDefault(b => b.Step.Step.Defines == name) is { } blocked)
            Stop(blocked.Step.Step.Step, $"{kind} {name} is needed, but the step creating it never returned");
    }

    /// <summary>Records why the schedule cannot go on and ends it; <see cref="Complete"/> reports what is still blocked.</summary>
    private void Stop(Step at, string why)
    {
        _stopped = true;
        Record(at, Verdict.Fail, why);
        throw new ScheduleStoppedException(why);
    }

    // At the end of a schedule: every step still blocked waits forever.
    private void ReportDeadlocks()
    {
        foreach (var blocked in _blocked.Values)
            Record(blocked.Step.Step.Step, Verdict.Fail, "deadlock: " + Spinning(blocked));
    }

    /// <summary>"cpu0's fork (line 6) spins in spin_lock(pgd_lock) held by cpu1's vmalloc (line 5), paused at pgd_unlock".</summary>
    private string Spinning(BlockedStep blocked) => $"{Describe(blocked.Step)} spins in {blocked.Step.Path.Pending} {HolderOf(blocked)}";

    private string HolderOf(BlockedStep blocked)
    {
        if (_paused.Values.FirstOrDefault(p => p.Path.Held.Contains(blocked.Lock)) is { } paused)
            return $"held by {Describe(paused)}, paused at {paused.Path.Pending?.Label ?? PausePoints.Return}";
        if (_blocked.Values.FirstOrDefault(b => b != blocked && b.Step.Path.Held.Contains(blocked.Lock)) is { } other)
            return $"held by {Describe(other.Step)}, which spins in {other.Step.Path.Pending}";
        return blocked.Step.Path.Held.Contains(blocked.Lock) ? "that it holds itself" : "held by no step of the schedule";
    }

    private static string Describe(ExplicitStep step) => $"{step.Path.Cpu}'s {step.Path.Name} (line {step.Step.Step.Line})";

    /// <summary>A step spinning before spin_lock() of <see cref="Lock"/>, with where the schedule asked it to stop, and whether it is to be preempted there.</summary>
    private sealed record BlockedStep(ExplicitStep Step, string? Until, bool Preempted)
    {
        public MemoryLocation Lock { get; } = Step.Path.Pending!.Location!.Value;
    }
}

/// <summary>The schedule cannot go on (a statement needs a blocked CPU, or a name a blocked step defines); its failure is recorded.</summary>
public sealed class ScheduleStoppedException(string message) : Exception(message);
