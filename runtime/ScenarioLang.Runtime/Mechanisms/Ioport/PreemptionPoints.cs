using ScenarioLang.Runtime.Catalog;

namespace ScenarioLang.Runtime.Mechanisms.Ioport;

/// <summary>
/// The places in ioperm() where preemption is enabled (<see cref="InterleavingKind.Preemption"/>): the pause points of
/// ioperm, which <c>until</c> stops at like any other, and the only points <c>preempted at</c> can name, since the
/// scheduler can switch a task out only where the kernel code lets it. The same name for the same place in every variant.
/// </summary>
public static class PreemptionPoints
{
    public const string Ioperm = "ioperm";

    public const string Alloc = "alloc";
    public const string Cow = "cow";
    public const string Installed = "installed";

    public static IReadOnlyList<PausePoint> All { get; } =
    [
        new(Ioperm, Alloc, "the new bitmap is allocated, not yet installed in the thread"),
        new(Ioperm, Cow, "the shared bitmap was duplicated, the reference to it not yet dropped (merged only)"),
        new(Ioperm, Installed, "the thread's bitmap pointer and TIF_IO_BITMAP are set, the bits not yet updated"),
    ];

    public static IEnumerable<PausePoint> Of(string step) => All.Where(p => p.Step == step);
}
