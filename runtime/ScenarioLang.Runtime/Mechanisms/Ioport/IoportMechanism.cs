using ScenarioLang.Runtime.Catalog;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Runtime.Mechanisms.Ioport;

/// <summary>
/// I/O port permissions (seeds 000-002): ioperm(), iopl(), the TSS I/O bitmap and the port instructions it governs,
/// declared once for the language, the trace and the docs.
/// </summary>
public static class IoportMechanism
{
    public const string Name = "ioperm";

    // The port instructions (the points below and the steps in Declaration read it, so it comes first).
    private static readonly (string Mnemonic, int Width, string Models)[] Ports =
    [
        ("inb", 1, "a user-mode IN of one byte: the CPU checks IOPL, then the TSS I/O bitmap"),
        ("inw", 2, "a user-mode IN of two bytes"),
        ("inl", 4, "a user-mode IN of four bytes"),
        ("outb", 1, "a user-mode OUT of one byte"),
        ("outw", 2, "a user-mode OUT of two bytes"),
        ("outl", 4, "a user-mode OUT of four bytes"),
    ];

    // Intel SDM vol. 3 §9.2.2: "Reads or writes cannot be reordered with I/O instructions, locked instructions, or
    // serializing instructions": an IN or OUT waits for its CPU's store buffer to drain, and a #GP's handling ends
    // with IRET, a serializing instruction.
    private static IReadOnlyList<PausePoint> TrapPoints { get; } =
    [
        .. Ports.Select(p => p.Mnemonic).SelectMany(mnemonic => new PausePoint[]
        {
            new(mnemonic, mnemonic, "before the I/O instruction, which waits for the CPU's store buffer to drain"),
            new(mnemonic, KernelPoints.Iret, "a denied access: the #GP was handled (SIGSEGV queued); about to return to user mode with IRET, which waits for the store buffer to drain"),
        }),
        .. new[] { "cli", "sti" }.Select(insn =>
            new PausePoint(insn, KernelPoints.Iret, "below IOPL 3: the #GP was handled (SIGSEGV queued, or the instruction skipped by the emulated iopl(3)); about to return to user mode with IRET, which waits for the store buffer to drain")),
    ];

    public static VariantTable<IopermVariant> Variants { get; } = new(Name,
    [
        (IopermVariant.Pre55, new("pre-5.5", "v5.4: bitmap duplicated on fork, TSS cleared on every switch-out")),
        (IopermVariant.V1Patch05, new("v1-05-09", "[patch 5/9] \"x86/ioport: Reduce ioperm impact for sane usage further\" (V1, November 2019): a zero-bit byte range instead of io_bitmap_max, and a switch-in copy of the TSS onto itself")),
        (IopermVariant.V2Patch06, new("v2-06-16", "[patch V2 06/16]: base invalidated on switch-out, only max bytes copied")),
        (IopermVariant.Merged, new("merged", "5.5+: refcounted bitmap shared on fork, sequence/prev_max, iopl emulated")),
        (IopermVariant.Merged55, new("merged-5.5", "merged as released in 5.5: io_bitmap_exit() acts on current (fork-failure leak, fixed in 5.7), CLI/STI under iopl(3) raise #GP")),
        (IopermVariant.V2Patch11, new("v2-11-16", "[patch V2 11/16] \"x86/ioperm: Share I/O bitmap if identical\" (November 2019): the refcounted sharing of merged-5.5, but ksys_ioperm() keeps the refcount kmemdup() copied (V3 resets it), and iopl() still sets the real IOPL")),
        (IopermVariant.Remap, new("remap", "Brian Gerst's proposal in seed 002's thread (7 November 2019, never posted): mainline with the task's bitmap pages remapped into cpu_entry_area instead of copied, flushed only when another bitmap is mapped or it is freed")),
        (IopermVariant.PerThreadTss, new("hpa-tss", "H. Peter Anvin's proposal in seed 002's thread (7 November 2019, never posted): mainline with a pre-formatted TSS per thread loaded with LTR, 88 bytes of TSS fields copied when the thread moves; with PTI it cannot work (Brian Gerst), an oops of the tss_struct")),
    ]);

