using ScenarioLang.Compiler.Binding;
using ScenarioLang.Runtime.Catalog;
using ScenarioLang.Runtime.Kernel.Mm;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime;
using static ScenarioLang.Tests.Infrastructure.Kscn;

namespace ScenarioLang.Tests.Binding;

/// <summary>How the binder checks files, mmap/munmap/read/write, finding expectations and the page-table properties (seed 004).</summary>
public sealed class PtshareTests
{
    private const string Db = "  file db = 1 GiB\n";

    private static BoundScenario Bind(string statements)
    {
        var compilation = Compile(InScenario(statements));
        Assert.Empty(compilation.Diagnostics.Select(d => d.ToString()));
        return Assert.Single(compilation.Units.SelectMany(u => u.Scenarios));
    }

    private static T Last<T>(string statements) => Assert.IsType<T>(Bind(statements).Statements[^1]);

    /// <summary>Asserts the step a statement calls and its arguments' values, in the types the step's factory takes.</summary>
    private static void AssertCall(BoundThreadStep step, string name, params object?[] arguments)
    {
        Assert.Equal(name, step.Operation.Step.Name);
        Assert.Equal(arguments, step.Operation.Arguments.ToArray());
    }

    private static BoundPropertyRead Read(string statements) => Last<BoundExpectation>(statements).Conditions.Single().Read;

    [Fact]
    public void Files_bind_in_declaration_order_before_the_schedule_uses_them()
    {
        var scenario = Bind("  cpu0 A: mmap(0x40000000, 2 MiB, PROT_READ, MAP_SHARED, db, 0)\n  file db = 2 MiB\n  file pages = 4 MiB hugetlbfs");
        Assert.Equal([new BoundFile("db", 2 << 20, false, new(6, 3)), new BoundFile("pages", 4 << 20, true, new(7, 3))], scenario.Files.ToArray());
    }

    [Fact]
    public void Mmap_binds_its_bits_its_file_and_an_address_result()
    {
        var step = Last<BoundThreadStep>(Db + "  cpu0 A: mmap(0x40000000, 1 GiB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_SHARED_PT, db, 4 KiB) -> 0x40000000");
        AssertCall(step, "mmap", 0x40000000UL, 1UL << 30, Mman.ProtRead | Mman.ProtWrite, Mman.MapShared | Mman.MapSharedPt, "db", 4096L);
        Assert.Equal(Outcome.Address(0x40000000), step.Expected);
        Assert.Equal(("cpu0 A: mmap(0x40000000, 1 GiB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_SHARED_PT, db, 4 KiB)", "-> 0x40000000"), (step.Action, step.Result));
    }

    [Fact]
    public void Minus_one_maps_no_file_and_an_errno_is_a_failure()
    {
        var step = Last<BoundThreadStep>("  cpu0 A: mmap(0x7f0000000000, 2 MiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) -> ENOMEM");
        AssertCall(step, "mmap", 0x7f0000000000UL, 2UL << 20, Mman.ProtNone, Mman.MapPrivate | Mman.MapAnonymous, null, 0L);
        Assert.Equal(Outcome.Fails(Errno.ENOMEM), step.Expected);
    }

    [Fact]
    public void Munmap_returns_zero_or_an_errno()
    {
        var step = Last<BoundThreadStep>("  cpu0 A: munmap(0x40000000, 2 MiB) -> 0");
        AssertCall(step, "munmap", 0x40000000UL, 2UL << 20);
        Assert.Equal(Outcome.Returns(0), step.Expected);
        Assert.Equal(Outcome.Fails(Errno.EINVAL), Last<BoundThreadStep>("  cpu0 A: munmap(0x40000000, 2 MiB) -> EINVAL").Expected);
    }

