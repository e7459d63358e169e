using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Catalog;
using ScenarioLang.Runtime.Mechanisms.Ioport;
using ScenarioLang.Runtime.Mechanisms.PgdSync;

namespace ScenarioLang.Tests.Runtime;

/// <summary>
/// Reads and writes are not reordered across I/O, locked or serializing instructions (Intel SDM vol. 3 §9.2.2): a step
/// whose code runs one waits there for its CPU's store buffer to drain, and a step that runs none does not. Each case
/// is the store-buffering test with the step between CPU 0's store and its load (CPU 1 stores with a locked exchange).
/// </summary>
public sealed class DrainingStepTests
{
    private static string StoreBuffering(string variant, string setup, string step) => $$"""
        scenario "SB through {{step}}" {
          kernel ioperm = {{variant}}
          memory tso
          cpus 2
          shared x
          shared y
          task A root
          task B root
          {{setup}}
          cpu1 switch B
          explore {
            cpu0 A: store x = 1
            cpu0 A: {{step}}
            cpu0 A: load y -> r0
            cpu1 B: xchg y = 1 -> r2
            cpu1 B: load x -> r1
          }
          expect sometimes r0 == 0 and r1 == 0
        }
        """;

    [Theory]
    // I/O instructions, allowed or denied; CLI and STI below IOPL 3, the #GP delivered or skipped (iopl_emul 3), end
    // with IRET; at a real IOPL 3 they run, and PUSHF never traps.
    [InlineData("merged", "cpu0 A: ioperm(0x80, 1, on) -> 0", "outb 0x80 -> ok", false)]
    [InlineData("merged", "", "inl 0x80 -> #GP", false)]
    [InlineData("merged", "", "cli -> #GP", false)]
    [InlineData("merged", "cpu0 A: iopl(3) -> 0", "sti -> ok", false)]
    [InlineData("pre-5.5", "cpu0 A: iopl(3) -> 0", "cli -> ok", true)]
    [InlineData("merged", "", "pushf", true)]
    // setresuid(): prepare_creds()'s locked increments, only when the ids change.
    [InlineData("merged", "", "setresuid(1000, 1000, 1000) -> 0", false)]
    [InlineData("merged", "", "setresuid(0, 0, 0) -> 0", true)]
    // ioperm(): set_thread_flag(TIF_IO_BITMAP), in v5.4 only on the thread's first call; nothing to clear, nothing run.
    [InlineData("merged", "", "ioperm(0x80, 1, on) -> 0", false)]
    [InlineData("v1-05-09", "", "ioperm(0x80, 1, on) -> 0", false)]
    [InlineData("pre-5.5", "", "ioperm(0x80, 1, on) -> 0", false)]
    [InlineData("pre-5.5", "cpu0 A: ioperm(0x80, 1, on) -> 0", "ioperm(0x81, 1, on) -> 0", true)]
    [InlineData("merged", "", "ioperm(0x80, 1, off) -> 0", true)]
    // iopl(): the emulated one sets TIF_IO_BITMAP, the real one returns with IRET, each only when the level changes.
    [InlineData("merged", "", "iopl(3) -> 0", false)]
    [InlineData("merged", "", "iopl(0) -> 0", true)]
    [InlineData("pre-5.5", "", "iopl(3) -> 0", false)]
    [InlineData("pre-5.5", "", "iopl(0) -> 0", true)]
    // mmap() and munmap() run under mmap_write_lock(): down_write() and up_write() are locked; an mmap() refused before
    // the lock (here for its offset) takes none.
    [InlineData("merged", "", "mmap(0x400000, 4 KiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) -> 0x400000", false)]
    [InlineData("merged", "", "mmap(0x400000, 4 KiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 1) -> EINVAL", true)]
    [InlineData("merged", "", "munmap(0x400000, 4 KiB) -> 0", false)]
    // A user access that faults: the #PF handler locks, then unlocks and returns with IRET, a SIGSEGV's too; one to a
    // kernel address takes no lock but returns with IRET; one to a page already mapped runs none of them.
    [InlineData("merged", Mapped, "read(0x400000) -> ok", false)]
    [InlineData("merged", Mapped + "\n  cpu0 A: read(0x400000) -> ok", "read(0x400000) -> ok", true)]
    [InlineData("merged", "", "write(0x400000) -> SIGSEGV", false)]
    [InlineData("merged", "", "read(0xffff888000000000) -> SIGSEGV", false)]
    public void A_step_that_runs_an_ordering_instruction_forbids_store_buffering_through_it(string variant, string setup, string step, bool reorders)
    {
        // The differential check: every reduction agrees, and DPOR's independence is verified on every execution.
        foreach (var reduction in new[] { Reduction.Dpor, Reduction.SleepSets, Reduction.None })
        {
            var result = Infrastructure.Kscn.RunSingle(StoreBuffering(variant, setup, step), new ExploreOptions(reduction, Jobs: 1, VerifyIndependence: reduction == Reduction.Dpor));
            var sb = Assert.Single(result.Exploration!.Expectations, e => e.Quantifier == Quantifier.Sometimes);
            Assert.True(result.Exploration.Exhaustive);
            Assert.True(reorders == (sb.Satisfied > 0), $"{step} under {variant} with {reduction}: store buffering in {sb.Satisfied} executions");
        }
    }

