using ScenarioLang.Runtime.Kernel;

namespace ScenarioLang.Runtime.Mechanisms.Ptshare;

/// <summary>Page-table sharing as an <c>expect</c> reads it (seed 004): the properties <see cref="PtshareMechanism"/> declares.</summary>
public static class PtshareObservations
{
    /// <summary><c>ptshare(F)</c>: the file's ptshare_data (file->f_mapping->ptshare_data as memory holds it), or null.</summary>
    public static KernelObject? Ptshare(this Observations o, string file) => o.Kernel.Heap.Lookup(o.Kernel.Memory.Read(o.File(file).PtshareData));

    /// <summary><c>ptshare(F).refcnt</c>.</summary>
    public static long PtshareRefcount(this Observations o, string file) => o.Kernel.Memory.Read(RequirePtshare(o, file).Refcnt);

    /// <summary><c>ptshare(F).start</c>.</summary>
    public static long PtshareStart(this Observations o, string file) => (long)RequirePtshare(o, file).Start;

    /// <summary><c>ptshare(F).size</c>, in bytes.</summary>
    public static long PtshareSize(this Observations o, string file) => (long)RequirePtshare(o, file).Length;

    /// <summary><c>ptshare(F).pte</c>: bytes of PTE pages the host mm sharing the file's page tables holds.</summary>
    public static long HostPteBytes(this Observations o, string file) => Observations.OwnTables(RequirePtshare(o, file).Mm, Kernel.Mm.PageTableLevel.Pte);

    /// <summary><c>ptshare(F).pmd</c>.</summary>
    public static long HostPmdBytes(this Observations o, string file) => Observations.OwnTables(RequirePtshare(o, file).Mm, Kernel.Mm.PageTableLevel.Pmd);

    /// <summary><c>ptshare(F).pud</c>.</summary>
    public static long HostPudBytes(this Observations o, string file) => Observations.OwnTables(RequirePtshare(o, file).Mm, Kernel.Mm.PageTableLevel.Pud);

    /// <summary><c>vma(T)[ADDR].shared_pt</c>: whether the task's vma at the address has VM_SHARED_PT.</summary>
    public static bool VmaSharedPt(this Observations o, TaskStruct task, ulong address) =>
        (Observations.RequireMm(task).Vmas.FirstOrDefault(v => v.Contains(address)) ?? throw new NotModelledException($"{task} has no vma at {Tracing.Units.Hex((long)address)}")).SharedPt;

    /// <summary><c>pte_table(T)[ADDR]</c>: the PTE page the task's PMD entry for the address points to, or null.</summary>
    public static KernelObject? PteTable(this Observations o, TaskStruct task, ulong address) =>
        o.Kernel.User.WalkPte(Observations.RequireMm(task), address, site: null);

    private static PtshareData RequirePtshare(this Observations o, string file) =>
        Ptshare(o, file) as PtshareData ?? throw new NotModelledException($"{file} has no ptshare_data");
}
