using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Mechanisms.Ioport;

/// <summary>
/// H. Peter Anvin's "pre-formatted TSS" (seed 002, 7 November 2019): a struct tss_struct of the thread's own, holding
/// its I/O bitmap, which the task register points at while the thread runs. It holds the stack pointers of the CPU it
/// last ran on (<see cref="Cpu"/>), copied in when the thread moves.
/// </summary>
public sealed class ThreadTss : KernelObject
{
    public const string KindName = "tss_struct";

    /// <summary>
    /// hpa: "copy the TSS fields (88 bytes) over if and only if the thread has been migrated": sp0-sp2 and ist[7] of
    /// struct x86_hw_tss with the reserved word between them.
    /// </summary>
    public const int MigratedFieldBytes = 88;

    /// <summary>sizeof(struct x86_hw_tss) + the bitmap and its extra long (5.4's struct tss_struct): 8,304 bytes.</summary>
    public const int StructBytes = 104 + (Tss.IoBitmapLongs + 1) * sizeof(ulong);

    private readonly Tracked<int> _cpu;
    private readonly Tracked<ulong> _prevSequence;
    private readonly Tracked<int> _prevMax;
    private readonly Tracked<bool> _unmappedReported;

    private ThreadTss(KernelHeap heap, string site) : base(heap, KindName, StructBytes, site)
    {
        var map = new ulong[Tss.IoBitmapLongs];
        Array.Fill(map, ulong.MaxValue);
        Bitmap = new(Tracker, Field("io_bitmap"), map);
        _cpu = new(Tracker, Field("cpu"), -1);
        _prevSequence = new(Tracker, Field("prev_sequence"), 0);
        _prevMax = new(Tracker, Field("prev_max"), 0);
        _unmappedReported = new(Tracker, Field("unmapped_reported"), false);
    }

    public static ThreadTss Allocate(KernelHeap heap, string site) => heap.Register(new ThreadTss(heap, site));

    public override int AllocatedBytes => KernelHeap.KmallocSize(Size);

    /// <summary>The thread's copy of its bitmap, as the CPU's own TSS holds one in the merged kernel.</summary>
    internal TrackedArray<ulong> Bitmap { get; }

    /// <summary>The CPU whose stack pointers the TSS holds, -1 before its first load.</summary>
    public int Cpu
    {
        get => _cpu.Value;
        set => _cpu.Value = value;
    }

    /// <summary>The sequence of the bitmap last copied in.</summary>
    public ulong PrevSequence
    {
        get => _prevSequence.Value;
        set => _prevSequence.Value = value;
    }

    /// <summary>The bytes of that bitmap that may hold zero bits.</summary>
    public int PrevMax
    {
        get => _prevMax.Value;
        set => _prevMax.Value = value;
    }

    /// <summary>Whether Brian Gerst's objection has been reported for this TSS (once is enough to fail the variant).</summary>
    public bool UnmappedReported
    {
        get => _unmappedReported.Value;
        set => _unmappedReported.Value = value;
    }
}
