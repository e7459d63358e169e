using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Mechanisms.Ioport;
using static ScenarioLang.Tests.Runtime.Kscn;

namespace ScenarioLang.Tests.Runtime;

/// <summary>kernel/sys.c: __sys_setresuid() and the capability fix-up of security/commoncap.c.</summary>
public sealed class CredTests
{
    private const uint Same = LinuxKernel.UidUnchanged;

    [Fact]
    public void Root_and_user_start_with_all_and_no_capabilities()
    {
        var sim = new Sim(IopermVariant.Merged, 1, Root("R"), User("U"));
        Assert.Equal(Cred.Root, sim["R"].Cred);
        Assert.Equal(0, sim.Observe.TaskUid(sim["R"]));
        Assert.Equal(1000, sim.Observe.TaskUid(sim["U"]));
        Assert.True(sim["R"].Cred.Capable(Capabilities.SysRawio));
        Assert.False(sim["U"].Cred.Capable(Capabilities.SysRawio));
        Assert.False(sim["U"].Cred.Capable(Capabilities.Setuid));
    }

    // fs/exec.c: begin_new_exec() -> commit_creds() of security/commoncap.c's cap_bprm_creds_from_file(): the saved
    // uid becomes the euid, so a root task that kept a saved 0 loses it at exec; only an euid 0 keeps its capabilities.
    [Fact]
    public void Exec_sets_the_saved_uid_to_the_euid_and_recomputes_the_capabilities()
    {
        var sim = Sim.RootA(IopermVariant.Merged).Setresuid("A", 1000, 1000, 0, Zero);
        Assert.Equal(new Cred(1000, 1000, 0, 1000, Capabilities.All, Capabilities.None), sim["A"].Cred);
        sim.Exec("A");
        Assert.Equal(new Cred(1000, 1000, 1000, 1000, Capabilities.None, Capabilities.None), sim["A"].Cred);
        sim.Setresuid("A", Same, 0, Same, Fails(Errno.EPERM)).Ioperm("A", 0x80, 1, On, Fails(Errno.EPERM)).Finish();
    }

    [Fact]
    public void Exec_keeps_root_root_and_a_real_uid_0_keeps_only_the_permitted_set()
    {
        var root = Sim.RootA(IopermVariant.Merged);
        root.Exec("A");
        Assert.Equal(Cred.Root, root["A"].Cred);
        var real = Sim.RootA(IopermVariant.Merged).Setresuid("A", Same, 1000, Same, Zero);
        real.Exec("A");
        Assert.Equal(new Cred(0, 1000, 1000, 1000, Capabilities.All, Capabilities.None), real["A"].Cred);
        real.Finish();
    }

    [Fact]
    public void Dropping_every_uid_0_clears_permitted_and_effective()
    {
        var sim = Sim.RootA(IopermVariant.Merged).Setresuid("A", 1, 1, 1, Zero);
        Assert.Equal(new Cred(1, 1, 1, 1, Capabilities.None, Capabilities.None), sim["A"].Cred);
        // Without CAP_SETUID there is no way back to 0.
        sim.Setresuid("A", 0, 0, 0, Fails(Errno.EPERM)).Finish();
        Assert.Equal(1, sim.Observe.TaskUid(sim["A"]));
    }

    [Fact]
    public void Leaving_euid_0_with_a_saved_0_clears_only_the_effective_set_and_coming_back_restores_it()
    {
        var sim = Sim.RootA(IopermVariant.Merged).Setresuid("A", Same, 1000, Same, Zero);
        Assert.Equal(Capabilities.All, sim["A"].Cred.Permitted);
        Assert.Equal(Capabilities.None, sim["A"].Cred.Effective);
        sim.Ioperm("A", 0x80, 1, On, Fails(Errno.EPERM));

        // euid 0 is the old ruid and suid: allowed without CAP_SETUID, and cap_effective = cap_permitted.
        sim.Setresuid("A", Same, 0, Same, Zero);
        Assert.Equal(Capabilities.All, sim["A"].Cred.Effective);
        sim.Ioperm("A", 0x80, 1, On, Zero).Finish();
    }

    [Fact]
    public void Without_CAP_SETUID_each_new_id_must_be_an_old_one()
    {
        var sim = new Sim(IopermVariant.Merged, 1, User("U")).Run("U")
            .Setresuid("U", 1000, 1000, 1000, Zero)
            .Setresuid("U", Same, 5, Same, Fails(Errno.EPERM))
            .Setresuid("U", 5, Same, Same, Fails(Errno.EPERM))
            .Setresuid("U", Same, Same, 5, Fails(Errno.EPERM));
        Assert.Equal(Cred.User, sim["U"].Cred);
        sim.Finish();
    }

    [Fact]
    public void A_user_can_shuffle_its_ids_among_the_old_ones()
    {
        var sim = Sim.RootA(IopermVariant.Merged).Setresuid("A", 1000, 1000, 2000, Zero)
            .Setresuid("A", 2000, Same, 1000, Zero);
        Assert.Equal(new Cred(2000, 1000, 1000, 1000, Capabilities.None, Capabilities.None), sim["A"].Cred);
        sim.Finish();
    }

    [Fact]
    public void Each_task_has_its_own_cred_from_the_parent_at_fork()
    {
        var sim = Sim.RootA(IopermVariant.Merged);
        var child = sim.Fork("A", "C");
        Assert.Equal(Cred.Root, child.Cred);
        sim.Setresuid("A", 1, 1, 1, Zero);
        Assert.Equal(Cred.Root, child.Cred);
        sim.Finish();
    }

    // tools/testing/selftests/x86/ioperm.c's tail: after setresuid(1, 1, 1) a granted port still works,
    // clearing works, enabling fails.
    [Theory]
    [ClassData(typeof(EveryVariant))]
    public void After_setresuid_ioperm_on_is_EPERM_and_off_is_allowed(IopermVariant variant)
    {
        Sim.RootA(variant).Ioperm("A", 0x80, 1, On, Zero)
            .Setresuid("A", 1, 1, 1, Zero)
            .Port("A", 0x80, Ok)
            .Ioperm("A", 0x80, 1, On, Fails(Errno.EPERM))
            .Ioperm("A", 0x80, 1, Off, Zero)
            .Port("A", 0x80, GP)
            .Finish();
    }

    // tools/testing/selftests/x86/iopl.c's tail under the merged kernel: iopl(3) while iopl_emul is 3 is a no-op,
    // lowering needs no privilege, raising again fails.
    [Theory]
    [ClassData(typeof(MergedVariants))]
    public void After_setresuid_iopl3_is_kept_then_lowered_then_refused(IopermVariant variant)
    {
        Sim.RootA(variant).Iopl("A", 3, Zero)
            .Setresuid("A", 1, 1, 1, Zero)
            .Iopl("A", 3, Zero)
            .Iopl("A", 0, Zero)
            .Iopl("A", 3, Fails(Errno.EPERM))
            .Port("A", 0x80, GP)
            .Finish();
    }
}
