namespace ScenarioLang.Runtime.Kernel;

/// <summary>
/// An address space (struct mm_struct, include/linux/mm_types.h), as far as fork, clone, exec and exit
/// share and release it: <see cref="MmUsers"/> counts the tasks using it, and the last mmput() frees it.
/// </summary>
public sealed class MmStruct : KernelObject
{
    public const string KindName = "mm_struct";

    // The checker counts objects, not bytes: sizeof(struct mm_struct) depends on the configuration.
    private MmStruct(int id, string site) : base(KindName, id, 0, site)
    {
    }

    /// <summary>mm_users: how many tasks use this address space.</summary>
    public int MmUsers { get; set; } = 1;

    // kernel/fork.c: allocate_mm(), with mm_users set to 1 by mm_init()
    public static MmStruct Allocate(KernelHeap heap, string site) => heap.Register(new MmStruct(heap.NextId(), site));
}
