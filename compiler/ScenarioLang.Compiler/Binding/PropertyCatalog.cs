using ScenarioLang.Runtime.Kernel.Mm;

namespace ScenarioLang.Compiler.Binding;

public enum PropertyType
{
    /// <summary>A whole number of things.</summary>
    Count,
    /// <summary>A size in bytes; accepts KiB/MiB/GiB.</summary>
    Bytes,
    /// <summary>A register's bits, such as EFLAGS; compared as a number, printed in hex.</summary>
    Register,
    /// <summary>on/off (true/false).</summary>
    Flag,
    /// <summary>invalid, valid-map, valid-all.</summary>
    IoBitmapBase,
    /// <summary>A kernel object, compared with <c>is</c>.</summary>
    Object,
}

public enum PropertyArgument
{
    None,
    Cpu,
    Task,
    /// <summary>A file declared with <c>file NAME = SIZE</c>.</summary>
    File,
}

/// <summary>What goes between the brackets of an indexed property.</summary>
public enum PropertyIndex
{
    None,
    /// <summary>The name of a vmalloc area: <c>pgd(C)[V]</c>.</summary>
    Area,
    /// <summary>A user address: <c>vma(A)[0x40000000].shared_pt</c>.</summary>
    Address,
}

/// <summary>
/// A property an expectation can read: how it is written (<c>tss(cpu0).prev_max</c>), its type, and the
/// <see cref="Runtime.Observations"/> method the generated code calls to read it.
/// </summary>
/// <remarks>
/// An indexed property is read for a vmalloc area or an address (<see cref="Index"/>); one with a <see cref="Level"/>
/// passes that page-table level to its accessor after the other arguments. One that <see cref="ReadsMm"/> reads the
/// task's address space, which a task that exited no longer has.
/// </remarks>
public sealed record PropertyInfo(string Object, string? Field, PropertyArgument Argument, PropertyType Type, string Accessor, string Meaning,
    PropertyIndex Index = PropertyIndex.None, PageTableLevel? Level = null, bool ReadsMm = false)
{
    public string Display => Object + Argument switch
    {
        PropertyArgument.Cpu => "(cpuN)",
        PropertyArgument.Task => "(TASK)",
        PropertyArgument.File => "(FILE)",
        _ => "",
    } + Index switch
    {
        PropertyIndex.Area => "[AREA]",
        PropertyIndex.Address => "[ADDR]",
        _ => "",
    } + (Field is null ? "" : "." + Field);

    /// <summary>A register loaded by <c>load x -> r0</c>, read by its name.</summary>
    public static PropertyInfo Register(string name) => new(name, null, PropertyArgument.None, PropertyType.Count, "Register", "a register");

    /// <summary>A word declared with <c>shared x</c>, read from memory (not from any store buffer).</summary>
    public static PropertyInfo SharedWord(string name) => new(name, null, PropertyArgument.None, PropertyType.Count, "SharedWord", "a shared word");
}

