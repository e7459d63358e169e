using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Catalog;
using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime;

/// <summary>
/// Shared memory as an explicit schedule drives it: user instructions on shared words as <see cref="ThreadStep"/>s,
/// run whole or <c>until</c> a pause point, continued later, and store buffers drained one store at a time.
/// </summary>
/// <remarks>
/// A step that runs to its end (returns) leaves its stores visible: its CPU's whole store buffer reaches memory as
/// it returns, so a schedule without <c>until</c> reads like sequential consistency. To keep stores buffered a step
/// stops <c>until return</c>: its body has run, it has not returned. Such a step is returned by <c>cpuN continue</c>
/// (which drains like any return) or, with its stores still buffered, by the next step on its CPU, so that a CPU's
/// program can go on while its stores wait (the store-buffering shape). A step paused anywhere else blocks its CPU
/// until it is continued.
/// </remarks>
public sealed partial class ScenarioRun
{
    private readonly Dictionary<int, ExplicitStep> _paused = [];

    /// <summary>CPUs whose step ran to its end without reaching its <c>until</c> point, with why, for the <c>continue</c> that follows.</summary>
    private readonly Dictionary<int, string> _unreached = [];

    private Dictionary<string, long> Registers => _observations.Registers;


    /// <summary>The run's observations, which the tests read as generated expectations do.</summary>
    internal Observations Observations => _observations;

    /// <summary><c>shared x = 1</c>: the word's value before any step; words never declared nor written read as 0.</summary>
    public void Declare(string location, long value) => Machine.Memory.Initialize(new MemoryLocation(location), value);

    /// <summary><c>store x = 1</c>: buffered under TSO, in memory at once under SC.</summary>
    public ThreadStep StoreStep(Step step, string action, string? result, int cpu, TaskStruct? task, string location, long value)
    {
        // Named once: an explore block makes its steps once and their points in every execution.
        var word = new MemoryLocation(location);
        return Instruction(step, action, result, cpu, task, () => InterleavingPoint.Store(InstructionPoints.Store, word, value), register: null);
    }

    /// <summary><c>load r0 = x</c>: the CPU's newest buffered store to the word, else memory; the register is written as the step returns.</summary>
    public ThreadStep LoadStep(Step step, string action, string? result, int cpu, TaskStruct? task, string location, string register)
    {
        var word = new MemoryLocation(location);
        return Instruction(step, action, result, cpu, task, () => InterleavingPoint.Load(InstructionPoints.Load, word), register);
    }

    /// <summary><c>mfence</c>: waits until the CPU's store buffer is empty.</summary>
    public ThreadStep FenceStep(Step step, string action, string? result, int cpu, TaskStruct? task) =>
        Instruction(step, action, result, cpu, task, () => InterleavingPoint.Fence(InstructionPoints.Mfence), register: null);

    /// <summary><c>xchg r0, x = 1</c>: locked, so it waits for an empty store buffer; the register gets the old value.</summary>
    public ThreadStep ExchangeStep(Step step, string action, string? result, int cpu, TaskStruct? task, string location, long value, string register)
    {
        var word = new MemoryLocation(location);
        return Instruction(step, action, result, cpu, task, () => InterleavingPoint.Exchange(InstructionPoints.Xchg, word, value), register);
    }

    /// <summary>
    /// Begins the step on its CPU and runs it to its end (it returns: its outcome is judged and its CPU's store buffer
    /// drains), or stops it before the point labelled or named <paramref name="until"/>, where it stays paused until
    /// <see cref="Continue"/>; <c>until return</c> runs the body but does not return. A step paused before its return on
    /// that CPU is returned first, its stores left buffered.
    /// </summary>
    /// <remarks>
    /// With <paramref name="preempted"/> (<c>preempted at POINT</c>) the step stops at a preemption point of its path
    /// instead and its task is switched out there: the CPU is free for <see cref="Switch"/>, and the path goes on to its
    /// end when a later switch brings the task back, on that CPU or another.
    /// </remarks>
    public void Run(ThreadStep step, string? until = null, bool preempted = false)
    {
        RequireNotBlocked(step.Step, step.Cpu);
        var cpu = Machine.Cpus[step.Cpu];
        ReturnPausedBody(cpu);
        _unreached.Remove(step.Cpu);
        var path = step.Begin(cpu);
        if (preempted && !KernelCatalog.PreemptionPoints.Any(p => p.Step == path.Name && p.Name == until))
            throw new ScenarioRuntimeException($"{path.Name} has no preemption point named '{until}'");
        // Whole, fork, clone, exec and exit drain their CPU's buffer as they always did, without a note per store.
        if (until is null && step.DrainsQuietly)
        {
            var complete = step.Complete;
            step = step with
            {
                Complete = p =>
                {
                    Machine.Memory.DrainAll(p.Cpu);
                    return complete(p);
                },
            };
        }
        Advance(step.Step, new ExplicitStep(step, path), until, performFirst: false, preempted);
        ResumeUnblocked();
    }

