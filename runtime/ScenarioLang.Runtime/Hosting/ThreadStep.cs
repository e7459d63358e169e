using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Scheduling;

namespace ScenarioLang.Runtime;

/// <summary>
/// A step one CPU runs as a kernel path: a syscall, a kernel function (vmalloc) or a user instruction on memory.
/// An explicit schedule runs it with <c>ScenarioRun.Run</c> (to its end, or <c>until</c> a named point); in an
/// explore block it is one step of its CPU's program and the explorer interleaves its points with the other CPUs'.
/// </summary>
/// <param name="Step">The step's place in the .kscn file; its text is the whole step as written.</param>
/// <param name="Cpu">The CPU it runs on.</param>
/// <param name="Action">The step as written up to its modifier and result, "cpu0 P: fork", so a printed
/// schedule can write "cpu0 P: fork until link_task -> C".</param>
/// <param name="Result">The step's result as written, "-> C", or null.</param>
/// <param name="Begin">Creates the path when the CPU reaches the step (the task's state is read then, not before).</param>
/// <param name="Complete">Runs once the path has finished and returned (binds the new task or the register, exits to
/// user mode) and gives the step's outcome, which is judged against <paramref name="Expected"/>.</param>
/// <param name="Expected">The outcome the step states (<c>-> 0</c>, <c>-> #PF</c>), or null.</param>
/// <param name="Defines">The task, vmalloc area or register the step creates as it returns, or null.</param>
/// <param name="Immediate">The step runs no kernel code before its first point (a user instruction on a shared word):
/// in an explore block it begins as soon as its CPU reaches it, where a syscall's start is an event of its own.</param>
/// <param name="DrainsQuietly">Run whole by an explicit schedule, its CPU's stores reach memory as it returns without a
/// note for each: fork, clone, exec and exit ran that way before they were paths, and their traces show no drains.</param>
/// <param name="Preempting">In an explore block, the task that runs this step when it preempts its CPU's task
/// (<c>cpu0 B preempts A: …</c>); null for a step of the CPU's own program.</param>
public sealed record ThreadStep(
    Step Step,
    int Cpu,
    string Action,
    string? Result,
    Func<Cpu, KernelPath> Begin,
    Func<KernelPath, Outcome> Complete,
    ExpectedOutcome? Expected = null,
    string? Defines = null,
    bool Immediate = false,
    bool DrainsQuietly = false,
    TaskStruct? Preempting = null);

/// <summary>How an expectation quantifies over the executions of an explore block.</summary>
public enum Quantifier
{
    /// <summary>Holds in every execution.</summary>
    Always,
    /// <summary>Holds in no execution.</summary>
    Never,
    /// <summary>Holds in at least one execution.</summary>
    Sometimes,
}

/// <summary>
/// One conjunct of a quantified expectation (<c>r0 == 0</c>): the subject as written, its value as a final state
/// prints it (<c>0</c>, <c>none</c>, <c>pud#1</c>), and whether the comparison holds. A comparison of two subjects
/// (<c>r0 == r1</c>) has the right one as <see cref="Right"/>, observed and printed as the left one is.
/// </summary>
public sealed record Condition(string Subject, Func<Observations, string> Observe, Func<Observations, bool> Holds)
{
    public (string Subject, Func<Observations, string> Observe)? Right { get; init; }
}
