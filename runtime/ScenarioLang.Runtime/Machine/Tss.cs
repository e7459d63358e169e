using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Machine;

/// <summary>Where io_bitmap_base points: the task map, the all-zero map (iopl 3), or past the TSS limit.</summary>
public enum IoBitmapBase
{
    /// <summary>IO_BITMAP_OFFSET_INVALID: outside the TSS limit, so every user I/O instruction raises #GP.</summary>
    Invalid,
    /// <summary>IO_BITMAP_OFFSET_VALID_MAP: the CPU checks the copy of the task's bitmap in the TSS.</summary>
    ValidMap,
    /// <summary>IO_BITMAP_OFFSET_VALID_ALL: the all-zero map that emulates iopl(3).</summary>
    ValidAll,
}

/// <summary>
/// The per-CPU TSS (struct tss_struct, arch/x86/include/asm/processor.h): the io_bitmap_base of the
/// hardware TSS and struct x86_io_bitmap with its one extra long past the bitmap, which the CPU may
/// read because it always fetches two bytes.
/// </summary>
public sealed class Tss
{
    /// <summary>IO_BITMAP_BITS: one bit per port of the 64 KiB I/O space.</summary>
    public const int IoBitmapBits = 65536;

    public const int IoBitmapBytes = IoBitmapBits / 8;

    public const int IoBitmapLongs = IoBitmapBytes / sizeof(ulong);

    private static readonly ulong[] MapAll = CreateMapAll();

    // tss_setup_io_bitmap()'s all-ones map, which every TSS starts as and copies when the kernel first writes it.
    private static readonly ulong[] AllDenied = CreateAllDenied();

    private readonly Tracked<IoBitmapBase> _ioBitmapBase;
    private readonly Tracked<ulong> _prevSequence;
    private readonly Tracked<int> _prevMax;
    private readonly Tracked<long> _bytesCopied;
    private readonly Tracked<long> _bytesCleared;
    private readonly Tracked<TrackedArray<ulong>?> _bitmapPages;

    // The TSS is per CPU, but de_thread() runs another CPU's exit path, so its fields are tracked like any shared state.
    public Tss(int cpu, StateTracker tracker)
    {
        Cpu = cpu;
        _ioBitmapBase = new(tracker, MemoryLocation.OfCpu(cpu, "tss.io_bitmap_base"), IoBitmapBase.Invalid);
        _prevSequence = new(tracker, MemoryLocation.OfCpu(cpu, "tss.prev_sequence"), 0);
        _prevMax = new(tracker, MemoryLocation.OfCpu(cpu, "tss.prev_max"), 0);
        _bytesCopied = new(tracker, MemoryLocation.OfCpu(cpu, "tss.bytes_copied"), 0);
        _bytesCleared = new(tracker, MemoryLocation.OfCpu(cpu, "tss.bytes_cleared"), 0);
        _bitmapPages = new(tracker, MemoryLocation.OfCpu(cpu, "tss.bitmap_pages"), null);
        Bitmap = TrackedArray<ulong>.CopyOnWrite(tracker, MemoryLocation.OfCpu(cpu, "tss.bitmap"), AllDenied);
    }

    public int Cpu { get; }

    public IoBitmapBase IoBitmapBase
    {
        get => _ioBitmapBase.Value;
        set => _ioBitmapBase.Value = value;
    }

    /// <summary>unsigned long bitmap[IO_BITMAP_LONGS + 1]; the extra long stays all ones.</summary>
    internal TrackedArray<ulong> Bitmap { get; }

    /// <summary>
    /// Other memory the CPU reads at the bitmap's address, or null for <see cref="Bitmap"/>: the pages of a task's
    /// bitmap mapped there in cpu_entry_area, or the map of a per-thread TSS loaded into the task register. Only seed
    /// 002's proposals do either; the extra long past the bitmap stays this TSS's own.
    /// </summary>
    public TrackedArray<ulong>? BitmapPages
    {
        get => _bitmapPages.Value;
        set => _bitmapPages.Value = value;
    }

