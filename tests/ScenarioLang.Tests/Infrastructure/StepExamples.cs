using ScenarioLang.Runtime.Catalog;

namespace ScenarioLang.Tests.Infrastructure;

/// <summary>
/// One written example of every step of the kernel catalog, run by task A on cpu0 in a scenario that declares
/// <c>shared x</c> and <c>file db</c> and has made the vmalloc area V; a test walking them fails when a step is added
/// to the catalog without its example.
/// </summary>
internal static class StepExamples
{
    public const string Prelude = "  shared x\n  file db = 2 MiB\n  cpu1 kernel: vmalloc(4 KiB) -> V\n";

    private static readonly Dictionary<string, string> Examples = new()
    {
        ["fork"] = "cpu0 A: fork -> C",
        ["clone"] = "cpu0 A: clone -> T",
        ["exec"] = "cpu0 A: exec -> 0",
        ["exit"] = "cpu0 A: exit",
        ["setresuid"] = "cpu0 A: setresuid(1000, 1000, 1000) -> 0",
        ["mmap"] = "cpu0 A: mmap(0x40000000, 2 MiB, PROT_READ, MAP_SHARED, db, 0) -> 0x40000000",
        ["munmap"] = "cpu0 A: munmap(0x40000000, 2 MiB) -> 0",
        ["read"] = "cpu0 A: read(0x40000000) -> SIGSEGV",
        ["write"] = "cpu0 A: write(0x40000000, 8 KiB)",
        ["store"] = "cpu0 A: store x = 1",
        ["load"] = "cpu0 A: load x -> r0",
        ["xchg"] = "cpu0 A: xchg x = 2 -> r1",
        ["mfence"] = "cpu0 A: mfence",
        ["ioperm"] = "cpu0 A: ioperm(0x80, 1, on) -> 0",
        ["iopl"] = "cpu0 A: iopl(3) -> 0",
        ["inb"] = "cpu0 A: inb 0x80 -> #GP",
        ["inw"] = "cpu0 A: inw 0x80",
        ["inl"] = "cpu0 A: inl 0x80",
        ["outb"] = "cpu0 A: outb 0x80 -> ok | #GP",
        ["outw"] = "cpu0 A: outw 0x80",
        ["outl"] = "cpu0 A: outl 0x80",
        ["cli"] = "cpu0 A: cli -> #GP",
        ["sti"] = "cpu0 A: sti",
        ["pushf"] = "cpu0 A: pushf -> 0x202",
        ["vmalloc"] = "cpu0 A: vmalloc(8 KiB) -> W",
        ["touch"] = "cpu0 A: touch V -> ok",
        ["touch_in"] = "cpu0 A: touch_in(V, SYSCALL_ENTRY | SMAP) -> #PF",
        ["msharefs_info"] = "cpu0 A: msharefs_info -> 549755813888",
        ["msharefs_open"] = "cpu0 A: msharefs_open(db) -> 0",
        ["msharefs_ftruncate"] = "cpu0 A: msharefs_ftruncate(db, 512 GiB) -> 0",
        ["msharefs_create_mapping"] = "cpu0 A: msharefs_create_mapping(db, 0, 2 MiB, 0, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_SHARED | MAP_FIXED, -1) -> 0",
        ["msharefs_unmap"] = "cpu0 A: msharefs_unmap(db, 0, 2 MiB) -> EINVAL",
        ["msharefs_unlink"] = "cpu0 A: msharefs_unlink(db) -> 0",
    };

    /// <summary>Every catalog step with its example; asserts that the examples are exactly the catalog's steps.</summary>
    public static IEnumerable<(StepDeclaration Step, string Example)> All()
    {
        Assert.Equal(KernelCatalog.Steps.Select(s => s.Name).Order(StringComparer.Ordinal), Examples.Keys.Order(StringComparer.Ordinal));
        return KernelCatalog.Steps.Select(s => (s, Examples[s.Name]));
    }
}
