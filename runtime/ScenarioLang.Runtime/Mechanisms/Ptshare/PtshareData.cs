using ScenarioLang.Runtime.Kernel.Mm;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Scheduling;

namespace ScenarioLang.Runtime.Mechanisms.Ptshare;

/// <summary>
/// struct ptshare_data (mm/internal.h of the RFC): the host mm holding a file's shared page tables, the one mapping it
/// describes (start, size, mode) and how many mappers share it. refcnt is a word of shared memory, changed by locked
/// adds; the other fields are written once before the object is published.
/// </summary>
public sealed class PtshareData : KernelObject
{
    public const string KindName = "ptshare_data";

    // sizeof(struct ptshare_data) on x86-64: a pointer, a refcount_t padded to 8, three unsigned longs.
    private PtshareData(KernelHeap heap, KernelFile file, MmStruct mm, ulong start, ulong size)
        : base(heap, KindName, 40, "ptshare_new_mm")
    {
        File = file;
        Mm = mm;
        Start = start;
        Length = size;
    }

    public KernelFile File { get; }

    /// <summary>info->mm: the host mm, which no task uses.</summary>
    public MmStruct Mm { get; }

    public ulong Start { get; }

    /// <summary>info->size: the length of the shared mapping.</summary>
    public ulong Length { get; }

    /// <summary>info->mode: ptshare_new_mm() never sets it, so kzalloc() leaves 0 and every prot passes do_mmap()'s check.</summary>
    public int Mode => 0;

    /// <summary>info->refcnt.</summary>
    public MemoryLocation Refcnt => new($"{this}->refcnt");

    /// <summary>The object itself, as a word: reading its fields loads it, and kfree() poisons it (a <see cref="InterleavingKind.Free"/>).</summary>
    public MemoryLocation Object => new(ToString());

    // mm/ptshare.c: ptshare_new_mm(): info = kzalloc(sizeof(*info), GFP_KERNEL)
    public static PtshareData Allocate(KernelHeap heap, KernelFile file, MmStruct mm, ulong start, ulong size) =>
        heap.Register(new PtshareData(heap, file, mm, start, size));
}

/// <summary>The field the RFC adds to struct address_space, as the kernel spells it: <c>file->f_mapping->ptshare_data</c>.</summary>
public static class PtshareDataOfFile
{
    extension(KernelFile file)
    {
        /// <summary>file->f_mapping->ptshare_data: the <see cref="KernelObject.Id"/> of the file's <see cref="PtshareData"/>, or 0.</summary>
        public MemoryLocation PtshareData => new($"{file.Name}->f_mapping->ptshare_data");
    }
}