    [Theory]
    [InlineData("read(0x40000000)", 1UL, "read")]
    [InlineData("read(0x40000000, 4 MiB)", 4UL << 20, "read")]
    [InlineData("write(0x40000000, 0x2000)", 0x2000UL, "write")]
    public void Accesses_take_a_length_of_one_byte_unless_given_one(string action, ulong length, string step)
    {
        AssertCall(Last<BoundThreadStep>($"  cpu0 A: {action}"), step, 0x40000000UL, length);
    }

    [Fact]
    public void Accesses_result_in_ok_or_sigsegv()
    {
        Assert.Equal(Outcome.Ok, Last<BoundThreadStep>("  cpu0 A: read(0x40000000) -> ok").Expected);
        Assert.Equal(Outcome.Segv, Last<BoundThreadStep>("  cpu0 A: write(0x40000000) -> SIGSEGV").Expected);
    }

    [Fact]
    public void The_steps_pause_at_the_points_of_page_table_sharing()
    {
        var scenario = Bind(Db + "  cpu1 B: mmap(0x40000000, 1 GiB, PROT_READ, MAP_SHARED | MAP_SHARED_PT, db, 0) until ptshare_publish\n"
            + "  cpu1 continue until refcount_inc\n  cpu1 continue\n  cpu0 A: munmap(0x40000000, 1 GiB) until kfree\n  cpu0 continue\n"
            + "  cpu0 A: read(0x40000000) until ptshare_lookup\n  cpu0 continue");
        Assert.Equal(["ptshare_publish", "kfree", "ptshare_lookup"], scenario.Statements.OfType<BoundThreadStep>().Select(s => s.Until));
        Assert.Equal(["refcount_inc", null, null, null], scenario.Statements.OfType<BoundContinue>().Select(c => c.Until));
    }

    [Theory]
    [InlineData("mmap(0x40000000, 1 GiB, PROT_READ, MAP_SHARED, db, 0) until kfree", "kfree")]
    [InlineData("munmap(0x40000000, 1 GiB) until ptshare_publish", "ptshare_publish")]
    [InlineData("write(0x40000000) until refcount_inc", "refcount_inc")]
    public void A_point_of_another_step_is_reported_at_the_point(string action, string point)
    {
        var diagnostic = Assert.Single(Compile(InScenario(Db + "  cpu0 A: " + action)).Diagnostics);
        Assert.Equal(("KSC0213", point), (diagnostic.Code, Caret(diagnostic)));
    }

    [Fact]
    public void An_explore_block_interleaves_the_new_steps()
    {
        var explore = Last<BoundExplore>(Db + "  explore {\n    cpu0 A: mmap(0x40000000, 1 GiB, PROT_READ, MAP_SHARED | MAP_SHARED_PT, db, 0) -> 0x40000000\n"
            + "    cpu0 A: write(0x40000000) -> SIGSEGV\n    cpu1 B: munmap(0x40000000, 1 GiB) -> 0\n  }");
        Assert.Equal(["mmap", "write", "munmap"], explore.Steps.Select(s => s.Operation.Step.Name));
    }

    [Fact]
    public void A_finding_expectation_is_always_unless_quantified()
    {
        var plain = Last<BoundFindingExpectation>("  expect leak ptshare_data");
        Assert.Equal(Quantifier.Always, plain.Quantifier);
        Assert.Equal([new FindingPattern(FindingKind.Leak, "ptshare_data")], plain.Patterns.ToArray());
        var never = Last<BoundFindingExpectation>("  expect never use-after-free pte and double-free io_bitmap");
        Assert.Equal(Quantifier.Never, never.Quantifier);
        Assert.Equal([new FindingPattern(FindingKind.UseAfterFree, "pte"), new FindingPattern(FindingKind.DoubleFree, "io_bitmap")], never.Patterns.ToArray());
    }

    [Fact]
    public void A_plain_finding_expectation_may_follow_an_explore_block_but_a_plain_condition_may_not()
    {
        Assert.Equal(Quantifier.Always, Last<BoundFindingExpectation>("  explore { }\n  expect refcount-misuse ptshare_data").Quantifier);
        Assert.Equal(["KSC0306"], Compile(InScenario("  explore { }\n  expect task(A).uid == 0")).Diagnostics.Select(d => d.Code));
    }