    public static MechanismDeclaration Declaration { get; } = new(
        Name,
        "I/O port permissions: ioperm(), iopl() and the TSS I/O bitmap",
        Variants.Declarations,
        Variants.NameOf(IopermVariant.Merged),
        [
            new("ioperm", StepForm.Call,
                [new("from", ParameterKind.Number, typeof(ulong)) { Units = true }, new("num", ParameterKind.Number, typeof(ulong)) { Units = true }, new("turn_on", ParameterKind.Switch, typeof(int))],
                ResultKind.ReturnValue, "IopermStep", "arch/x86/kernel/ioport.c: ksys_ioperm()"),
            new(LockedPoints.Iopl, StepForm.Call, [new("level", ParameterKind.Number, typeof(uint)) { Units = true }], ResultKind.ReturnValue, "IoplStep", "arch/x86/kernel/ioport.c: SYSCALL_DEFINE1(iopl)"),
            .. Ports.Select(p => Port(p.Mnemonic, p.Width, p.Models)),
            new("cli", StepForm.Instruction, [], ResultKind.Fault, "InterruptFlagStep", "a user-mode CLI: #GP unless IOPL is 3 (the merged kernel's emulated iopl(3) makes it a NOP)")
                { Fixed = [false], Fault = Outcome.GeneralProtection },
            new("sti", StepForm.Instruction, [], ResultKind.Fault, "InterruptFlagStep", "a user-mode STI, as cli") { Fixed = [true], Fault = Outcome.GeneralProtection },
            new("pushf", StepForm.Instruction, [], ResultKind.Eflags, "PushfStep", "a user-mode PUSHF: the EFLAGS user mode sees"),
        ],
        [
            new("tss", "io_bitmap_base", PropertyArgument.Cpu, PropertyType.Name, nameof(IoportObservations.TssIoBitmapBase), "where the CPU's TSS points for the I/O bitmap", Owner: typeof(IoportObservations)) { Names = IoportObservations.BaseNames },
            new("tss", "prev_max", PropertyArgument.Cpu, PropertyType.Bytes, nameof(IoportObservations.TssPrevMax), "bytes of the last copied bitmap that may hold zero bits (merged, v2-06-16)", Owner: typeof(IoportObservations)),
            new("tss", "prev_sequence", PropertyArgument.Cpu, PropertyType.Count, nameof(IoportObservations.TssPrevSequence), "sequence number of the last copied bitmap (merged)", Owner: typeof(IoportObservations)),
            new("tss", "bytes_copied", PropertyArgument.Cpu, PropertyType.Bytes, nameof(IoportObservations.TssBytesCopied), "bytes copied into this CPU's TSS bitmap since boot", Owner: typeof(IoportObservations)),
            new("tss", "allowed_ports", PropertyArgument.Cpu, PropertyType.Count, nameof(IoportObservations.TssAllowedPorts), "ports a user-mode inb on this CPU would be allowed now (0 with an invalid base)", Owner: typeof(IoportObservations)),
            new("bitmap", null, PropertyArgument.Task, PropertyType.Object, nameof(IoportObservations.Bitmap), "the task's I/O bitmap object, or none", Owner: typeof(IoportObservations)),
            new("bitmap", "refcnt", PropertyArgument.Task, PropertyType.Count, nameof(IoportObservations.BitmapRefcount), "tasks sharing the bitmap (struct io_bitmap's refcnt; merged)", Owner: typeof(IoportObservations)),
            new("bitmap", "refcount", PropertyArgument.Task, PropertyType.Count, nameof(IoportObservations.BitmapRefcount), "the same as refcnt, by its older name", Owner: typeof(IoportObservations)),
            new("bitmap", "max", PropertyArgument.Task, PropertyType.Bytes, nameof(IoportObservations.BitmapMax), "bytes up to the last long holding a zero bit", Owner: typeof(IoportObservations)),
            new("bitmap", "sequence", PropertyArgument.Task, PropertyType.Count, nameof(IoportObservations.BitmapSequence), "the bitmap's sequence number (merged)", Owner: typeof(IoportObservations)),
            new("bitmap", "allowed_ports", PropertyArgument.Task, PropertyType.Count, nameof(IoportObservations.BitmapAllowedPorts), "how many ports the bitmap allows", Owner: typeof(IoportObservations)),
            new("task", "iopl", PropertyArgument.Task, PropertyType.Count, nameof(IoportObservations.TaskIopl), "the task's I/O privilege level (emulated or real)", Owner: typeof(IoportObservations)),
            new("task", "tif_io_bitmap", PropertyArgument.Task, PropertyType.Flag, nameof(IoportObservations.TaskTifIoBitmap), "whether TIF_IO_BITMAP is set", Owner: typeof(IoportObservations)),
            new("task", "eflags", PropertyArgument.Task, PropertyType.Register, nameof(IoportObservations.TaskEflags), "the EFLAGS user mode sees (what pushf pushes)", Owner: typeof(IoportObservations)),
            new("machine", "tss_bytes_copied", PropertyArgument.None, PropertyType.Bytes, nameof(IoportObservations.TssBytesCopied), "bytes copied into all TSS bitmaps (the CPUs' and, under hpa-tss, the threads')", Owner: typeof(IoportObservations)),
            new("machine", "tss_bytes_cleared", PropertyArgument.None, PropertyType.Bytes, nameof(IoportObservations.TssBytesCleared), "bytes of TSS bitmaps reset to 0xff", Owner: typeof(IoportObservations)),
            new("machine", "bitmap_pte_writes", PropertyArgument.None, PropertyType.Count, nameof(IoportObservations.BitmapPteWrites), "PTEs of cpu_entry_area's bitmap pages written (remap: two per remap or unmap)", Owner: typeof(IoportObservations)),
            new("machine", "invlpg", PropertyArgument.None, PropertyType.Count, nameof(IoportObservations.Invlpg), "single-page TLB flushes of those pages, on every CPU (remap)", Owner: typeof(IoportObservations)),
            new("machine", "flush_ipis", PropertyArgument.None, PropertyType.Count, nameof(IoportObservations.FlushIpis), "TLB shootdown IPIs sent for them (remap: a freed bitmap)", Owner: typeof(IoportObservations)),
            new("machine", "ltr", PropertyArgument.None, PropertyType.Count, nameof(IoportObservations.Ltr), "loads of a task register (hpa-tss)", Owner: typeof(IoportObservations)),
            new("machine", "tss_field_bytes", PropertyArgument.None, PropertyType.Bytes, nameof(IoportObservations.TssFieldBytes), "bytes of TSS fields copied into per-thread TSSes on their first load and each move to another CPU (hpa-tss: 88 each)", Owner: typeof(IoportObservations)),
            new("machine", "bitmaps_allocated", PropertyArgument.None, PropertyType.Count, nameof(IoportObservations.BitmapsAllocated), "I/O bitmaps allocated since boot", Owner: typeof(IoportObservations)),
            new("machine", "bitmap_bytes_allocated", PropertyArgument.None, PropertyType.Bytes, nameof(IoportObservations.BitmapBytesAllocated), "bytes kmalloc() handed out for those bitmaps (16 KiB for an 8,208-byte struct io_bitmap)", Owner: typeof(IoportObservations)),
            new("machine", "bitmaps_freed", PropertyArgument.None, PropertyType.Count, nameof(IoportObservations.BitmapsFreed), "I/O bitmaps freed since boot", Owner: typeof(IoportObservations)),
            new("machine", "live_bitmaps", PropertyArgument.None, PropertyType.Count, nameof(IoportObservations.LiveBitmaps), "I/O bitmaps allocated and not freed", Owner: typeof(IoportObservations)),
        ],
        [
            new(IoBitmap.KindName, "struct io_bitmap, a task's I/O permission bitmap"),
            new(ThreadTss.KindName, "a thread's own TSS with its I/O bitmap (hpa-tss)"),
        ],
        [.. PreemptionPoints.All, .. LockedPoints.All, .. TrapPoints],
        new CostDeclaration(
            [
                new(CopiedCounter, IoportObservations.TssBytesCopied),
                new(ClearedCounter, IoportObservations.TssBytesCleared),
                new(AllocatedCounter, IoportObservations.BitmapsAllocated),
                new(AllocatedBytesCounter, IoportObservations.BitmapBytesAllocated),
                new(FreedCounter, IoportObservations.BitmapsFreed),
                new(LiveCounter, IoportObservations.LiveBitmaps),
                new(PteCounter, IoportObservations.BitmapPteWrites),
                new(InvlpgCounter, IoportObservations.Invlpg),
                new(IpiCounter, IoportObservations.FlushIpis),
                new(LtrCounter, IoportObservations.Ltr),
                new(FieldsCounter, IoportObservations.TssFieldBytes),
                new(ThreadTssCounter, IoportObservations.ThreadTssBytesAllocated),
            ],
            CostLines,
            [
                new("TSS copied", c => Units.Bytes(c[CopiedCounter])),
                new("TSS cleared", c => Units.Bytes(c[ClearedCounter])),
                new("bitmaps alloc/freed/live", c => $"{c[AllocatedCounter]}/{c[FreedCounter]}/{c[LiveCounter]}"),
                new("PTE/invlpg/IPI", c => $"{c[PteCounter]}/{c[InvlpgCounter]}/{c[IpiCounter]}"),
                new("LTR/TSS fields", c => $"{c[LtrCounter]}/{Units.Bytes(c[FieldsCounter])}"),
            ]))
    {
        PreemptionPoints = PreemptionPoints.All,
        Hooks = Create,
    };

