using ScenarioLang.Runtime.Kernel.Mm;
using ScenarioLang.Runtime.Kernel;

namespace ScenarioLang.Runtime;

/// <summary>Page-table memory as an <c>expect</c> reads it.</summary>
public sealed partial class Observations
{
    /// <summary><c>pagetables(T).pte</c>: bytes of the PTE pages that the task's mm allocated and still holds.</summary>
    public long PteBytes(TaskStruct task) => OwnTables(RequireMm(task), PageTableLevel.Pte);

    /// <summary><c>pagetables(T).pmd</c>.</summary>
    public long PmdBytes(TaskStruct task) => OwnTables(RequireMm(task), PageTableLevel.Pmd);

    /// <summary><c>pagetables(T).pud</c>.</summary>
    public long PudBytes(TaskStruct task) => OwnTables(RequireMm(task), PageTableLevel.Pud);

    /// <summary><c>machine.pte_bytes</c>: bytes of every live user PTE page, in all mms.</summary>
    public long TotalPteBytes() => TotalTables(PageTableLevel.Pte);

    /// <summary><c>machine.pmd_bytes</c>.</summary>
    public long TotalPmdBytes() => TotalTables(PageTableLevel.Pmd);

    /// <summary><c>machine.pud_bytes</c>.</summary>
    public long TotalPudBytes() => TotalTables(PageTableLevel.Pud);

    internal static MmStruct RequireMm(TaskStruct task) => task.Mm ?? throw new NotModelledException($"{task} has no mm");

    /// <summary>A file the scenario declared.</summary>
    internal KernelFile File(string name) =>
        Kernel.Files.TryGetValue(name, out var file) ? file : throw new NotModelledException($"no file named {name}");

    private long TotalTables(PageTableLevel level) =>
        Kernel.Heap.Live<UserPageTable>().Where(t => t.Level == level).Sum(t => (long)t.Size);

    // The pages of a level reachable from the mm's tables that the mm allocated: a guest's links to the host's PTE pages
    // are the host's.
    internal static long OwnTables(MmStruct mm, PageTableLevel level)
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