    /// <summary>
    /// Goes on with the step paused on the CPU: performs at least its pending access, then runs as <see cref="Run"/>. When
    /// the step ran to its end before reaching its <c>until</c> point (its failure said so), nothing is paused there: the
    /// continue fails too, saying why.
    /// </summary>
    public void Continue(Step step, int cpu, string? until = null)
    {
        RequireNotBlocked(step, cpu);
        if (_paused.Remove(cpu, out var paused))
            Advance(step, paused, until, performFirst: true);
        else if (_unreached.TryGetValue(cpu, out var unreached))
        {
            if (until is null)
                _unreached.Remove(cpu);
            Record(step, Verdict.Fail, $"cpu{cpu} has no paused step: {unreached}");
        }
        else
            throw new ScenarioRuntimeException($"cpu{cpu} has no paused step to continue");
        ResumeUnblocked();
    }

    /// <summary>The oldest <paramref name="count"/> stores of the CPU's buffer reach memory; fewer buffered stores fail the step.</summary>
    public void Drain(Step step, int cpu, int count = 1)
    {
        var c = Machine.Cpus[cpu];
        for (var drained = 0; drained < count; drained++)
        {
            if (c.StoreBuffer.IsEmpty)
            {
                Record(step, Verdict.Fail, $"{c}'s store buffer held {Tracing.Units.Count(drained, "store")}, not {count}");
                return;
            }
            NoteReachesMemory(Machine.Memory.DrainOldest(c));
        }
        Record(step, Verdict.None, null);
        // A spin_unlock() waiting in the buffer frees its lock as it reaches memory.
        ResumeUnblocked();
    }

    /// <summary>Refuses anything but <see cref="Continue"/> and <see cref="Drain"/> on a CPU whose step is paused.</summary>
    private void RequireNoPausedStep(Cpu cpu)
    {
        if (_paused.TryGetValue(cpu.Index, out var paused))
            throw new ScenarioRuntimeException($"{cpu} has a step paused before {PausedAt(paused.Path)} ({paused.Step.Action}): continue it first");
    }

    private ThreadStep Instruction(Step step, string action, string? result, int cpu, TaskStruct? task, Func<InterleavingPoint> point, string? register)
    {
        var notes = register is null ? null : new RegisterNotes(register);
        return new(step, cpu, action, result,
            c =>
            {
                if (task is not null)
                    RequireCurrent(c.Index, task);
                var access = point();
                return new KernelPath(access.Name, c, Machine.Memory, access);
            },
            path =>
            {
                if (notes is not null)
                    WriteRegister(notes, path.Result);
                return Outcome.Ok;
            },
            Defines: register,
            Immediate: true);
    }

    private void WriteRegister(RegisterNotes notes, long value)
    {
        Registers[notes.Register] = value;
        Kernel.Log.Note(notes.Of(value));
    }

    /// <summary>
    /// The notes "r0 = 1" of the step that loads the register, made once per value: a search notes every load of every
    /// execution (a note per load, or a dictionary keyed by register and value, hashed the register's name each time).
    /// </summary>
    private sealed class RegisterNotes(string register)
    {
        private readonly Dictionary<long, string> _byValue = [];

        public string Register => register;

        public string Of(long value)
        {
            if (!_byValue.TryGetValue(value, out var note))
                _byValue.Add(value, note = $"{register} = {value}");
            return note;
        }
    }