    private const string Mapped = "cpu0 A: mmap(0x400000, 4 KiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) -> 0x400000";

    /// <summary>The step paused at <paramref name="point"/>: <c>until</c> goes before its stated result.</summary>
    internal static string Until(string step, string point) =>
        step.Contains(" ->", StringComparison.Ordinal) ? step.Replace(" ->", $" until {point} ->", StringComparison.Ordinal) : $"{step} until {point}";

    // The last column: the store buffer is already empty there (an earlier drain point of the step emptied it).
    public static TheoryData<string, string, string, string, bool> Points => new()
    {
        { "merged", "", "outb 0x80 -> #GP", "outb", false },
        { "merged", "", "outb 0x80 -> #GP", KernelPoints.Iret, true },
        { "merged", "", "outw 0x80 -> #GP", "outw", false },
        { "merged", "", "outw 0x80 -> #GP", KernelPoints.Iret, true },
        { "merged", "", "outl 0x80 -> #GP", "outl", false },
        { "merged", "", "outl 0x80 -> #GP", KernelPoints.Iret, true },
        { "merged", "", "inb 0x80 -> #GP", "inb", false },
        { "merged", "", "inb 0x80 -> #GP", KernelPoints.Iret, true },
        { "merged", "", "inw 0x80 -> #GP", "inw", false },
        { "merged", "", "inw 0x80 -> #GP", KernelPoints.Iret, true },
        { "merged", "", "inl 0x80 -> #GP", "inl", false },
        { "merged", "", "inl 0x80 -> #GP", KernelPoints.Iret, true },
        { "merged", "", "cli -> #GP", KernelPoints.Iret, false },
        { "merged", "cpu0 A: iopl(3) -> 0", "sti -> ok", KernelPoints.Iret, false },
        { "merged", "", "setresuid(1, 1, 1) -> 0", KernelPoints.PrepareCreds, false },
        { "merged", "", "ioperm(0x80, 1, on) -> 0", LockedPoints.TifIoBitmap, false },
        { "merged", "cpu0 A: ioperm(0x80, 1, on) -> 0\n  cpu0 A: fork -> C\n  cpu0 switch C", "ioperm(0x81, 1, on) -> 0", LockedPoints.IoBitmapExit, false },
        { "merged", "", "iopl(3) -> 0", LockedPoints.TifIoBitmap, false },
        { "pre-5.5", "", "iopl(3) -> 0", KernelPoints.Iret, false },
        { "merged", "", "mmap(0x400000, 4 KiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) -> 0x400000", KernelPoints.MmapWriteLock, false },
        { "merged", "", "mmap(0x400000, 4 KiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) -> 0x400000", KernelPoints.MmapWriteUnlock, true },
        { "merged", "", "munmap(0x400000, 4 KiB) -> 0", KernelPoints.MmapWriteLock, false },
        { "merged", "", "munmap(0x400000, 4 KiB) -> 0", KernelPoints.MmapWriteUnlock, true },
        { "merged", Mapped, "read(0x400000) -> ok", KernelPoints.MmapReadLock, false },
        { "merged", Mapped, "read(0x400000) -> ok", KernelPoints.MmapReadUnlock, true },
        { "merged", "", "write(0x400000) -> SIGSEGV", KernelPoints.MmapReadLock, false },
        { "merged", "", "write(0x400000) -> SIGSEGV", KernelPoints.MmapReadUnlock, true },
        { "merged", "", "read(0xffff888000000000) -> SIGSEGV", KernelPoints.Iret, false },
        { "merged", "", "write(0xffff888000000000) -> SIGSEGV", KernelPoints.Iret, false },
        { "merged", "", "fork -> C", KernelPoints.CopyCreds, false },
        { "merged", "", "fork -> C", KernelPoints.MmapWriteLock, true },
        { "merged", "", "fork -> C", KernelPoints.WakeUpNewTask, true },
        { "merged", "", "clone -> T", KernelPoints.CopyCreds, false },
        { "merged", "", "clone -> T", KernelPoints.WakeUpNewTask, true },
        { "merged", "", "exec", KernelPoints.ActivateMm, true },
        { "merged", "", "exec", KernelPoints.Iret, true },
    };

