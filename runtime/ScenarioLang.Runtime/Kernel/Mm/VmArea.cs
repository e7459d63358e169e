using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Kernel.Mm;

/// <summary>
/// A vma (struct vm_area_struct) of <paramref name="mm"/>: [Start, End) with its protections, whether it is shared,
/// its file and offset. Its bounds, offset and VM_SHARED_PT change under the mm's mmap lock, so they are tracked as
/// part of the mm's vma tree.
/// </summary>
public sealed class VmArea
{
    private readonly Tracked<ulong> _start;
    private readonly Tracked<ulong> _end;
    private readonly Tracked<long> _offset;
    private readonly Tracked<bool> _sharedPt;
    private readonly Tracked<bool> _mshare;
    private readonly Tracked<bool> _anonVma;

    public VmArea(MmStruct mm, ulong start, ulong end, int prot, bool shared, KernelFile? file, long offset)
    {
        var tree = mm.VmasLocation;
        _start = new(mm.Tracker, tree, start);
        _end = new(mm.Tracker, tree, end);
        _offset = new(mm.Tracker, tree, offset);
        _sharedPt = new(mm.Tracker, tree, false);
        _mshare = new(mm.Tracker, tree, false);
        _anonVma = new(mm.Tracker, tree, false);
        Prot = prot;
        Shared = shared;
        File = file;
    }

    public ulong Start
    {
        get => _start.Value;
        set => _start.Value = value;
    }

    public ulong End
    {
        get => _end.Value;
        set => _end.Value = value;
    }

    public int Prot { get; }

    /// <summary>VM_SHARED: a MAP_SHARED mapping.</summary>
    public bool Shared { get; }

    public KernelFile? File { get; }

    /// <summary>vm_pgoff, in bytes.</summary>
    public long Offset
    {
        get => _offset.Value;
        set => _offset.Value = value;
    }

    /// <summary>VM_SHARED_PT: the vma's page tables are the host mm's (seed 004); also set for VM_MSHARE (<see cref="Mshare"/>).</summary>
    public bool SharedPt
    {
        get => _sharedPt.Value;
        set => _sharedPt.Value = value;
    }

    /// <summary>VM_MSHARE: a mapping of an msharefs file, whose page tables are the file's host mm's (<see cref="SharedPt"/> is set with it).</summary>
    public bool Mshare
    {
        get => _mshare.Value;
        set => _mshare.Value = value;
    }

    /// <summary>
    /// vma->anon_vma is set: a write fault on this private vma made anonymous pages in it (anon_vma_prepare() in
    /// do_anonymous_page(), do_cow_fault() and wp_page_copy(); a read fault maps the zero page or the page cache's page
    /// without one). A copy made by fork or a split keeps it (anon_vma_fork(), anon_vma_clone()).
    /// </summary>
    public bool AnonVma
    {
        get => _anonVma.Value;
        set => _anonVma.Value = value;
    }

    public ulong Length => End - Start;

    public bool Contains(ulong address) => address >= Start && address < End;

    public bool Intersects(ulong start, ulong end) => Start < end && start < End;

    // arch/x86/mm/fault.c: access_error(): a write needs VM_WRITE; anything else needs the vma to be accessible at all.
    public bool Permits(bool write) => write ? (Prot & Mman.ProtWrite) != 0 : Prot != Mman.ProtNone;

    /// <summary>vm_area_dup(): the same vma in <paramref name="mm"/>.</summary>
    public VmArea Copy(MmStruct mm) => new(mm, Start, End, Prot, Shared, File, Offset) { SharedPt = SharedPt, Mshare = Mshare, AnonVma = AnonVma };

    public override string ToString() =>
        $"{Tracing.Units.Hex((long)Start)}-{Tracing.Units.Hex((long)End)} {Mman.FormatProt(Prot)}{(File is null ? " anonymous" : $" {File}")}{(Mshare ? " VM_MSHARE" : SharedPt ? " VM_SHARED_PT" : "")}";
}
