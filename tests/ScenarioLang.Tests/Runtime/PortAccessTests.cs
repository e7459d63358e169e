using ScenarioLang.Runtime.Mechanisms.Ioport;
using ScenarioLang.Runtime.Machine;
using static ScenarioLang.Tests.Runtime.Kscn;

namespace ScenarioLang.Tests.Runtime;

/// <summary>User-mode IN/OUT through a whole scenario: what ioperm() and iopl() grant, as the CPU checks it.</summary>
public sealed class PortAccessTests
{
    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void A_word_or_long_straddling_an_allowed_and_a_denied_port_faults(IopermVariant variant)
    {
        Sim.RootA(variant).Ioperm("A", 0x80, 2, On, Zero)
            .Port("A", 0x80, Ok, width: 2)
            .Port("A", 0x81, GP, width: 2)
            .Port("A", 0x7f, GP, width: 2)
            .Port("A", 0x80, GP, width: 4)
            .Finish();
    }

    // The CPU reads the byte after port 0xffff's from the trailing all-ones long of the TSS.
    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void Port_0xffff_is_allowed_as_a_byte_but_not_as_a_word(IopermVariant variant)
    {
        Sim.RootA(variant).Ioperm("A", 0xffff, 1, On, Zero)
            .Port("A", 0xffff, Ok)
            .Port("A", 0xffff, GP, width: 2)
            .Finish();
    }

    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void Merged_iopl3_allows_all_65536_ports_through_valid_all(IopermVariant variant)
    {
        var sim = Sim.RootA(variant).Iopl("A", 3, Zero);
        Assert.Equal(IoBitmapBase.ValidAll, sim.Tss().IoBitmapBase);
        Assert.All(Enumerable.Range(0, IoBitmap.Bits), port => Assert.True(sim.Tss().Permits(port, 1)));
        sim.Finish();
    }

    // task_update_io_bitmap()/tss_update_io_bitmap(): iopl_emul == 3 is tested before the bitmap; v5.4's
    // real IOPL 3 skips the bitmap check in the CPU.
    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void Iopl3_takes_precedence_over_an_ioperm_bitmap(IopermVariant variant)
    {
        Sim.RootA(variant).Ioperm("A", 0x80, 1, On, Zero)
            .Iopl("A", 3, Zero)
            .Port("A", 0x3f8, Ok)
            .Port("A", 0, Ok, width: 4)
            .Iopl("A", 0, Zero)
            .Port("A", 0x3f8, GP)
            .Port("A", 0x80, Ok)
            .Finish();
    }
}
