using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Mechanisms.Ioport;
using ScenarioLang.Runtime.Scheduling;

// ScenarioRun's namespace: generated code calls these as run.IopermStep(…) and imports nothing (extension methods would
// need a using, which Roslyn reports as unneeded in a file that calls none).
namespace ScenarioLang.Runtime;

/// <summary>The steps of I/O port permissions (seeds 000-002) as generated code calls them: each a <see cref="ThreadStep"/>.</summary>
public sealed partial class ScenarioRun
{
    /// <summary>
    /// ioperm(from, num, turn_on), with turn_on as the kernel's <c>int</c>: any non-zero value turns permissions on. Its
    /// path stops at the preemption points alloc, cow and installed.
    /// </summary>
    public ThreadStep IopermStep(Step step, string action, string? result, int cpu, TaskStruct task, ulong from, ulong num, int turnOn, ExpectedOutcome? expected = null) =>
        SyscallStep(step, action, result, cpu, task, expected, c => Kernel.Ioperm(c, task, from, num, turnOn != 0));

    /// <summary>iopl(level), with level as the kernel's <c>unsigned int</c> (SYSCALL_DEFINE1(iopl, unsigned int, level)).</summary>
    public ThreadStep IoplStep(Step step, string action, string? result, int cpu, TaskStruct task, uint level, ExpectedOutcome? expected = null) =>
        SyscallStep(step, action, result, cpu, task, expected, c => Kernel.Iopl(c, task, level));

    /// <summary>A user-mode CLI (<paramref name="set"/> false) or STI: <see cref="Outcome.Ok"/>, or <see cref="Outcome.GeneralProtection"/> when SIGSEGV was delivered.</summary>
    public ThreadStep InterruptFlagStep(Step step, string action, string? result, int cpu, TaskStruct task, bool set, ExpectedOutcome? expected = null) =>
        InstructionStep(step, action, result, cpu, task, expected, set ? "sti" : "cli", io: false,
            c => set ? Kernel.UserSti(c, task) : Kernel.UserCli(c, task));

    /// <summary>A user-mode IN or OUT of <paramref name="width"/> bytes at <paramref name="port"/>.</summary>
    public ThreadStep PortStep(Step step, string action, string? result, int cpu, TaskStruct task, string mnemonic, int width, int port, ExpectedOutcome? expected = null) =>
        InstructionStep(step, action, result, cpu, task, expected, mnemonic, io: true, c =>
        {
            IoportTrace.ExplainPortCheck(Kernel, c, task, port, width);
            return Kernel.UserPortAccess(c, task, port, width);
        });

    /// <summary>A user-mode PUSHF: the outcome is the flags value user mode sees.</summary>
    public ThreadStep PushfStep(Step step, string action, string? result, int cpu, TaskStruct task, ExpectedOutcome? expected = null) =>
        new(step, cpu, action, result,
            c => new KernelPath("pushf", RequireCurrent(c.Index, task), Machine.Memory, path => Body(path, () => (long)LinuxKernel.UserPushf(task))),
            path => Outcome.Eflags((ulong)path.Result),
            expected);
}
