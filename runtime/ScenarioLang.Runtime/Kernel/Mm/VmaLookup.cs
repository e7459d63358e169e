using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Kernel.Mm;

/// <summary>
/// Lookups in an mm's vmas, which the model keeps sorted by address and disjoint, as the kernel keeps them in the mm's
/// maple tree: by binary search, so a scenario that maps thousands of ranges pays a logarithm per lookup, as the kernel
/// does, not a walk of every vma. A lookup starts with the list's <see cref="TrackedList{T}.Count"/>, which reads every
/// slot and the end, as the walks it replaces did: an event's footprint is the same.
/// </summary>
internal static class VmaLookup
{
    // mm/mmap.c: find_vma(): the index of the first vma that ends above the address (the count when none does).
    public static int FindVma(TrackedList<VmArea> vmas, ulong address) => First(vmas, address, static (vma, a) => vma.End > a);

    /// <summary>find_vma_intersection(): the first vma that overlaps [start, end), or null.</summary>
    public static VmArea? Intersecting(TrackedList<VmArea> vmas, ulong start, ulong end) =>
        vmas.TryGet(FindVma(vmas, start), out var vma) && vma.Start < end ? vma : null;

    /// <summary>vma_lookup(): the vma that holds the address, or null.</summary>
    public static VmArea? Containing(TrackedList<VmArea> vmas, ulong address) =>
        vmas.TryGet(FindVma(vmas, address), out var vma) && vma.Start <= address ? vma : null;

    /// <summary>The vmas that overlap [start, end), in address order.</summary>
    public static List<VmArea> AllIntersecting(TrackedList<VmArea> vmas, ulong start, ulong end)
    {
        var found = new List<VmArea>();
        for (var i = FindVma(vmas, start); vmas.TryGet(i, out var vma) && vma.Start < end; i++)
            found.Add(vma);
        return found;
    }

    /// <summary>Where a vma starting at <paramref name="start"/> goes: before the first that starts above it.</summary>
    public static int InsertionPoint(TrackedList<VmArea> vmas, ulong start) => First(vmas, start, static (vma, s) => vma.Start > s);

    // The first index at which a test that holds from some index on holds (the count when it never does).
    private static int First(TrackedList<VmArea> vmas, ulong address, Func<VmArea, ulong, bool> holds)
    {
        var (low, high) = (0, vmas.Count);
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (holds(vmas[middle], address))
                high = middle;
            else
                low = middle + 1;
        }
        return low;
    }
}