    [Fact]
    public void Properties_bind_their_file_address_and_level()
    {
        var pagetables = Read("  expect pagetables(B).pmd == 4 KiB");
        Assert.Equal(("PmdBytes", "B"), (pagetables.Property.Accessor, ((BoundTaskArgument)pagetables.Argument).Task.Name));
        var host = Read(Db + "  expect ptshare(db).pud == 0");
        Assert.Equal(("HostPudBytes", new BoundNameArgument("db")), (host.Property.Accessor, host.Argument));
        Assert.Equal(PropertyType.Register, Read(Db + "  expect ptshare(db).start == 0x40000000").Property.Type);
        var machine = Read("  expect machine.pte_bytes == 2 MiB");
        Assert.Equal("TotalPteBytes", machine.Property.Accessor);
        var vma = Read("  expect vma(A)[0x40000000].shared_pt == on");
        Assert.Equal(("VmaSharedPt", 0x40000000UL, null), (vma.Property.Accessor, vma.Address, vma.Area));
        var identity = Assert.IsType<BoundIdentity>(Last<BoundExpectation>("  expect pte_table(A)[0x40000000] is pte_table(B)[0x200000]").Conditions.Single());
        Assert.Equal((0x40000000UL, 0x200000UL), (identity.Read.Address, identity.Right!.Address));
    }

