using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Mechanisms.Ioport;
using ScenarioLang.Runtime.Tracking;
using static ScenarioLang.Tests.Runtime.Kscn;

namespace ScenarioLang.Tests.Runtime;

/// <summary>The user EFLAGS (pt_regs->flags): IOPL and IF as CLI, STI and PUSHF see them under each kernel.</summary>
public sealed class UserFlagsTests
{
    private const string NopLine = "traps: A[1] attempts to use CLI/STI, pretending it's a NOP";

    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void A_task_starts_with_IF_and_the_fixed_bit(IopermVariant variant)
    {
        var sim = Sim.RootA(variant).Pushf("A", 0x202);
        Assert.Equal(0x202, sim.Observe.TaskEflags(sim["A"]));
        sim.Finish();
    }

    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void Without_iopl_CLI_and_STI_raise_GP(IopermVariant variant)
    {
        Sim.RootA(variant).Cli("A", GP).Sti("A", GP).Pushf("A", 0x202).Finish();
    }

    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void Merged_pushf_shows_IOPL_0_after_iopl3(IopermVariant variant)
    {
        Sim.RootA(variant).Iopl("A", 3, Zero).Pushf("A", 0x202).Finish();
    }

    [Theory]
    [ClassData(typeof(BitmapPtrVariants))]
    public void Pre_merge_iopl3_sets_the_real_IOPL_so_CLI_and_STI_change_IF(IopermVariant variant)
    {
        Sim.RootA(variant).Iopl("A", 3, Zero)
            .Pushf("A", 0x3202)
            .Cli("A", Ok).Pushf("A", 0x3002)
            .Sti("A", Ok).Pushf("A", 0x3202)
            .Finish();
    }

    [Theory]
    [ClassData(typeof(BitmapPtrVariants))]
    public void Pre_merge_exec_resets_the_flags_to_IF(IopermVariant variant)
    {
        var sim = Sim.RootA(variant).Iopl("A", 3, Zero).Cli("A", Ok).Exec("A").Pushf("A", 0x202).Cli("A", GP);
        sim.Finish();
    }

    [Fact]
    public void Merged_55_CLI_and_STI_under_iopl3_raise_GP()
    {
        var result = Sim.RootA(IopermVariant.Merged55).Iopl("A", 3, Zero).Cli("A", GP).Sti("A", GP).Finish();
        Assert.DoesNotContain(result.Entries.SelectMany(e => e.Notes), n => n.Contains("pretending", StringComparison.Ordinal));
    }

    // b968e84b509d "x86/iopl: Fake iopl(3) CLI/STI usage": skipped as NOPs, logged once per thread.
    [Fact]
    public void Mainline_CLI_and_STI_under_iopl3_are_NOPs_logged_once()
    {
        var result = Sim.RootA(IopermVariant.Merged).Iopl("A", 3, Zero)
            .Cli("A", Ok).Pushf("A", 0x202)
            .Sti("A", Ok).Cli("A", Ok)
            .Finish();
        var notes = result.Entries.SelectMany(e => e.Notes).ToList();
        Assert.Single(notes, n => n == NopLine);
        Assert.Equal(3, notes.Count(n => n.StartsWith("#GP fixed up:", StringComparison.Ordinal)));
    }

    [Fact]
    public void Mainline_the_NOP_fixup_needs_iopl_emul_3()
    {
        Sim.RootA(IopermVariant.Merged).Iopl("A", 3, Zero).Cli("A", Ok).Iopl("A", 0, Zero).Cli("A", GP).Finish();
    }

    // copy_thread(): p->thread.iopl_warn = 0, so a child warns once on its own.
    [Fact]
    public void Mainline_a_forked_child_logs_its_own_warning()
    {
        var sim = Sim.RootA(IopermVariant.Merged).Iopl("A", 3, Zero).Cli("A", Ok);
        var child = sim.Fork("A", "C");
        Assert.True(sim["A"].Thread.IoplWarn);
        Assert.False(child.Thread.IoplWarn);
        var result = sim.Run("C").Cli("C", Ok).Run("A").Cli("A", Ok).Finish();
        var notes = result.Entries.SelectMany(e => e.Notes).ToList();
        Assert.Single(notes, n => n == NopLine);
        Assert.Single(notes, n => n == "traps: C[2] attempts to use CLI/STI, pretending it's a NOP");
    }

    [Fact]
    public void Flags_keep_bit_1_whatever_is_written()
    {
        var regs = new PtRegs(new StateTracker(), new("T.regs.flags")) { Flags = 0 };
        Assert.Equal(PtRegs.Fixed, regs.Flags);
        regs.Iopl = 3;
        Assert.Equal(0x3002ul, regs.Flags);
        regs.InterruptsEnabled = true;
        Assert.Equal(0x3202ul, regs.Flags);
    }

    [Fact]
    public void Pushf_prints_its_outcome_in_hex()
    {
        Assert.Equal("0x3202", Flags(0x3202).ToString());
        var sim = Sim.RootA(IopermVariant.Merged);
        sim.Raw.Run(sim.Raw.PushfStep(new ScenarioLang.Runtime.Step(1, 1, "A: pushf -> 0x3202"), "A: pushf", "-> 0x3202", 0, sim["A"], Flags(0x3202)));
        var entry = sim.Raw.Complete().Entries[^1];
        Assert.Equal("got 0x202", entry.Failure);
    }
}
