namespace ScenarioLang.Runtime;

/// <summary>The error numbers the modelled syscalls return (include/uapi/asm-generic/errno-base.h).</summary>
public enum Errno
{
    EPERM = 1,
    ENOENT = 2,
    EBADF = 9,
    ENOMEM = 12,
    EACCES = 13,
    ENODEV = 19,
    EINVAL = 22,
    ENOSYS = 38,
    EOPNOTSUPP = 95,
}
