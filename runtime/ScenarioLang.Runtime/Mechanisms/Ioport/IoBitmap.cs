using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Tracing;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Mechanisms.Ioport;

/// <summary>
/// A task's I/O permission bitmap: struct io_bitmap (arch/x86/include/asm/io_bitmap.h) in the merged
/// kernel; the bare <c>thread.io_bitmap_ptr</c> array before it, where <see cref="Sequence"/> and
/// <see cref="Refcnt"/> do not exist. A 0 bit allows the port.
/// </summary>
public sealed class IoBitmap : KernelObject
{
    public const string KindName = "io_bitmap";

    /// <summary>IO_BITMAP_BITS: one bit per port, as the TSS's map has.</summary>
    public const int Bits = Tss.IoBitmapBits;

    /// <summary>IO_BITMAP_BYTES.</summary>
    public const int Bytes = Tss.IoBitmapBytes;

    /// <summary>IO_BITMAP_LONGS.</summary>
    public const int Longs = Tss.IoBitmapLongs;

    /// <summary>
    /// sizeof(struct io_bitmap) (arch/x86/include/asm/io_bitmap.h): u64 sequence, refcount_t refcnt, unsigned int max,
    /// then the bitmap: 8,208 bytes, which kmalloc() serves from 16 KiB (<see cref="KernelHeap.KmallocSize"/>).
    /// </summary>
    public const int StructBytes = sizeof(ulong) + sizeof(int) + sizeof(uint) + Bytes;

    private readonly Tracked<ulong> _sequence;
    private readonly Tracked<int> _max;
    private readonly Tracked<Refcount?> _refcnt;

    private IoBitmap(KernelHeap heap, string site, int size, ulong[] bitmap, ulong sequence = 0, int max = 0) : base(heap, KindName, size, site)
    {
        Bitmap = new(Tracker, Field("bitmap"), bitmap);
        _sequence = new(Tracker, Field("sequence"), sequence);
        _max = new(Tracker, Field("max"), max);
        _refcnt = new(Tracker, Field("refcnt"), null);
    }

    /// <summary>unsigned long bitmap[IO_BITMAP_LONGS].</summary>
    internal TrackedArray<ulong> Bitmap { get; }

    /// <summary>The merged kernel's sequence number, taken from io_bitmap_sequence on every change.</summary>
    public ulong Sequence
    {
        get => _sequence.Value;
        set => _sequence.Value = value;
    }

    /// <summary>The merged kernel's max: bytes to copy so that all zero bits are covered.</summary>
    public int Max
    {
        get => _max.Value;
        set => _max.Value = value;
    }

    /// <summary>The merged kernel's refcount (null in the kernels that duplicate on fork).</summary>
    public Refcount? Refcnt
    {
        get => _refcnt.Value;
        private set => _refcnt.Value = value;
    }

    /// <summary>
    /// kmalloc() + memset(0xff), every port denied: of <see cref="StructBytes"/> for the merged kernel's struct io_bitmap,
    /// of IO_BITMAP_BYTES (<see cref="Bytes"/>) for the bare thread.io_bitmap_ptr array before it.
    /// </summary>
    public static IoBitmap Allocate(KernelHeap heap, string site, int size)
    {
        var bitmap = new ulong[Longs];
        Array.Fill(bitmap, ulong.MaxValue);
        return heap.Register(new IoBitmap(heap, site, size, bitmap));
    }

    public override int AllocatedBytes => KernelHeap.KmallocSize(Size);

    /// <summary>"8 KiB", or "8208 bytes in a 16 KiB allocation" where kmalloc() rounds up.</summary>
    public string SizeText => Size == AllocatedBytes ? Units.Bytes(Size) : $"{Size} bytes in a {Units.Bytes(AllocatedBytes)} allocation";

    // mm/util.c: kmemdup()
    public IoBitmap Duplicate(KernelHeap heap, string site)
    {
        heap.Access(this, site);
        var copy = heap.Register(new IoBitmap(heap, site, Size, Bitmap.Read().ToArray(), Sequence, Max));
        // kmemdup copies the refcount too; the caller decides whether to reset it.
        if (Refcnt is not null)
            copy.AddRefcount(heap, Refcnt.Value);
        return copy;
    }

    public void AddRefcount(KernelHeap heap, int initial) => Refcnt = new Refcount(heap, this, initial);

    // lib/bitmap.c: bitmap_clear() / bitmap_set()
    public void Update(ulong from, ulong num, bool turnOn)
    {
        var bitmap = Bitmap.Write();
        for (var port = from; port < from + num; port++)
        {
            var bit = 1UL << (int)(port % 64);
            if (turnOn)
                bitmap[(int)(port / 64)] &= ~bit;
            else
                bitmap[(int)(port / 64)] |= bit;
        }
    }

    /// <summary>The index of the last long with a zero bit, or -1 when every port is denied.</summary>
    public int LastLongWithZeroBit()
    {
        return Bitmap.Read().LastIndexOfAnyExcept(ulong.MaxValue);
    }

    public bool Allows(int port) => (Bitmap[port / 64] & (1UL << (port % 64))) == 0;

    /// <summary>How many ports the bitmap allows.</summary>
    public int AllowedPorts()
    {
        var count = 0;
        foreach (var word in Bitmap.Read())
            count += 64 - System.Numerics.BitOperations.PopCount(word);
        return count;
    }
}
