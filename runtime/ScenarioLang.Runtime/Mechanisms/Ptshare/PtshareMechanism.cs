using ScenarioLang.Runtime.Catalog;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Kernel.Mm;

namespace ScenarioLang.Runtime.Mechanisms.Ptshare;

/// <summary>
/// Page-table sharing between processes mapping one file with MAP_SHARED_PT (seed 004), declared once for the
/// language, the trace and the docs. Its steps are the shared kernel's mmap, munmap and user accesses, which it hooks.
/// </summary>
public static class PtshareMechanism
{
    public const string Name = "ptshare";

    public static VariantTable<PtshareVariant> Variants { get; } = new(Name,
    [
        (PtshareVariant.Off, new("off", "mainline: no page-table sharing; every mapper has its own PTE pages")),
        (PtshareVariant.RfcV2, new("rfc-v2", "[PATCH RFC v2 3/4] and 4/4 (April 2023, seed 004) as posted: host mm and ptshare_data made, looked up and freed without a lock; the first mapper's PUD entry is the host's PMD page")),
        (PtshareVariant.Locked, new("locked", "RFC v2 with the fix of Karim Manaouil's review: lookup, creation and removal under the i_mmap lock, ptshare_data cleared before the free")),
        (PtshareVariant.Mshare, new("mshare", "[PATCH v3 00/22] Add support for shared PTEs across processes (Anthony Yznaga, 19 August 2025): no MAP_SHARED_PT; an msharefs file owns the host mm, MSHAREFS_CREATE_MAPPING and MSHAREFS_UNMAP map into it, a mapper's PGD entry is the host's PUD page")),
    ]);

    private static ParameterDeclaration MsharefsFile => new("file", ParameterKind.File, typeof(string));

    private static ParameterDeclaration Bytes(string name) => new(name, ParameterKind.Number, typeof(ulong)) { Units = true };

    // The msharefs calls of ptshare=mshare, each a syscall of the series' user interface (Documentation/filesystems/msharefs.rst).
    private static IReadOnlyList<StepDeclaration> Steps { get; } =
    [
        new(MsharePaths.Info, StepForm.Call, [], ResultKind.ReturnValue, "MsharefsInfoStep", "mm/mshare.c: mshare_info_read() (read of /sys/fs/mshare/mshare_info)"),
        new(MsharePaths.Open, StepForm.Call, [MsharefsFile], ResultKind.Status, "MsharefsOpenStep", "mm/mshare.c: msharefs_create() -> msharefs_fill_mm() (open with O_CREAT in msharefs)"),
        new(MsharePaths.Ftruncate, StepForm.Call, [MsharefsFile, Bytes("length")], ResultKind.Status, "MsharefsFtruncateStep", "mm/mshare.c: msharefs_setattr() -> msharefs_set_size()"),
        new(MsharePaths.CreateMapping, StepForm.Call,
            [
                MsharefsFile,
                Bytes("region_offset"),
                Bytes("size"),
                Bytes("offset"),
                new("prot", ParameterKind.Flags, typeof(int)) { Flags = Mman.ProtNames },
                new("flags", ParameterKind.Flags, typeof(int)) { Flags = Mman.MapNames },
                new("fd", ParameterKind.File, typeof(string)),
            ],
            ResultKind.Status, "MsharefsCreateMappingStep", "mm/mshare.c: msharefs_create_mapping() (ioctl MSHAREFS_CREATE_MAPPING)"),
        new(MsharePaths.Unmap, StepForm.Call, [MsharefsFile, Bytes("region_offset"), Bytes("size")], ResultKind.Status, "MsharefsUnmapStep", "mm/mshare.c: msharefs_unmap() (ioctl MSHAREFS_UNMAP)"),
        new(MsharePaths.Unlink, StepForm.Call, [MsharefsFile], ResultKind.Status, "MsharefsUnlinkStep", "mm/mshare.c: msharefs_unlink() and msharefs_evict_inode() (close and unlink)"),
    ];

