using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Kernel.Mm;

namespace ScenarioLang.Runtime;

/// <summary>
/// The steps of seed 004 as kernel paths: mmap() and munmap() of files and anonymous memory, with page-table sharing
/// (MAP_SHARED_PT) under the selected ptshare variant, and user accesses that fault pages in; and the findings an
/// expectation can name (<c>expect leak ptshare_data</c>).
/// </summary>
public sealed partial class ScenarioRun
{
    /// <summary><c>file NAME = SIZE [hugetlbfs]</c>: a file with its address space, which every mapper shares.</summary>
    public void File(string name, long size, bool hugetlbfs = false) => throw new NotImplementedException();

    /// <summary>mmap(addr, length, prot, flags, file or -1 when <paramref name="file"/> is null, offset) by <paramref name="task"/>.</summary>
    public ThreadStep MmapStep(Step step, string action, string? result, int cpu, TaskStruct task, ulong address, ulong length, int prot, int flags, string? file, long offset, Outcome? expected = null) =>
        throw new NotImplementedException();

    /// <summary>munmap(addr, length) by <paramref name="task"/>.</summary>
    public ThreadStep MunmapStep(Step step, string action, string? result, int cpu, TaskStruct task, ulong address, ulong length, Outcome? expected = null) =>
        throw new NotImplementedException();

    /// <summary>
    /// A user-mode read or write of every page of [address, address + length): <see cref="Outcome.Ok"/>, or
    /// <see cref="Outcome.Segv"/> at the first page the task may not access.
    /// </summary>
    public ThreadStep AccessStep(Step step, string action, string? result, int cpu, TaskStruct task, ulong address, ulong length, bool write, Outcome? expected = null) =>
        throw new NotImplementedException();

    /// <summary>
    /// <c>expect [always|never|sometimes] leak ptshare_data and …</c>: judged when the scenario ends, after the object
    /// checker; the findings it names no longer fail the scenario by themselves.
    /// </summary>
    public void ExpectFindings(Step step, Quantifier quantifier, params FindingPattern[] patterns) => throw new NotImplementedException();
}
