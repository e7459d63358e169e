namespace ScenarioLang.Runtime.Kernel;

/// <summary>How a user-mode instruction that can raise #GP (CLI, STI, IN, OUT) ended.</summary>
public enum UserTrap
{
    /// <summary>It ran: no exception.</summary>
    None,

    /// <summary>#GP, and arch/x86/kernel/traps.c: fixup_iopl_exception() skipped the instruction.</summary>
    FixedUp,

    /// <summary>#GP, delivered as SIGSEGV (exc_general_protection() -> gp_user_force_sig_segv()).</summary>
    Signalled,
}
