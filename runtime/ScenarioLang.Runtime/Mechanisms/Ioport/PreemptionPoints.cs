namespace ScenarioLang.Runtime.Mechanisms.Ioport;

/// <summary>A named place in a syscall where a scenario can preempt it: the same name for the same place in every variant.</summary>
public sealed record PreemptionPoint(string Syscall, string Name, string Description);

/// <summary>
/// The preemption points a scenario can name (<c>ioperm(0x80, 1, on) preempted at installed</c>). The
/// kernel paths yield these names; the compiler reads this table to validate them.
/// </summary>
public static class PreemptionPoints
{
    public const string Alloc = "alloc";
    public const string Cow = "cow";
    public const string Installed = "installed";

    public static IReadOnlyList<PreemptionPoint> All { get; } =
    [
        new("ioperm", Alloc, "the new bitmap is allocated, not yet installed in the thread"),
        new("ioperm", Cow, "the shared bitmap was duplicated, the reference to it not yet dropped (merged only)"),
        new("ioperm", Installed, "the thread's bitmap pointer and TIF_IO_BITMAP are set, the bits not yet updated"),
    ];

    public static IEnumerable<PreemptionPoint> Of(string syscall) => All.Where(p => p.Syscall == syscall);

    public static PreemptionPoint? Find(string syscall, string name) =>
        All.FirstOrDefault(p => p.Syscall == syscall && p.Name == name);
}
