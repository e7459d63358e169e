using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Kernel.Ioport;
using ScenarioLang.Runtime.Kernel.Mm;

namespace ScenarioLang.Runtime;

/// <summary>The PGD entries an <c>expect</c> can read (<c>pgd(C)[V]</c>), as memory holds them: a store still in a CPU's buffer does not count.</summary>
public sealed partial class Observations
{
    /// <summary>The PUD page the task's mm's PGD entry for the address points to; null when the entry is none.</summary>
    public KernelObject? PgdEntry(TaskStruct task, ulong address) =>
        Entry(task.Mm?.Pgd ?? throw new NotModelledException($"{task} has no mm"), address);

    /// <summary>The same in swapper_pg_dir, init_mm's PGD.</summary>
    public KernelObject? KernelPgdEntry(ulong address) => Entry(Kernel.Pgd.Swapper, address);

    private KernelObject? Entry(PgdTable pgd, ulong address) =>
        Kernel.Heap.Lookup(Kernel.Memory.Read(pgd.Entry(PagingLayout.PgdIndex(address))));
}
