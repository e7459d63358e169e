namespace ScenarioLang.Runtime.Kernel.Mm;

/// <summary>A mapping of an address space (struct vm_area_struct): [Start, End), its protection, and what it maps.</summary>
public sealed class VmArea(ulong start, ulong end, int prot, bool shared, KernelFile? file, long offset)
{
    public ulong Start { get; set; } = start;

    public ulong End { get; set; } = end;

    /// <summary>PROT_ bits, from which VM_READ, VM_WRITE and VM_EXEC come.</summary>
    public int Prot { get; } = prot;

    /// <summary>VM_SHARED: MAP_SHARED, writes go to the file.</summary>
    public bool Shared { get; } = shared;

    /// <summary>vm_file, null for anonymous memory.</summary>
    public KernelFile? File { get; } = file;

    /// <summary>The offset in the file of <see cref="Start"/>, in bytes.</summary>
    public long Offset { get; set; } = offset;

    /// <summary>VM_SHARED_PT (RFC): this vma's page tables are the host mm's.</summary>
    public bool SharedPt { get; set; }

    public ulong Length => End - Start;

    public bool Contains(ulong address) => address >= Start && address < End;

    public bool Intersects(ulong start, ulong end) => Start < end && start < End;

    // arch/x86/mm/fault.c: access_error(): a write needs VM_WRITE; anything else needs the vma to be accessible at all.
    public bool Permits(bool write) => write ? (Prot & Mman.ProtWrite) != 0 : Prot != Mman.ProtNone;

    public VmArea Copy() => new(Start, End, Prot, Shared, File, Offset) { SharedPt = SharedPt };

    public override string ToString() =>
        $"{Tracing.Units.Hex((long)Start)}-{Tracing.Units.Hex((long)End)} {Mman.FormatProt(Prot)}{(File is null ? " anonymous" : $" {File}")}{(SharedPt ? " VM_SHARED_PT" : "")}";
}