    /// <summary>x86_io_bitmap.prev_sequence: the sequence of the bitmap last copied in (merged kernel).</summary>
    public ulong PrevSequence
    {
        get => _prevSequence.Value;
        set => _prevSequence.Value = value;
    }

    /// <summary>x86_io_bitmap.prev_max: how many bytes of that bitmap may hold zero bits (merged kernel).</summary>
    public int PrevMax
    {
        get => _prevMax.Value;
        set => _prevMax.Value = value;
    }

    /// <summary>Bytes memcpy'd into the bitmap since boot: the cost argued about in seed 002.</summary>
    public long BytesCopied
    {
        get => _bytesCopied.Value;
        private set => _bytesCopied.Value = value;
    }

    /// <summary>Bytes memset to 0xff since boot (the pre-5.5 kernel clears on switch-out and exit).</summary>
    public long BytesCleared
    {
        get => _bytesCleared.Value;
        private set => _bytesCleared.Value = value;
    }

    // memcpy(tss->io_bitmap.bitmap, iobm->bitmap, bytes)
    public void CopyIn(ReadOnlySpan<ulong> source, int bytes)
    {
        source[..LongsIn(bytes)].CopyTo(Bitmap.Write());
        BytesCopied += bytes;
    }

    // memcpy(dst + start, src + start, length) into the bitmap: a byte range at the same offset in both
    public void CopyIn(ReadOnlySpan<ulong> source, int start, int length)
    {
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(source).Slice(start, length).ToArray();
        bytes.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(Bitmap.Write()).Slice(start));
        BytesCopied += length;
    }

    // memset(tss->io_bitmap.bitmap, 0xff, bytes)
    public void Clear(int bytes)
    {
        Bitmap.Write()[..LongsIn(bytes)].Fill(ulong.MaxValue);
        BytesCleared += bytes;
    }

    /// <summary>
    /// The processor's check of a user-mode IN/OUT when CPL &gt; IOPL (Intel SDM vol. 1, 19.5.2): read the
    /// two bytes at io_bitmap_base + port/8, #GP if they lie past the TSS limit, else every bit of
    /// the accessed ports must be 0.
    /// </summary>
    public bool Permits(int port, int width)
    {
        if (IoBitmapBase == IoBitmapBase.Invalid)
            return false;
        var word = MapByte(port / 8) | (MapByte(port / 8 + 1) << 8);
        var mask = (1 << width) - 1;
        return ((word >> (port % 8)) & mask) == 0;
    }

    /// <summary>Whether the TSS's map allows a port (what the CPU would see with a valid base).</summary>
    public bool MapAllows(int port) => (ReadMap(port / 8) & (1 << (port % 8))) == 0;

    private int MapByte(int index) => IoBitmapBase == IoBitmapBase.ValidAll ? ReadByte(MapAll, index) : ReadMap(index);

    private int ReadMap(int index) =>
        BitmapPages is { } pages && index < IoBitmapBytes ? ReadByte(pages.Read(), index) : ReadByte(Bitmap.Read(), index);

    private static int ReadByte(ReadOnlySpan<ulong> map, int index) => (int)((map[index / 8] >> (index % 8 * 8)) & 0xff);

    private static int LongsIn(int bytes)
    {
        if (bytes % sizeof(ulong) != 0 || bytes < 0 || bytes > IoBitmapBytes)
            throw new ArgumentOutOfRangeException(nameof(bytes), bytes, "copies into the TSS bitmap are whole longs");
        return bytes / sizeof(ulong);
    }

    private static ulong[] CreateAllDenied()
    {
        var map = new ulong[IoBitmapLongs + 1];
        Array.Fill(map, ulong.MaxValue);
        return map;
    }

    private static ulong[] CreateMapAll()
    {
        // tss_setup_io_bitmap(): mapall[IO_BITMAP_LONGS] = ~0UL, the rest zero.
        var map = new ulong[IoBitmapLongs + 1];
        map[IoBitmapLongs] = ulong.MaxValue;
        return map;
    }
}
