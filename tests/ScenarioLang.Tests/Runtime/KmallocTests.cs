using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Mechanisms.Ioport;

namespace ScenarioLang.Tests.Runtime;

/// <summary>What kmalloc() hands out under SLUB (mm/slab_common.c's kmalloc caches, then kmalloc_large()).</summary>
public sealed class KmallocTests
{
    [Theory]
    [InlineData(1, 8)]
    [InlineData(8, 8)]
    [InlineData(9, 16)]
    [InlineData(65, 96)]
    [InlineData(97, 128)]
    [InlineData(129, 192)]
    [InlineData(193, 256)]
    [InlineData(8192, 8192)]
    [InlineData(8193, 16384)]
    [InlineData(12288, 16384)]
    [InlineData(16385, 32768)]
    public void A_size_gets_its_cache_or_whole_pages(int size, int handedOut)
    {
        Assert.Equal(handedOut, KernelHeap.KmallocSize(size));
    }

    /// <summary>arch/x86/include/asm/io_bitmap.h: struct io_bitmap is one page pair and 16 bytes too many.</summary>
    [Fact]
    public void A_struct_io_bitmap_is_8208_bytes_in_16_KiB_and_the_bare_bitmap_8_KiB_in_8()
    {
        Assert.Equal(8208, IoBitmap.StructBytes);
        Assert.Equal(16384, KernelHeap.KmallocSize(IoBitmap.StructBytes));
        Assert.Equal(8192, KernelHeap.KmallocSize(IoBitmap.Bytes));
    }
}