    public static MechanismDeclaration Declaration { get; } = new(
        Name,
        "page-table sharing: MAP_SHARED_PT, the host mm and ptshare_data",
        Variants.Declarations,
        Variants.NameOf(PtshareVariant.Off),
        Steps,
        [
            new("ptshare", null, PropertyArgument.File, PropertyType.Object, nameof(PtshareObservations.Ptshare), "the file's ptshare_data, or none", Owner: typeof(PtshareObservations)),
            new("ptshare", "refcnt", PropertyArgument.File, PropertyType.Count, nameof(PtshareObservations.PtshareRefcount), "mappers sharing the file's page tables (ptshare_data's refcnt)", Owner: typeof(PtshareObservations)),
            new("ptshare", "start", PropertyArgument.File, PropertyType.Register, nameof(PtshareObservations.PtshareStart), "start address of the shared range", Owner: typeof(PtshareObservations)),
            new("ptshare", "size", PropertyArgument.File, PropertyType.Bytes, nameof(PtshareObservations.PtshareSize), "size of the shared range", Owner: typeof(PtshareObservations)),
            new("ptshare", "pte", PropertyArgument.File, PropertyType.Bytes, nameof(PtshareObservations.HostPteBytes), "bytes of PTE pages the host mm holds", Owner: typeof(PtshareObservations)),
            new("ptshare", "pmd", PropertyArgument.File, PropertyType.Bytes, nameof(PtshareObservations.HostPmdBytes), "bytes of PMD pages the host mm holds", Owner: typeof(PtshareObservations)),
            new("ptshare", "pud", PropertyArgument.File, PropertyType.Bytes, nameof(PtshareObservations.HostPudBytes), "bytes of PUD pages the host mm holds", Owner: typeof(PtshareObservations)),
            new("vma", "shared_pt", PropertyArgument.Task, PropertyType.Flag, nameof(PtshareObservations.VmaSharedPt), "whether the task's vma at the address shares page tables (VM_SHARED_PT)",
                PropertyIndex.Address, ReadsMm: true, Owner: typeof(PtshareObservations)),
            new("pte_table", null, PropertyArgument.Task, PropertyType.Object, nameof(PtshareObservations.PteTable), "the PTE page the task's PMD entry for the address points to, or none",
                PropertyIndex.Address, ReadsMm: true, Owner: typeof(PtshareObservations)),
            new("mshare", null, PropertyArgument.File, PropertyType.Object, nameof(MshareObservations.Mshare), "the msharefs file's mshare_data, or none (ptshare=mshare)", Owner: typeof(MshareObservations)),
            new("mshare", "size", PropertyArgument.File, PropertyType.Bytes, nameof(MshareObservations.MshareSize), "the mshare region's size (0 until ftruncate)", Owner: typeof(MshareObservations)),
            new("mshare", "pte", PropertyArgument.File, PropertyType.Bytes, nameof(MshareObservations.MshareHostPteBytes), "bytes of PTE pages the msharefs file's host mm holds", Owner: typeof(MshareObservations)),
            new("mshare", "pmd", PropertyArgument.File, PropertyType.Bytes, nameof(MshareObservations.MshareHostPmdBytes), "bytes of PMD pages the msharefs file's host mm holds", Owner: typeof(MshareObservations)),
            new("mshare", "pud", PropertyArgument.File, PropertyType.Bytes, nameof(MshareObservations.MshareHostPudBytes), "bytes of PUD pages the msharefs file's host mm holds", Owner: typeof(MshareObservations)),
        ],
        [
            new(PtshareData.KindName, "struct ptshare_data, a file's shared page tables (the host mm)"),
            new(MshareData.KindName, "struct mshare_data, an msharefs file's host mm and region (ptshare=mshare)"),
        ],
        PtsharePoints.All,
        CostDeclaration.None)
    {
        Hooks = kernel => VariantOf(kernel) == PtshareVariant.Mshare ? new Mshare(kernel) : new Ptshare(kernel),
        // ptshare_new_mm() makes the host mm (mm_alloc() -> pgd_alloc()); free_ptshare_mm() drops it (mmput()). Under
        // mshare, msharefs_fill_mm() makes it when the file is created, msharefs_delmm() drops it when the inode goes.
        AllocatesMm = [new(KernelPoints.Mmap, "the host mm's"), new(MsharePaths.Open, "the host mm's")],
        FreesMm = [new(KernelPoints.Munmap, "the host mm's"), new(MsharePaths.Unlink, "the host mm's")],
    };

    /// <summary>The configuration with <paramref name="variant"/> for ptshare and the others' variants unchanged.</summary>
    public static KernelConfig With(this KernelConfig config, PtshareVariant variant) => Variants.With(config, variant);

    /// <summary>The ptshare variant the kernel runs.</summary>
    internal static PtshareVariant VariantOf(LinuxKernel kernel) => Variants.VariantOf(kernel.Config);
}