/// <summary>Every property of the language, in the order docs/language.md lists them.</summary>
public static class PropertyCatalog
{
    public static IReadOnlyList<PropertyInfo> All { get; } =
    [
        new("tss", "io_bitmap_base", PropertyArgument.Cpu, PropertyType.IoBitmapBase, "TssIoBitmapBase", "where the CPU's TSS points for the I/O bitmap"),
        new("tss", "prev_max", PropertyArgument.Cpu, PropertyType.Bytes, "TssPrevMax", "bytes of the last copied bitmap that may hold zero bits (merged, v2-06-16)"),
        new("tss", "prev_sequence", PropertyArgument.Cpu, PropertyType.Count, "TssPrevSequence", "sequence number of the last copied bitmap (merged)"),
        new("tss", "bytes_copied", PropertyArgument.Cpu, PropertyType.Bytes, "TssBytesCopied", "bytes copied into this CPU's TSS bitmap since boot"),
        new("tss", "allowed_ports", PropertyArgument.Cpu, PropertyType.Count, "TssAllowedPorts", "ports a user-mode inb on this CPU would be allowed now (0 with an invalid base)"),
        new("bitmap", null, PropertyArgument.Task, PropertyType.Object, "Bitmap", "the task's I/O bitmap object, or none"),
        new("bitmap", "refcnt", PropertyArgument.Task, PropertyType.Count, "BitmapRefcount", "tasks sharing the bitmap (struct io_bitmap's refcnt; merged)"),
        new("bitmap", "refcount", PropertyArgument.Task, PropertyType.Count, "BitmapRefcount", "the same as refcnt, by its older name"),
        new("bitmap", "max", PropertyArgument.Task, PropertyType.Bytes, "BitmapMax", "bytes up to the last long holding a zero bit"),
        new("bitmap", "sequence", PropertyArgument.Task, PropertyType.Count, "BitmapSequence", "the bitmap's sequence number (merged)"),
        new("bitmap", "allowed_ports", PropertyArgument.Task, PropertyType.Count, "BitmapAllowedPorts", "how many ports the bitmap allows"),
        new("task", "iopl", PropertyArgument.Task, PropertyType.Count, "TaskIopl", "the task's I/O privilege level (emulated or real)"),
        new("task", "tif_io_bitmap", PropertyArgument.Task, PropertyType.Flag, "TaskTifIoBitmap", "whether TIF_IO_BITMAP is set"),
        new("task", "eflags", PropertyArgument.Task, PropertyType.Register, "TaskEflags", "the EFLAGS user mode sees (what pushf pushes)"),
        new("task", "uid", PropertyArgument.Task, PropertyType.Count, "TaskUid", "the task's real uid"),
        new("faults", null, PropertyArgument.Task, PropertyType.Count, "TaskFaults", "page faults the task took, minor and major (min_flt + maj_flt)"),
        new("faults", "minor", PropertyArgument.Task, PropertyType.Count, "TaskMinorFaults", "page faults handled without I/O (task_struct min_flt)"),
        new("faults", "major", PropertyArgument.Task, PropertyType.Count, "TaskMajorFaults", "page faults that needed I/O or a retry (maj_flt; 0 in the model, which keeps every page in memory)"),
        new("mm", null, PropertyArgument.Task, PropertyType.Object, "Mm", "the task's address space (struct mm_struct), shared by its threads"),
        new("mm", "users", PropertyArgument.Task, PropertyType.Count, "MmUsers", "tasks using the mm (mm_users)", ReadsMm: true),
        new("pgd", null, PropertyArgument.Task, PropertyType.Object, "PgdEntry", "what the task's PGD entry for a vmalloc area points to (a pud page), or none", PropertyIndex.Area, ReadsMm: true),
        new("swapper_pg_dir", null, PropertyArgument.None, PropertyType.Object, "KernelPgdEntry", "the same entry in the kernel's reference PGD (init_mm)", PropertyIndex.Area),
        new("pagetables", "pte", PropertyArgument.Task, PropertyType.Bytes, "PageTableBytes", "bytes of PTE pages the task's mm allocated and holds", Level: PageTableLevel.Pte, ReadsMm: true),
        new("pagetables", "pmd", PropertyArgument.Task, PropertyType.Bytes, "PageTableBytes", "bytes of PMD pages the task's mm allocated and holds", Level: PageTableLevel.Pmd, ReadsMm: true),
        new("pagetables", "pud", PropertyArgument.Task, PropertyType.Bytes, "PageTableBytes", "bytes of PUD pages the task's mm allocated and holds", Level: PageTableLevel.Pud, ReadsMm: true),
        new("ptshare", null, PropertyArgument.File, PropertyType.Object, "Ptshare", "the file's ptshare_data, or none"),
        new("ptshare", "refcnt", PropertyArgument.File, PropertyType.Count, "PtshareRefcount", "mappers sharing the file's page tables (ptshare_data's refcnt)"),
        new("ptshare", "start", PropertyArgument.File, PropertyType.Register, "PtshareStart", "start address of the shared range"),
        new("ptshare", "size", PropertyArgument.File, PropertyType.Bytes, "PtshareSize", "size of the shared range"),
        new("ptshare", "pte", PropertyArgument.File, PropertyType.Bytes, "HostPageTableBytes", "bytes of PTE pages the host mm holds", Level: PageTableLevel.Pte),
        new("ptshare", "pmd", PropertyArgument.File, PropertyType.Bytes, "HostPageTableBytes", "bytes of PMD pages the host mm holds", Level: PageTableLevel.Pmd),
        new("ptshare", "pud", PropertyArgument.File, PropertyType.Bytes, "HostPageTableBytes", "bytes of PUD pages the host mm holds", Level: PageTableLevel.Pud),
        new("vma", "shared_pt", PropertyArgument.Task, PropertyType.Flag, "VmaSharedPt", "whether the task's vma at the address shares page tables (VM_SHARED_PT)", PropertyIndex.Address, ReadsMm: true),
        new("pte_table", null, PropertyArgument.Task, PropertyType.Object, "PteTable", "the PTE page the task's PMD entry for the address points to, or none", PropertyIndex.Address, ReadsMm: true),
        new("machine", "tss_bytes_copied", PropertyArgument.None, PropertyType.Bytes, "TssBytesCopied", "bytes copied into all TSS bitmaps"),
        new("machine", "tss_bytes_cleared", PropertyArgument.None, PropertyType.Bytes, "TssBytesCleared", "bytes of TSS bitmaps reset to 0xff"),
        new("machine", "bitmaps_allocated", PropertyArgument.None, PropertyType.Count, "BitmapsAllocated", "I/O bitmaps allocated since boot"),
        new("machine", "bitmaps_freed", PropertyArgument.None, PropertyType.Count, "BitmapsFreed", "I/O bitmaps freed since boot"),
        new("machine", "live_bitmaps", PropertyArgument.None, PropertyType.Count, "LiveBitmaps", "I/O bitmaps allocated and not freed"),
        new("machine", "live_mms", PropertyArgument.None, PropertyType.Count, "LiveMms", "mm_structs allocated and not freed"),
        new("machine", "pte_bytes", PropertyArgument.None, PropertyType.Bytes, "TotalPageTableBytes", "bytes of every live user PTE page", Level: PageTableLevel.Pte),
        new("machine", "pmd_bytes", PropertyArgument.None, PropertyType.Bytes, "TotalPageTableBytes", "bytes of every live user PMD page", Level: PageTableLevel.Pmd),
        new("machine", "pud_bytes", PropertyArgument.None, PropertyType.Bytes, "TotalPageTableBytes", "bytes of every live user PUD page", Level: PageTableLevel.Pud),
    ];

    public static PropertyInfo? Find(string obj, string? field) =>
        All.FirstOrDefault(p => p.Object == obj && p.Field == field);
}
