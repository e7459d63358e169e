using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Mechanisms.Ioport;

/// <summary>
/// Per-CPU state of seed 002's two proposals, which no merged kernel has: the bitmap remapped into this CPU's
/// cpu_entry_area (Brian Gerst), the per-thread TSS in its task register (hpa), and what each costs. Counters are per
/// CPU so that two CPUs' switches stay independent; the machine's figures are their sums.
/// </summary>
public sealed class IoCpu(StateTracker tracker, Tss tss)
{
    private readonly Tracked<IoBitmap?> _mapped = new(tracker, Field(tss, "io_bitmap_mapped"), null);
    private readonly Tracked<ThreadTss?> _taskRegister = new(tracker, Field(tss, "tr"), null);
    private readonly Tracked<long> _pteWrites = new(tracker, Field(tss, "bitmap_pte_writes"), 0);
    private readonly Tracked<long> _invlpg = new(tracker, Field(tss, "invlpg"), 0);
    private readonly Tracked<long> _flushIpis = new(tracker, Field(tss, "flush_ipis"), 0);
    private readonly Tracked<long> _ltr = new(tracker, Field(tss, "ltr"), 0);
    private readonly Tracked<long> _tssFieldBytes = new(tracker, Field(tss, "tss_field_bytes"), 0);
    private readonly Tracked<long> _threadTssBytes = new(tracker, Field(tss, "thread_tss_bytes"), 0);

    private static MemoryLocation Field(Tss tss, string name) => MemoryLocation.OfCpu(tss.Cpu, name);

    /// <summary>The CPU's own TSS in cpu_entry_area.</summary>
    public Tss Tss => tss;

    /// <summary>The bitmap whose pages this CPU's cpu_entry_area maps ("track which task is mapped to the current cpu").</summary>
    public IoBitmap? Mapped
    {
        get => _mapped.Value;
        set => _mapped.Value = value;
    }

    /// <summary>The per-thread TSS the task register points at, or null for the CPU's own in cpu_entry_area.</summary>
    public ThreadTss? TaskRegister
    {
        get => _taskRegister.Value;
        set => _taskRegister.Value = value;
    }

    /// <summary>PTEs of cpu_entry_area's bitmap pages written (a remap of the 8 KiB bitmap writes two).</summary>
    public long PteWrites
    {
        get => _pteWrites.Value;
        set => _pteWrites.Value = value;
    }

    /// <summary>Single-page TLB flushes this CPU executed for the bitmap's pages.</summary>
    public long Invlpg
    {
        get => _invlpg.Value;
        set => _invlpg.Value = value;
    }

    /// <summary>TLB shootdown IPIs this CPU sent.</summary>
    public long FlushIpis
    {
        get => _flushIpis.Value;
        set => _flushIpis.Value = value;
    }

    /// <summary>LTR instructions: loads of the task register.</summary>
    public long Ltr
    {
        get => _ltr.Value;
        set => _ltr.Value = value;
    }

    /// <summary>Bytes of TSS fields (stack pointers) copied into a per-thread TSS that moved to this CPU.</summary>
    public long TssFieldBytes
    {
        get => _tssFieldBytes.Value;
        set => _tssFieldBytes.Value = value;
    }

    /// <summary>Bytes of bitmap this CPU copied into per-thread TSSes.</summary>
    public long ThreadTssBytes
    {
        get => _threadTssBytes.Value;
        set => _threadTssBytes.Value = value;
    }
}
