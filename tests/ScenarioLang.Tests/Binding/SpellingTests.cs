using ScenarioLang.Compiler.Diagnostics;
using ScenarioLang.Runtime.Mechanisms.Ioport;
using static ScenarioLang.Tests.Infrastructure.Kscn;

namespace ScenarioLang.Tests.Binding;

/// <summary>A mistyped name is answered with the closest valid spelling, the one helper every message shares.</summary>
public sealed class SpellingTests
{
    [Theory]
    [InlineData("iopem", "ioperm")] // a letter left out
    [InlineData("EPREM", "EPERM")] // two letters swapped: one edit
    [InlineData("#gp", "#GP")] // case alone
    [InlineData("io_bitmap_bse", "io_bitmap_base")]
    public void A_close_spelling_is_found(string word, string closest)
    {
        Assert.Equal(closest, Spelling.Closest(word, ["ioperm", "iopl", "EPERM", "EBADF", "#GP", "#PF", "io_bitmap_base", "prev_max"]));
    }

    [Theory]
    [InlineData("foo")]
    [InlineData("x")] // one letter is close to every other one-letter name: only case counts
    [InlineData("ioperm")] // a valid name needs no suggestion
    public void A_far_spelling_is_not_suggested(string word)
    {
        Assert.Null(Spelling.Closest(word, ["ioperm", "iopl", "y", "prev_max"]));
    }

    [Fact]
    public void Ties_go_to_the_ordinally_first_whatever_the_order_given()
    {
        Assert.Equal("cab", Spelling.Closest("cat", ["cax", "cab"]));
        Assert.Equal("cab", Spelling.Closest("cat", ["cab", "cax"]));
    }

    [Theory]
    [InlineData("  expect tss(cpu0).io_bitmap_bse == valid-map", "unknown property 'tss.io_bitmap_bse'; did you mean 'tss(cpuN).io_bitmap_base'?")]
    [InlineData("  expect tss(cpu0).foo == 1", "unknown property 'tss.foo'; tss has tss(cpuN).io_bitmap_base, tss(cpuN).prev_max, tss(cpuN).prev_sequence, tss(cpuN).bytes_copied, tss(cpuN).allowed_ports")]
    [InlineData("  expect foo.bar == 1", "unknown property 'foo.bar'; docs/language.md lists every property (section 9, Properties)")]
    [InlineData("  kernel iopem = merged", "unknown kernel mechanism 'iopem'; did you mean 'ioperm'?")]
    [InlineData("  kernel ioperm = mergd", "'mergd' is not a variant of ioperm; did you mean 'merged'?")]
    [InlineData("  task Alice user\n  cpu0 Alcie: exec", "no task named Alcie; did you mean 'Alice'?")]
    [InlineData("  cpu0 A: ioperm(0x80, 1, on) -> EPREM", "unknown error 'EPREM'; did you mean 'EPERM'?")]
    [InlineData("  cpu0 A: ioperm(0x80, 1, on) preempted at instaled", "'instaled' is not a point ioperm can be preempted at; did you mean 'installed'?")]
    [InlineData("  expect leak ptshare_dat", "the object checker tracks no objects of kind 'ptshare_dat'; did you mean 'ptshare_data'?")]
    [InlineData("  file db = 2 MiB\n  cpu0 A: mmap(0x40000000, 2 MiB, PROT_READ, MAP_SHARD, db, 0)", "'MAP_SHARD' is not a name the flags of mmap takes; did you mean 'MAP_SHARED'?")]
    [InlineData("  cpu0 A: outb 0x80 -> #gp", "unexpected character '#'; did you mean '#GP'?")]
    [InlineData("  cpu0 A: iopem(0x80, 1, on)", "unknown step 'iopem'; did you mean 'ioperm'?")]
    public void A_mistyped_name_gets_the_closest_spelling_first(string statements, string message)
    {
        Assert.Contains(message, Compile(InScenario(statements)).Diagnostics.Select(d => d.Message));
    }

    [Fact]
    public void A_name_close_to_no_variant_gets_the_catalog_s_list()
    {
        var variants = string.Join(", ", IoportMechanism.Declaration.Variants.Select(v => v.Name));
        Assert.Contains($"'v3' is not a variant of ioperm; choose one of {variants}", Compile(InScenario("  kernel ioperm = v3")).Diagnostics.Select(d => d.Message));
    }
}
