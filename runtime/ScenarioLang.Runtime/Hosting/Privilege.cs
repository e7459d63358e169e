namespace ScenarioLang.Runtime;

/// <summary>How privileged a task is: root holds every capability, an unprivileged user none.</summary>
public enum Privilege
{
    Root,
    User,
}
