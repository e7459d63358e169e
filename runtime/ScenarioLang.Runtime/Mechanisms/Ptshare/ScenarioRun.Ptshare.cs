using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Mechanisms.Ptshare;

// ScenarioRun's namespace: generated code calls these as run.MsharefsOpenStep(…) and imports nothing.
namespace ScenarioLang.Runtime;

/// <summary>The msharefs steps of ptshare=mshare as generated code calls them: each a syscall <see cref="ThreadStep"/>.</summary>
public sealed partial class ScenarioRun
{
    /// <summary>read() of /sys/fs/mshare/mshare_info: the step's result is the number the file holds.</summary>
    public ThreadStep MsharefsInfoStep(Step step, string action, string? result, int cpu, TaskStruct task, ExpectedOutcome? expected = null) =>
        SyscallStep(step, action, result, cpu, task, expected, c => Kernel.MsharefsInfo(c));

    /// <summary>open("/sys/fs/mshare/FILE", O_RDWR | O_CREAT, 0600): 0 when open (the model names files, it numbers no descriptors).</summary>
    public ThreadStep MsharefsOpenStep(Step step, string action, string? result, int cpu, TaskStruct task, string? file, ExpectedOutcome? expected = null) =>
        SyscallStep(step, action, result, cpu, task, expected, c => Kernel.MsharefsOpen(c, task, OptionalFile(file)));

    /// <summary>ftruncate() of the msharefs file: the region's size.</summary>
    public ThreadStep MsharefsFtruncateStep(Step step, string action, string? result, int cpu, TaskStruct task, string? file, ulong length, ExpectedOutcome? expected = null) =>
        SyscallStep(step, action, result, cpu, task, expected, c => Kernel.MsharefsFtruncate(c, OptionalFile(file), length));

    /// <summary>ioctl(fd, MSHAREFS_CREATE_MAPPING, &amp;mcreate) with struct mshare_create's fields in order.</summary>
    public ThreadStep MsharefsCreateMappingStep(Step step, string action, string? result, int cpu, TaskStruct task, string? file, ulong regionOffset, ulong size, ulong offset, int prot, int flags, string? fd, ExpectedOutcome? expected = null) =>
        SyscallStep(step, action, result, cpu, task, expected, c => Kernel.MsharefsCreateMapping(c, OptionalFile(file), regionOffset, size, offset, prot, flags, OptionalFile(fd)));

    /// <summary>ioctl(fd, MSHAREFS_UNMAP, &amp;munmap) with struct mshare_unmap's fields.</summary>
    public ThreadStep MsharefsUnmapStep(Step step, string action, string? result, int cpu, TaskStruct task, string? file, ulong regionOffset, ulong size, ExpectedOutcome? expected = null) =>
        SyscallStep(step, action, result, cpu, task, expected, c => Kernel.MsharefsUnmap(c, OptionalFile(file), regionOffset, size));

    /// <summary>close(fd) and unlink("/sys/fs/mshare/FILE").</summary>
    public ThreadStep MsharefsUnlinkStep(Step step, string action, string? result, int cpu, TaskStruct task, string? file, ExpectedOutcome? expected = null) =>
        SyscallStep(step, action, result, cpu, task, expected, c => Kernel.MsharefsUnlink(c, OptionalFile(file)));

    private Kernel.Mm.KernelFile? OptionalFile(string? name) => name is null ? null : RequireFile(name);
}
