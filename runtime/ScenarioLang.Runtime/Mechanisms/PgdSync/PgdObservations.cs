using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Kernel.Mm;

namespace ScenarioLang.Runtime.Mechanisms.PgdSync;

/// <summary>
/// The PGD entries an <c>expect</c> can read (<c>pgd(C)[V]</c>), as memory holds them: a store still in a CPU's buffer
/// does not count. The properties <see cref="PgdSyncMechanism"/> declares.
/// </summary>
public static class PgdObservations
{
    /// <summary>The PUD page the task's mm's PGD entry for the address points to; null when the entry is none.</summary>
    public static KernelObject? PgdEntry(this Observations o, TaskStruct task, ulong address) =>
        Entry(o, task.Mm?.Pgd ?? throw new NotModelledException($"{task} has no mm"), address);

    /// <summary>The same in swapper_pg_dir, init_mm's PGD.</summary>
    public static KernelObject? KernelPgdEntry(this Observations o, ulong address) => Entry(o, o.Kernel.Pgd.Swapper, address);

    /// <summary>How many kernel #PFs vmalloc_fault() fixed.</summary>
    public static long VmallocFaults(this Observations o) => o.Kernel.Mechanism<PgdModel>().VmallocFaults;

    private static KernelObject? Entry(this Observations o, PgdTable pgd, ulong address) =>
        o.Kernel.Heap.Lookup(o.Kernel.Memory.Read(pgd.Entry(PagingLayout.PgdIndex(address))));
}