    private void Advance(Step at, ExplicitStep step, string? until, bool performFirst, bool preempted = false)
    {
        var path = step.Path;
        switch (Drive(path, until is PausePoints.Return ? null : until, performFirst))
        {
            case PathStop.Blocked:
                Block(at, step, until, preempted);
                return;
            case PathStop.End when until is not (null or PausePoints.Return):
                var outcome = ReturnWhole(step);
                var why = $"{path.Name} returned {outcome} before reaching '{until}'";
                _unreached[path.Cpu.Index] = $"its {path.Name} (line {step.Step.Step.Line}) ran to its end without reaching '{until}'";
                Record(at, Verdict.Fail, why);
                return;
        }
        if (until is null)
            Judge(at, ReturnWhole(step), step.Step.Expected);
        else if (preempted)
            Suspend(at, step, until);
        else
            Pause(at, step);
    }

    // The scheduler switches the task out at a preemption point: it stays in the kernel, and its CPU can run another.
    private void Suspend(Step at, ExplicitStep step, string point)
    {
        var task = step.Path.Cpu.Current;
        _suspended.Add(task, new SuspendedPath(step, point));
        Record(at, Verdict.None, $"{task} stays in the kernel until it is switched in");
    }

    /// <summary>How <see cref="Drive"/> left a path.</summary>
    private enum PathStop
    {
        /// <summary>Before the point it was asked to stop at.</summary>
        Point,
        /// <summary>At its end, its body run, not yet returned.</summary>
        End,
        /// <summary>Before a spin_lock() of a lock another CPU holds: it spins there.</summary>
        Blocked,
    }

    /// <summary>
    /// Runs the path as an explicit schedule does, nothing else running meanwhile: up to the point labelled or named
    /// <paramref name="until"/> (null: to its end), performing at least the pending access first when <paramref name="performFirst"/>.
    /// </summary>
    private static PathStop Drive(KernelPath path, string? until, bool performFirst)
    {
        path.Start();
        if (performFirst && path.Pending is not null && !path.TryPerformWaiting())
            return PathStop.Blocked;
        while (path.Pending is not null)
        {
            if (until is not null && path.IsStoppedAt(until))
                return PathStop.Point;
            if (!path.TryPerformWaiting())
                return PathStop.Blocked;
        }
        return PathStop.End;
    }

    // A whole step returns: its outcome, then its CPU's buffered stores reach memory.
    private Outcome ReturnWhole(ExplicitStep step)
    {
        var outcome = step.Step.Complete(step.Path);
        var cpu = step.Path.Cpu;
        while (!cpu.StoreBuffer.IsEmpty)
            NoteReachesMemory(Machine.Memory.DrainOldest(cpu));
        return outcome;
    }

    private void Pause(Step at, ExplicitStep step)
    {
        var cpu = step.Path.Cpu;
        _paused.Add(cpu.Index, step);
        Kernel.Log.Note($"paused before {PausedAt(step.Path)}; {cpu}'s store buffer: {cpu.StoreBuffer}");
        Record(at, Verdict.None, null);
    }

    // The step paused on the CPU before its return returns now, as the CPU's next step begins; its stores stay buffered.
    private void ReturnPausedBody(Cpu cpu)
    {
        if (_paused.TryGetValue(cpu.Index, out var paused) && paused.Path.Finished)
        {
            _paused.Remove(cpu.Index);
            var outcome = paused.Step.Complete(paused.Path);
            Kernel.Log.Note($"returns as {cpu}'s next step begins; {cpu}'s store buffer: {cpu.StoreBuffer}");
            var original = paused.Step.Step;
            Judge(original with { Text = $"return of {original.Text}" }, outcome, paused.Step.Expected);
        }
        RequireNoPausedStep(cpu);
    }

    private void NoteReachesMemory(BufferedStore store) => Kernel.Log.Note($"{store} reaches memory");

    private static string PausedAt(KernelPath path) => path.Pending?.ToString() ?? PausePoints.Return;
}

/// <summary>A step of an explicit schedule and its path, running or stopped before a point or before its return.</summary>
internal sealed record ExplicitStep(ThreadStep Step, KernelPath Path);
