using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Kernel.Mm;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Mechanisms.Ptshare;

/// <summary>
/// struct mshare_data of mm/mshare.c ("[PATCH v3 00/22] Add support for shared PTEs across processes"): the host mm of
/// one msharefs file (inode->i_private), the region's start and size, its flags and its reference count. Size, the
/// MSHARE_INITIALIZED bit and the count change after the file is created, so they are tracked; the inode's link count
/// (whether the name is still in msharefs) is kept here too, the model having no inode of its own for the file.
/// </summary>
public sealed class MshareData : KernelObject
{
    public const string KindName = "mshare_data";

    private readonly Tracked<ulong> _size;
    private readonly Tracked<bool> _initialized;
    private readonly Tracked<bool> _hasOwner;
    private readonly Tracked<int> _ref;
    private readonly Tracked<bool> _linked;

    // sizeof(struct mshare_data) on x86-64 as v3 declares it: mm (8), ref (4, padded to 8), start, size, flags (8 each),
    // struct mmu_notifier (hlist_node 16, ops 8, mm 8, rcu_head 16, users 4 padded to 8: 56) and list_head (16).
    private MshareData(KernelHeap heap, KernelFile file, MmStruct mm, TaskStruct owner)
        : base(heap, KindName, 112, "msharefs_fill_mm")
    {
        File = file;
        Mm = mm;
        Owner = owner;
        _size = new(Tracker, Field("size"), 0);
        _initialized = new(Tracker, Field("flags"), false);
        _hasOwner = new(Tracker, Field("flags"), true);
        _ref = new(Tracker, Field("ref"), 1);
        _linked = new(Tracker, Field("i_nlink"), true);
    }

    public KernelFile File { get; }

    /// <summary>m_data->mm: the host mm, which no task uses.</summary>
    public MmStruct Mm { get; }

    /// <summary>The task that created the file (MSHARE_HAS_OWNER, current->mshare_mem).</summary>
    public TaskStruct Owner { get; }

    /// <summary>m_data->start: mshare_base, the host's mmap_base.</summary>
    public static ulong Start => Mshare.Base;

    /// <summary>m_data->size, set once by ftruncate() or fallocate() (<see cref="KernelObject.Size"/> is the object's own).</summary>
    public ulong RegionSize
    {
        get => _size.Value;
        set => _size.Value = value;
    }

    /// <summary>MSHARE_INITIALIZED in m_data->flags: the size is established.</summary>
    public bool Initialized
    {
        get => _initialized.Value;
        set => _initialized.Value = value;
    }

    /// <summary>MSHARE_HAS_OWNER in m_data->flags, with the entry on the owner's mshare_mem list: cleared when the owner exits.</summary>
    public bool HasOwner
    {
        get => _hasOwner.Value;
        set => _hasOwner.Value = value;
    }

    /// <summary>m_data->ref: the inode's reference (the owner's list entry takes none).</summary>
    public int Ref
    {
        get => _ref.Value;
        set => _ref.Value = value;
    }

    /// <summary>Whether the file's name is still in msharefs (unlink() drops it).</summary>
    public bool Linked
    {
        get => _linked.Value;
        set => _linked.Value = value;
    }

    // mm/mshare.c: msharefs_fill_mm(): m_data = kzalloc(sizeof(*m_data), GFP_KERNEL)
    public static MshareData Allocate(KernelHeap heap, KernelFile file, MmStruct mm, TaskStruct owner) =>
        heap.Register(new MshareData(heap, file, mm, owner));
}
