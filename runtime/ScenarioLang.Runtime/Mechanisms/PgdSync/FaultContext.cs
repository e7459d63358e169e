using ScenarioLang.Runtime.Catalog;

namespace ScenarioLang.Runtime.Mechanisms.PgdSync;

/// <summary>
/// Where a kernel access runs when it takes a #PF, for the contexts Andy Lutomirski names in seed 003's thread ("Re:
/// [PATCH 05/11] mm: Introduce arch_pgd_init_late()", 22 September 2015) as unable to take a vmalloc fault: the
/// SYSCALL entry before the stack switch (no usable stack; with SMAP "an instant double fault"), and an NMI.
/// </summary>
[Flags]
public enum FaultContext
{
    /// <summary>Process context: the thread's kernel stack, a fault is handled and retried.</summary>
    None = 0,
    /// <summary>Inside an NMI handler (in_nmi()).</summary>
    Nmi = 1,
    /// <summary>The CPU has SMAP on (CR4.SMAP, EFLAGS.AC clear in the entry code): supervisor writes to user pages fault.</summary>
    Smap = 2,
    /// <summary>Right after SYSCALL, before entry_SYSCALL_64 loads the kernel stack: RSP is still the user's.</summary>
    SyscallEntry = 4,
}

/// <summary>The names a <c>touch_in</c> step writes for <see cref="FaultContext"/>.</summary>
public static class FaultContexts
{
    public static FlagNames Names { get; } = new(
        ["NMI", "SMAP", "SYSCALL_ENTRY"],
        [(int)FaultContext.Nmi, (int)FaultContext.Smap, (int)FaultContext.SyscallEntry]);
}
