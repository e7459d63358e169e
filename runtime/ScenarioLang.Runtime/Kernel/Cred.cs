using System.Diagnostics;

namespace ScenarioLang.Runtime.Kernel;

/// <summary>The capabilities the modelled paths check (include/uapi/linux/capability.h), as a set.</summary>
[Flags]
public enum Capabilities
{
    None = 0,
    /// <summary>CAP_SETUID: set*uid() to any id.</summary>
    Setuid = 1,
    /// <summary>CAP_SYS_RAWIO: ioperm() and raising iopl().</summary>
    SysRawio = 2,
    All = Setuid | SysRawio,
}

/// <summary>
/// The parts of struct cred (include/linux/cred.h) the modelled paths look at: the user ids and the
/// permitted and effective capability sets. Immutable, as the kernel's: a change builds a new cred
/// (prepare_creds()) and installs it (commit_creds()).
/// </summary>
public sealed record Cred(uint Uid, uint Euid, uint Suid, uint Fsuid, Capabilities Permitted, Capabilities Effective)
{
    public static Cred Root { get; } = new(0, 0, 0, 0, Capabilities.All, Capabilities.All);

    public static Cred User { get; } = new(1000, 1000, 1000, 1000, Capabilities.None, Capabilities.None);

    public static Cred For(Privilege privilege) => privilege == Privilege.Root ? Root : User;

    // security/commoncap.c: cap_capable(): the effective set decides.
    public bool Capable(Capabilities cap) => (Effective & cap) == cap;

    public override string ToString() =>
        $"uid {Uid}, euid {Euid}, suid {Suid}, caps {Effective switch
        {
            Capabilities.None => "none",
            Capabilities.All => "all",
            Capabilities.Setuid => "CAP_SETUID",
            Capabilities.SysRawio => "CAP_SYS_RAWIO",
            _ => throw new UnreachableException($"capability set {Effective}"),
        }}";
}
