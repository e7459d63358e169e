namespace ScenarioLang.Runtime.Kernel;

/// <summary>How privileged a task is: root holds every capability, an unprivileged user none.</summary>
public enum Privilege
{
    Root,
    User,
}

/// <summary>The parts of struct cred the modelled paths look at.</summary>
public sealed record Credentials(uint Uid, bool CapSysRawio)
{
    public static Credentials For(Privilege privilege) =>
        privilege == Privilege.Root ? new Credentials(0, CapSysRawio: true) : new Credentials(1000, CapSysRawio: false);
}
