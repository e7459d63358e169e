namespace ScenarioLang.Runtime.Kernel;

/// <summary>The error numbers the modelled syscalls return (include/uapi/asm-generic/errno-base.h).</summary>
public enum Errno
{
    EPERM = 1,
    ENOMEM = 12,
    EINVAL = 22,
    ENOSYS = 38,
}
