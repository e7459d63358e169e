using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Kernel;

/// <summary>
/// The user-mode registers saved on kernel entry (struct pt_regs, arch/x86/include/asm/ptrace.h);
/// only the flags are modelled: what user mode runs with, and what PUSHF shows it.
/// </summary>
public sealed class PtRegs
{
    /// <summary>X86_EFLAGS_FIXED: bit 1 always reads as 1.</summary>
    public const ulong Fixed = 0x2;

    /// <summary>X86_EFLAGS_IF: interrupts enabled.</summary>
    public const ulong InterruptFlag = 0x200;

    /// <summary>X86_EFLAGS_IOPL_BIT: the I/O privilege level is bits 12-13.</summary>
    public const int IoplBit = 12;

    /// <summary>X86_EFLAGS_IOPL.</summary>
    public const ulong IoplMask = 3UL << IoplBit;

    /// <summary>What start_thread() gives a new program: X86_EFLAGS_IF, with the fixed bit as the CPU reports it.</summary>
    public const ulong Initial = InterruptFlag | Fixed;

    private readonly Tracked<ulong> _flags;

    public PtRegs(StateTracker tracker, MemoryLocation location) => _flags = new(tracker, location, Initial);

    /// <summary>regs->flags; bit 1 stays set whatever is written.</summary>
    public ulong Flags
    {
        get => _flags.Value;
        set => _flags.Value = value | Fixed;
    }

    /// <summary>The IOPL field of <see cref="Flags"/>.</summary>
    public uint Iopl
    {
        get => (uint)((Flags & IoplMask) >> IoplBit);
        set => Flags = (Flags & ~IoplMask) | ((ulong)value << IoplBit);
    }

    /// <summary>The IF bit of <see cref="Flags"/>.</summary>
    public bool InterruptsEnabled
    {
        get => (Flags & InterruptFlag) != 0;
        set => Flags = value ? Flags | InterruptFlag : Flags & ~InterruptFlag;
    }
}
