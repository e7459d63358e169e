using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Kernel.Mm;

namespace ScenarioLang.Runtime;

/// <summary>Page-table memory and page-table sharing as an <c>expect</c> reads them (seed 004).</summary>
public sealed partial class Observations
{
    /// <summary><c>pagetables(T).pte</c>: bytes of the page-table pages of a level that the task's mm allocated and still holds.</summary>
    public long PageTableBytes(TaskStruct task, PageTableLevel level) => throw new NotImplementedException();

    /// <summary><c>ptshare(F).pte</c>: the same for the host mm sharing the file's page tables.</summary>
    public long HostPageTableBytes(string file, PageTableLevel level) => throw new NotImplementedException();

    /// <summary><c>machine.pte_bytes</c>: bytes of every live user page-table page of a level, in all mms.</summary>
    public long TotalPageTableBytes(PageTableLevel level) => throw new NotImplementedException();

    /// <summary><c>ptshare(F)</c>: the file's ptshare_data (file->f_mapping->ptshare_data as memory holds it), or null.</summary>
    public KernelObject? Ptshare(string file) => throw new NotImplementedException();

    /// <summary><c>ptshare(F).refcnt</c>.</summary>
    public long PtshareRefcount(string file) => throw new NotImplementedException();

    /// <summary><c>ptshare(F).start</c>.</summary>
    public long PtshareStart(string file) => throw new NotImplementedException();

    /// <summary><c>ptshare(F).size</c>, in bytes.</summary>
    public long PtshareSize(string file) => throw new NotImplementedException();

    /// <summary><c>vma(T)[ADDR].shared_pt</c>: whether the task's vma at the address has VM_SHARED_PT.</summary>
    public bool VmaSharedPt(TaskStruct task, ulong address) => throw new NotImplementedException();

    /// <summary><c>pte_table(T)[ADDR]</c>: the PTE page the task's PMD entry for the address points to, or null.</summary>
    public KernelObject? PteTable(TaskStruct task, ulong address) => throw new NotImplementedException();
}
