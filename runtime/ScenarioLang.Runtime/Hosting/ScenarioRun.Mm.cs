using ScenarioLang.Runtime.Exploration;
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
    private readonly List<FindingExpectation> _findingExpectations = [];

    /// <summary><c>file NAME = SIZE [hugetlbfs]</c>: a file with its address space, which every mapper shares.</summary>
    public void File(string name, long size, bool hugetlbfs = false)
    {
        if (size <= 0)
            throw new ScenarioRuntimeException($"file {name} of {size} bytes");
        Kernel.Files.Add(name, new KernelFile(name, size, hugetlbfs));
    }

    /// <summary>mmap(addr, length, prot, flags, file or -1 when <paramref name="file"/> is null, offset) by <paramref name="task"/>.</summary>
    public ThreadStep MmapStep(Step step, string action, string? result, int cpu, TaskStruct task, ulong address, ulong length, int prot, int flags, string? file, long offset, ExpectedOutcome? expected = null)
    {
        var request = new MmapRequest(address, length, prot, flags, file is null ? null : RequireFile(file), offset);
        return UserStep(step, action, result, cpu, task, c => Kernel.Mmap(c, task, request), path => Outcome.Address(path.Result), expected);
    }

    /// <summary>munmap(addr, length) by <paramref name="task"/>.</summary>
    public ThreadStep MunmapStep(Step step, string action, string? result, int cpu, TaskStruct task, ulong address, ulong length, ExpectedOutcome? expected = null) =>
        UserStep(step, action, result, cpu, task, c => Kernel.Munmap(c, task, address, length), path => Outcome.Returns(path.Result), expected);

    /// <summary>
    /// A user-mode read or write of every page of [address, address + length): <see cref="Outcome.Ok"/>, or
    /// <see cref="Outcome.Segv"/> at the first page the task may not access.
    /// </summary>
    public ThreadStep AccessStep(Step step, string action, string? result, int cpu, TaskStruct task, bool write, ulong address, ulong length, ExpectedOutcome? expected = null) =>
        UserStep(step, action, result, cpu, task, c => Kernel.UserAccess(c, task, address, length, write), path => path.Result == 1 ? Outcome.Ok : Outcome.Segv, expected);

    /// <summary>
    /// <c>expect [always|never|sometimes] leak ptshare_data and …</c>: judged when the scenario ends, after the object
    /// checker; the findings it names no longer fail the scenario by themselves.
    /// </summary>
    public void ExpectFindings(Step step, Quantifier quantifier, params FindingPattern[] patterns)
    {
        if (_execution is not null)
            _start!.After.Add(() => ExpectFindings(step, quantifier, patterns));
        _findingExpectations.Add(new FindingExpectation(step, quantifier, patterns, _entries.Count));
        Record(step, Verdict.None, null);
    }

    // Each step returns to user mode through the exit work of the task, as every syscall and fault does.
    private ThreadStep UserStep(Step step, string action, string? result, int cpu, TaskStruct task, Func<Machine.Cpu, Scheduling.KernelPath> begin, Func<Scheduling.KernelPath, Outcome> outcome, ExpectedOutcome? expected) =>
        new(step, cpu, action, result,
            c => begin(RequireCurrent(c.Index, task)),
            path =>
            {
                Kernel.ExitToUserMode(path.Cpu, task);
                return outcome(path);
            },
            expected);

    private KernelFile RequireFile(string name) =>
        Kernel.Files.TryGetValue(name, out var file) ? file : throw new ScenarioRuntimeException($"no file named {name}");

    // At the end of the run: each finding expectation is judged against the checker's findings (over all executions
    // after an explore block), and the findings one names are marked expected.
    private IReadOnlyList<Finding> JudgeFindingExpectations(IReadOnlyList<Finding> findings)
    {
        foreach (var expectation in _findingExpectations)
        {
            var values = expectation.Patterns.Select(p => (p.ToString(), findings.Any(f => f.Matches(p)) ? "yes" : "no")).ToList();
            var observation = new Observation(values, values.TrueForAll(v => v.Item2 == "yes"), null);
            if (_execution is not null)
            {
                _execution.Observe(expectation.Step, expectation.Quantifier, observation);
                continue;
            }
            if (expectation.Entry >= _entries.Count || _entries[expectation.Entry].Step != expectation.Step)
                continue;
            var satisfied = observation.Satisfies(expectation.Quantifier);
            var named = findings.FirstOrDefault(f => expectation.Patterns.Any(f.Matches));
            var failure = satisfied ? null : named is null ? "got no such finding" : $"got {named.Message}";
            _entries[expectation.Entry] = _entries[expectation.Entry] with { Verdict = satisfied ? Verdict.Pass : Verdict.Fail, Failure = failure };
        }
        return [.. findings.Select(f => _findingExpectations.Any(e => e.Patterns.Any(f.Matches)) ? f with { Expected = true } : f)];
    }

    private sealed record FindingExpectation(Step Step, Quantifier Quantifier, FindingPattern[] Patterns, int Entry);
}