    /// <summary>Each mistake with its code and the text its caret is under.</summary>
    [Theory]
    [InlineData("  file db = 2 MiB\n  file db = 4 MiB", "KSC0111", "db")]
    [InlineData("  file db = 2 MiB ext4", "KSC0114", "ext4")]
    [InlineData("  file db = 0 KiB", "KSC0115", "0 KiB")]
    [InlineData("  file db = 0x8000000000000000", "KSC0115", "0x8000000000000000")]
    [InlineData("  cpu0 A: mmap(0x40000000, 2 MiB, PROT_READ, MAP_SHARED, dbx, 0)", "KSC0113", "dbx")]
    [InlineData("  expect ptshare(dbx).refcnt == 1", "KSC0113", "dbx")]
    [InlineData("  cpu0 A: mmap(0x40000000, 2 MiB, PROT_READ, MAP_SHARED, db)", "KSC0205", "mmap(0x40000000, 2 MiB, PROT_READ, MAP_SHARED, db)")]
    [InlineData("  cpu0 A: munmap(0x40000000)", "KSC0205", "munmap(0x40000000)")]
    [InlineData("  cpu0 A: read(0x40000000, 1, 2)", "KSC0205", "read(0x40000000, 1, 2)")]
    [InlineData("  cpu0 A: write", "KSC0205", "write")]
    [InlineData("  cpu0 A: mmap(2 MiB, 2 MiB, PROT_READ, MAP_SHARED, db, 0)", "KSC0206", "2 MiB")]
    [InlineData("  cpu0 A: mmap(0x40000000, on, PROT_READ, MAP_SHARED, db, 0)", "KSC0206", "on")]
    [InlineData("  cpu0 A: mmap(0x40000000, 2 MiB, 1, MAP_SHARED, db, 0)", "KSC0206", "1")]
    [InlineData("  cpu0 A: mmap(0x40000000, 2 MiB, PROT_READ, MAP_SHARED, 3, 0)", "KSC0206", "3")]
    [InlineData("  cpu0 A: mmap(0x40000000, 2 MiB, PROT_READ, MAP_SHARED, db | db, 0)", "KSC0206", "db | db")]
    [InlineData("  cpu0 A: mmap(0x40000000, 2 MiB, PROT_READ, MAP_SHARED, db, 0xffffffffffffffff)", "KSC0207", "0xffffffffffffffff")]
    [InlineData("  cpu0 A: read(0x40000000, 0)", "KSC0207", "0")]
    [InlineData("  cpu0 A: mmap(0x40000000, 2 MiB, PROT_READ | PROT_RW, MAP_SHARED, db, 0)", "KSC0231", "PROT_RW")]
    [InlineData("  cpu0 A: mmap(0x40000000, 2 MiB, PROT_READ, MAP_SHARED | PROT_WRITE, db, 0)", "KSC0231", "PROT_WRITE")]
    [InlineData("  cpu0 A: mmap(-1, 2 MiB, PROT_READ, MAP_SHARED, db, 0)", "KSC0232", "-1")]
    [InlineData("  cpu0 A: mmap(0x40000000, 2 MiB, PROT_READ, MAP_SHARED, -2, 0)", "KSC0232", "-2")]
    [InlineData("  cpu0 A: munmap(0x40000000, -1)", "KSC0232", "-1")]
    [InlineData("  cpu0 A: ioperm(0x80, 1, -1)", "KSC0232", "-1")]
    [InlineData("  cpu0 A: mmap(0x40000000, 2 MiB, PROT_READ, MAP_SHARED, db, 0) -> ok", "KSC0208", "ok")]
    [InlineData("  cpu0 A: munmap(0x40000000, 2 MiB) -> 1", "KSC0208", "1")]
    [InlineData("  cpu0 A: read(0x40000000) -> 0", "KSC0208", "0")]
    [InlineData("  cpu0 A: write(0x40000000) -> #GP", "KSC0235", "#GP")]
    [InlineData("  cpu0 A: write(0x40000000) -> EPERM", "KSC0208", "EPERM")]
    [InlineData("  cpu0 A: munmap(0x40000000, 2 MiB) -> EBUSY", "KSC0209", "EBUSY")]
    [InlineData("  cpu0 kernel: munmap(0x40000000, 2 MiB)", "KSC0219", "munmap(0x40000000, 2 MiB)")]
    [InlineData("  repeat 2 { expect leak pte }", "KSC0110", "expect leak pte")]
    [InlineData("  repeat 2 { file x = 1 MiB }", "KSC0110", "file x = 1 MiB")]
    [InlineData("  explore { file x = 1 MiB }", "KSC0223", "file x = 1 MiB")]
    [InlineData("  expect ptshare(cpu0) is none", "KSC0302", "cpu0")]
    [InlineData("  expect vma(A).shared_pt == on", "KSC0307", "vma(A).shared_pt")]
    [InlineData("  expect leak ptshare_data and ptshare(db) is none", "KSC0308", "ptshare(db) is none")]
    [InlineData("  expect mm(A) is none and double-free mm_struct", "KSC0308", "mm(A) is none")]
    [InlineData("  expect leak inode", "KSC0309", "inode")]
    [InlineData("  cpu0 kernel: vmalloc(4 MiB) -> V\n  expect pte_table(A)[V] is none", "KSC0310", "V")]
    [InlineData("  expect pgd(A)[0x40000000] is none", "KSC0310", "0x40000000")]
    public void Mistakes_are_reported_under_the_offending_text(string statements, string code, string caret)
    {
        var text = InScenario(statements.Contains("file db", StringComparison.Ordinal) ? statements : Db + statements);
        var diagnostic = Assert.Single(Compile(text).Diagnostics);
        Assert.Equal((code, caret), (diagnostic.Code, Caret(diagnostic)));
    }

    [Fact]
    public void A_file_with_a_wrong_size_is_still_declared_so_its_uses_are_not_reported_again()
    {
        var diagnostic = Assert.Single(Compile(InScenario("  file db = 0\n  cpu0 A: mmap(0x40000000, 2 MiB, PROT_READ, MAP_SHARED, db, 0)\n  expect ptshare(db) is none")).Diagnostics);
        Assert.Equal("KSC0115", diagnostic.Code);
    }

    private static string Caret(ScenarioLang.Compiler.Diagnostics.Diagnostic diagnostic) => diagnostic.Source.ToString(diagnostic.Span);
}
