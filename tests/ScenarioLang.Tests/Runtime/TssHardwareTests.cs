using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Mechanisms.Ioport;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Tests.Runtime;

/// <summary>Tss.Permits: the processor's check of a user-mode IN/OUT against io_bitmap_base and the map.</summary>
public sealed class TssHardwareTests
{
    private static readonly int[] AllowedPorts = [0x80, 0x81, 0x82, 0x83, 0x87, 0x88];

    /// <summary>A TSS whose map was copied whole from a bitmap allowing <paramref name="ports"/>, base as given.</summary>
    private static Tss TssAllowing(IoBitmapBase bitmapBase, params int[] ports)
    {
        var bitmap = IoBitmap.Allocate(new KernelHeap(new StateTracker()), "test", IoBitmap.StructBytes);
        foreach (var port in ports)
            bitmap.Update((ulong)port, 1, turnOn: true);
        var tss = new Tss(0, new StateTracker());
        tss.CopyIn(bitmap.Bitmap.Read(), IoBitmap.Bytes);
        tss.IoBitmapBase = bitmapBase;
        return tss;
    }

    [Theory]
    [InlineData(0x80, 1, true)]
    [InlineData(0x80, 2, true)]
    [InlineData(0x80, 4, true)]
    [InlineData(0x84, 1, false)]
    [InlineData(0x83, 2, false)] // 0x83 allowed, 0x84 denied
    [InlineData(0x82, 4, false)] // 0x82, 0x83 allowed, 0x84, 0x85 denied
    [InlineData(0x7f, 2, false)] // 0x7f denied, 0x80 allowed
    [InlineData(0x87, 2, true)]  // crosses a byte boundary, both allowed
    [InlineData(0x87, 4, false)] // 0x87, 0x88 allowed, 0x89 denied
    [InlineData(0x86, 4, false)] // 0x86 denied
    public void Every_byte_of_the_access_must_be_allowed(int port, int width, bool permitted)
    {
        Assert.Equal(permitted, TssAllowing(IoBitmapBase.ValidMap, AllowedPorts).Permits(port, width));
    }

    [Fact]
    public void An_invalid_base_denies_even_ports_the_map_allows()
    {
        var tss = TssAllowing(IoBitmapBase.Invalid, AllowedPorts);
        Assert.True(tss.MapAllows(0x80));
        Assert.False(tss.Permits(0x80, 1));
        Assert.False(tss.Permits(0x80, 4));
    }

    [Fact]
    public void Valid_all_allows_every_port_but_a_word_at_0xffff()
    {
        var tss = TssAllowing(IoBitmapBase.ValidAll);
        Assert.False(tss.MapAllows(0));
        Assert.True(tss.Permits(0, 1));
        Assert.True(tss.Permits(0x3f8, 4));
        Assert.True(tss.Permits(0xffff, 1));
        Assert.True(tss.Permits(0xfffc, 4));
        Assert.False(tss.Permits(0xffff, 2));
        Assert.False(tss.Permits(0xfffe, 4));
    }

    // The extra long past the map stays all ones: the second byte read for port 0xffff is always denied.
    [Fact]
    public void A_map_allowing_everything_still_denies_a_word_at_0xffff()
    {
        var tss = TssAllowing(IoBitmapBase.ValidMap, Enumerable.Range(0, IoBitmap.Bits).ToArray());
        Assert.True(tss.Permits(0xffff, 1));
        Assert.False(tss.Permits(0xffff, 2));
    }

    [Fact]
    public void Every_TSS_starts_all_denied_and_a_copy_into_one_leaves_the_others_so()
    {
        // The TSSes share their boot-time map until the first write (a machine is made for every explored execution).
        var bitmap = IoBitmap.Allocate(new KernelHeap(new StateTracker()), "test", IoBitmap.StructBytes);
        bitmap.Update(0x80, 1, turnOn: true);
        var (first, second) = (new Tss(0, new StateTracker()) { IoBitmapBase = IoBitmapBase.ValidMap }, new Tss(1, new StateTracker()) { IoBitmapBase = IoBitmapBase.ValidMap });

        first.CopyIn(bitmap.Bitmap.Read(), IoBitmap.Bytes);
        var later = new Tss(2, new StateTracker()) { IoBitmapBase = IoBitmapBase.ValidMap };

        Assert.True(first.Permits(0x80, 1));
        Assert.False(second.Permits(0x80, 1));
        Assert.False(later.Permits(0x80, 1));
        Assert.Equal(0, Enumerable.Range(0, IoBitmap.Bits).Count(port => second.MapAllows(port) || later.MapAllows(port)));
    }

    [Fact]
    public void CopyIn_copies_only_the_first_bytes_and_counts_them()
    {
        var bitmap = IoBitmap.Allocate(new KernelHeap(new StateTracker()), "test", IoBitmap.StructBytes);
        bitmap.Update(0, IoBitmap.Bits, turnOn: true);
        var tss = new Tss(0, new StateTracker()) { IoBitmapBase = IoBitmapBase.ValidMap };

        tss.CopyIn(bitmap.Bitmap.Read(), 8);

        Assert.Equal(8, tss.BytesCopied);
        Assert.True(tss.Permits(63, 1));
        Assert.False(tss.Permits(64, 1));
    }

    [Fact]
    public void Clear_denies_the_cleared_range_again_and_counts_it()
    {
        var tss = TssAllowing(IoBitmapBase.ValidMap, AllowedPorts);
        tss.Clear(8);
        Assert.Equal(8, tss.BytesCleared);
        Assert.True(tss.Permits(0x80, 1));

        tss.Clear(24);
        Assert.False(tss.Permits(0x80, 1));
        Assert.Equal(32, tss.BytesCleared);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(-8)]
    [InlineData(IoBitmap.Bytes + 8)]
    public void Copies_are_whole_longs_within_the_map(int bytes)
    {
        var tss = new Tss(0, new StateTracker());
        var bitmap = IoBitmap.Allocate(new KernelHeap(new StateTracker()), "test", IoBitmap.StructBytes);
        Assert.Throws<ArgumentOutOfRangeException>(() => tss.CopyIn(bitmap.Bitmap.Read(), bytes));
        Assert.Throws<ArgumentOutOfRangeException>(() => tss.Clear(bytes));
    }
}
