using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Kernel.Ioport;
using ScenarioLang.Runtime.Kernel.Mm;

namespace ScenarioLang.Runtime;

/// <summary>Page-table memory and page-table sharing as an <c>expect</c> reads them (seed 004).</summary>
public sealed partial class Observations
{
    /// <summary><c>pagetables(T).pte</c>: bytes of the page-table pages of a level that the task's mm allocated and still holds.</summary>
    public long PageTableBytes(TaskStruct task, PageTableLevel level) =>
        OwnTables(task.Mm ?? throw new NotModelledException($"{task} has no mm"), level);

    /// <summary><c>ptshare(F).pte</c>: the same for the host mm sharing the file's page tables.</summary>
    public long HostPageTableBytes(string file, PageTableLevel level) => OwnTables(RequirePtshare(file).Mm, level);

    /// <summary><c>machine.pte_bytes</c>: bytes of every live user page-table page of a level, in all mms.</summary>
    public long TotalPageTableBytes(PageTableLevel level) =>
        Kernel.Heap.LiveObjects.OfType<UserPageTable>().Where(t => t.Level == level).Sum(t => (long)t.Size);

    /// <summary><c>ptshare(F)</c>: the file's ptshare_data (file->f_mapping->ptshare_data as memory holds it), or null.</summary>
    public KernelObject? Ptshare(string file) => Kernel.Heap.Lookup(Kernel.Memory.Read(File(file).PtshareData));

    /// <summary><c>ptshare(F).refcnt</c>.</summary>
    public long PtshareRefcount(string file) => Kernel.Memory.Read(RequirePtshare(file).Refcnt);

    /// <summary><c>ptshare(F).start</c>.</summary>
    public long PtshareStart(string file) => (long)RequirePtshare(file).Start;

    /// <summary><c>ptshare(F).size</c>, in bytes.</summary>
    public long PtshareSize(string file) => (long)RequirePtshare(file).Length;

    /// <summary><c>vma(T)[ADDR].shared_pt</c>: whether the task's vma at the address has VM_SHARED_PT.</summary>
    public bool VmaSharedPt(TaskStruct task, ulong address) =>
        (task.Mm?.Vmas.FirstOrDefault(v => v.Contains(address)) ?? throw new NotModelledException($"{task} has no vma at {Tracing.Units.Hex((long)address)}")).SharedPt;

    /// <summary><c>pte_table(T)[ADDR]</c>: the PTE page the task's PMD entry for the address points to, or null.</summary>
    public KernelObject? PteTable(TaskStruct task, ulong address) =>
        Kernel.User.WalkPte(task.Mm ?? throw new NotModelledException($"{task} has no mm"), address, site: null);

    private KernelFile File(string name) =>
        Kernel.Files.TryGetValue(name, out var file) ? file : throw new NotModelledException($"no file named {name}");

    private PtshareData RequirePtshare(string file) =>
        Ptshare(file) as PtshareData ?? throw new NotModelledException($"{file} has no ptshare_data");

    // The pages of a level reachable from the mm's tables that the mm allocated: a guest's links to the host's PTE pages
    // are the host's.
    private static long OwnTables(MmStruct mm, PageTableLevel level)
    {
        var puds = mm.UserPgd.OfType<UserPageTable>().ToList();
        var pmds = puds.SelectMany(p => p.Next.OfType<UserPageTable>()).ToList();
        var tables = level switch
        {
            PageTableLevel.Pud => puds,
            PageTableLevel.Pmd => pmds,
            _ => pmds.SelectMany(p => p.Next.OfType<UserPageTable>()).Distinct().ToList(),
        };
        return tables.Where(t => t.Owner == mm).Sum(t => (long)t.Size);
    }
}
