using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Kernel.Mm;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Scheduling;

namespace ScenarioLang.Runtime.Mechanisms.Ptshare;

/// <summary>
/// The msharefs syscalls (ptshare=mshare) as kernel paths, as the shared kernel's own are (Mmap, Munmap). Under the other
/// ptshare variants there is no msharefs: the file /sys/fs/mshare/NAME does not exist (-ENOENT), and there is no
/// descriptor of one to use (-EBADF).
/// </summary>
public static class MsharePaths
{
    public const string Info = "msharefs_info";
    public const string Open = "msharefs_open";
    public const string Ftruncate = "msharefs_ftruncate";
    public const string CreateMapping = "msharefs_create_mapping";
    public const string Unmap = "msharefs_unmap";
    public const string Unlink = "msharefs_unlink";

    extension(LinuxKernel kernel)
    {
        public KernelPath MsharefsInfo(Cpu cpu) =>
            new(Info, cpu, kernel.Memory, path => kernel.Msharefs(path, Errno.ENOENT, m => m.ReadInfo(path)));

        public KernelPath MsharefsOpen(Cpu cpu, TaskStruct current, KernelFile? file) =>
            new(Open, cpu, kernel.Memory, path => kernel.Msharefs(path, Errno.ENOENT, m => file is null ? Bad(path) : m.Open(path, current, file)));

        public KernelPath MsharefsFtruncate(Cpu cpu, KernelFile? file, ulong length) =>
            new(Ftruncate, cpu, kernel.Memory, path => kernel.Msharefs(path, Errno.EBADF, m => file is null ? Bad(path) : m.Truncate(path, file, length)));

        public KernelPath MsharefsCreateMapping(Cpu cpu, KernelFile? file, ulong regionOffset, ulong size, ulong offset, int prot, int flags, KernelFile? source) =>
            new(CreateMapping, cpu, kernel.Memory, path => kernel.Msharefs(path, Errno.EBADF, m => file is null ? Bad(path) : m.CreateMapping(path, file, regionOffset, size, offset, prot, flags, source)));

        public KernelPath MsharefsUnmap(Cpu cpu, KernelFile? file, ulong regionOffset, ulong size) =>
            new(Unmap, cpu, kernel.Memory, path => kernel.Msharefs(path, Errno.EBADF, m => file is null ? Bad(path) : m.Unmap(path, file, regionOffset, size)));

        public KernelPath MsharefsUnlink(Cpu cpu, KernelFile? file) =>
            new(Unlink, cpu, kernel.Memory, path => kernel.Msharefs(path, Errno.ENOENT, m => file is null ? Bad(path) : m.Unlink(path, file)));

        // The step's body under ptshare=mshare; without msharefs, the errno the call gets.
        private IEnumerable<InterleavingPoint> Msharefs(KernelPath path, Errno without, Func<Mshare, IEnumerable<InterleavingPoint>> body)
        {
            if (PtshareMechanism.VariantOf(kernel) == PtshareVariant.Mshare)
                return body(kernel.Mechanism<Mshare>());
            kernel.Log.Note($"no msharefs in this kernel (ptshare={PtshareMechanism.Variants.NameOf(PtshareMechanism.VariantOf(kernel))}): -{without}");
            path.Result = -(long)without;
            return [];
        }
    }

    // A descriptor of -1.
    private static IEnumerable<InterleavingPoint> Bad(KernelPath path)
    {
        path.Result = -(long)Errno.EBADF;
        return [];
    }
}