    [Theory]
    [MemberData(nameof(Points))]
    public void A_draining_point_pauses_the_step_before_the_buffer_drains(string variant, string setup, string step, string point, bool drained)
    {
        // The task that runs the step is the CPU's current one after the setup: A, or the child C it switched to.
        var task = setup.Contains("switch C", StringComparison.Ordinal) ? "C" : "A";
        var result = Infrastructure.Kscn.RunSingle($$"""
            scenario "until {{point}}" {
              kernel ioperm = {{variant}}
              memory tso
              cpus 1
              shared x
              task A root
              {{setup}}
              cpu0 {{task}}: store x = 1 until return
              cpu0 {{task}}: {{Until(step, point)}}
              expect x == {{(drained ? 1 : 0)}}
              cpu0 continue until return
              expect x == 1
              cpu0 continue
            }
            """);
        Assert.True(result.Passed, ScenarioLang.Runtime.Tracing.TraceFormatter.Format(result));
    }

    [Fact]
    public void The_cases_above_pause_at_every_point_of_the_steps_that_can_drain_inside()
    {
        string[] steps = ["inb", "inw", "inl", "outb", "outw", "outl", "cli", "sti", "setresuid", LockedPoints.Iopl];
        string[] names =
        [
            LockedPoints.IoBitmapExit, LockedPoints.TifIoBitmap, KernelPoints.MmapWriteLock, KernelPoints.MmapWriteUnlock,
            KernelPoints.MmapReadLock, KernelPoints.MmapReadUnlock, KernelPoints.ActivateMm, KernelPoints.Iret,
            KernelPoints.CopyCreds, KernelPoints.WakeUpNewTask,
        ];
        // touch's vmalloc fault needs a PGD entry the late variants' walk misses: its iret is PgdSyncTests'.
        var declared = KernelCatalog.Points
            .Where(p => steps.Contains(p.Step) || (names.Contains(p.Name) && p.Step is not (PgdPoints.Touch or PgdPoints.TouchIn)))
            .Select(p => $"{p.Step} {p.Name}");
        var paused = Points.Select(row => $"{((string)row[2]).Split(' ', '(')[0]} {row[3]}");
        Assert.Equal(declared.Order(StringComparer.Ordinal), paused.Distinct().Order(StringComparer.Ordinal));
    }
}