    private static StepDeclaration Port(string mnemonic, int width, string models) =>
        new(mnemonic, StepForm.Instruction, [new("port", ParameterKind.Number, typeof(int), Max: 0xffff) { RangeMeaning = "ports are 0 to 0xffff" }],
            ResultKind.Fault, "PortStep", models) { Fixed = [mnemonic, width], Fault = Outcome.GeneralProtection };

    private const string CopiedCounter = "tss_bytes_copied";
    private const string ClearedCounter = "tss_bytes_cleared";
    private const string AllocatedCounter = "bitmaps_allocated";
    private const string AllocatedBytesCounter = "bitmap_bytes_allocated";
    private const string FreedCounter = "bitmaps_freed";
    private const string LiveCounter = "live_bitmaps";
    private const string PteCounter = "bitmap_pte_writes";
    private const string InvlpgCounter = "invlpg";
    private const string IpiCounter = "flush_ipis";
    private const string LtrCounter = "ltr";
    private const string FieldsCounter = "tss_field_bytes";
    private const string ThreadTssCounter = "thread_tss_bytes_allocated";

    // The costs of seed 002's proposals are zero under every kernel, and printed only where a proposal ran.
    private static IReadOnlyList<string> CostLines(CostValues c)
    {
        List<string> lines =
        [
            $"{Units.Bytes(c[CopiedCounter])} copied into TSS bitmaps, {Units.Bytes(c[ClearedCounter])} cleared",
            $"{Units.Count(c[AllocatedCounter], "I/O bitmap")} allocated ({Units.Bytes(c[AllocatedBytesCounter])} from kmalloc), {c[FreedCounter]} freed, {c[LiveCounter]} live",
        ];
        if (c[PteCounter] + c[InvlpgCounter] + c[IpiCounter] != 0)
            lines.Add($"{Units.Count(c[PteCounter], "bitmap PTE")} written, {c[InvlpgCounter]} invlpg, {Units.Count(c[IpiCounter], "shootdown IPI")}");
        if (c[LtrCounter] + c[FieldsCounter] + c[ThreadTssCounter] != 0)
            lines.Add($"{c[LtrCounter]} LTR, {Units.Bytes(c[FieldsCounter])} of TSS fields copied on first loads and migrations, {Units.Bytes(c[ThreadTssCounter])} of per-thread TSSes from kmalloc");
        return lines;
    }

    /// <summary>The configuration with <paramref name="variant"/> for ioperm and the others' variants unchanged.</summary>
    public static KernelConfig With(this KernelConfig config, IopermVariant variant) => Variants.With(config, variant);

    /// <summary>The kernel's I/O port code in the configured version.</summary>
    internal static IoportModel Create(LinuxKernel kernel) => Variants.VariantOf(kernel.Config) switch
    {
        IopermVariant.Pre55 => new PrePatchIoport(kernel),
        IopermVariant.V1Patch05 => new V1Patch05Ioport(kernel),
        IopermVariant.V2Patch06 => new V2Patch06Ioport(kernel),
        IopermVariant.Merged => new MergedIoport(kernel, IopermVariant.Merged),
        IopermVariant.Merged55 => new MergedIoport(kernel, IopermVariant.Merged55),
        IopermVariant.V2Patch11 => new MergedIoport(kernel, IopermVariant.V2Patch11),
        IopermVariant.Remap => new RemapIoport(kernel),
        IopermVariant.PerThreadTss => new PerThreadTssIoport(kernel),
        var other => throw new System.Diagnostics.UnreachableException($"ioperm variant {other}"),
    };
}
