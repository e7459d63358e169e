using ScenarioLang.Compiler.Services;
using ScenarioLang.Compiler.Text;

namespace ScenarioLang.Tests.Services;

/// <summary>Every "did you mean" diagnostic carries its spelling as an edit, and applying it removes the diagnostic.</summary>
public sealed class CodeFixesTests
{
    [Theory]
    [InlineData("KSC0316", "  cpu0 A: iopem(0x80, 1, on) -> 0", "iopem", "ioperm")]
    [InlineData("KSC0102", "  kernel iopem = merged", "iopem", "ioperm")]
    [InlineData("KSC0103", "  kernel ioperm = merget", "merget", "merged")]
    [InlineData("KSC0108", "  task Alpha root\n  cpu0 Alpah: exec", "Alpah", "Alpha")]
    [InlineData("KSC0209", "  cpu0 A: ioperm(0x80, 1, on) -> EPREM", "EPREM", "EPERM")]
    [InlineData("KSC0213", "  cpu0 A: fork until copy_m -> C\n  cpu0 continue", "copy_m", "copy_mm")]
    [InlineData("KSC0231", "  cpu0 A: mmap(0x40000000, 2 MiB, PROT_RAED, MAP_SHARED, db, 0)", "PROT_RAED", "PROT_READ")]
    [InlineData("KSC0309", "  expect never leak io_bitmp", "io_bitmp", "io_bitmap")]
    [InlineData("KSC0001", "  taks C root", "taks", "task")]
    [InlineData("KSC0003", "  cpu0 A: cli -> #gp", "#gp", "#GP")]
    [InlineData("KSC0301", "  expect tss(cpu0).prev_mx == 0", "prev_mx", "prev_max")]
    [InlineData("KSC0301", "  expect bitmp(A).refcnt == 1", "bitmp", "bitmap")]
    public void A_did_you_mean_diagnostic_is_fixed_by_its_edit(string code, string line, string written, string meant)
    {
        var (unit, _) = Caret.Parse(Caret.InScenario(line) + Caret.Marker);
        var diagnostic = Assert.Single(unit.Diagnostics, d => d.Code == code);
        Assert.Contains("did you mean '", diagnostic.Message);
        Assert.Contains(meant, diagnostic.Message);
        Assert.Equal(written, unit.Source.ToString(diagnostic.Fix!.Span));
        var fix = Assert.Single(CodeFixes.For(unit, diagnostic.Span));
        Assert.Equal(meant, fix.Edit.NewText);
        Assert.Equal($"Change '{written}' to '{meant}'", fix.Title);
        var fixedText = unit.Source.Text.Remove(fix.Edit.Span.Start, fix.Edit.Span.Length).Insert(fix.Edit.Span.Start, fix.Edit.NewText);
        Assert.DoesNotContain(Analysis.Of(SourceText.From(fixedText)).Diagnostics, d => d.Code == code);
    }

    [Fact]
    public void A_group_spelled_close_is_fixed_too()
    {
        var (unit, _) = Caret.Parse(Caret.InScenario("  task Workers[2] user\n  for each Workerz {\n    cpu0 Workers0: exec\n  }") + Caret.Marker);
        var diagnostic = Assert.Single(unit.Diagnostics, d => d.Code == "KSC0008");
        Assert.Equal("Workers", diagnostic.Fix!.Replacement);
    }

    [Fact]
    public void A_diagnostic_without_a_spelling_has_no_fix()
    {
        var (unit, _) = Caret.Parse(Caret.InScenario("  cpu0 Zebra: exec\n  kernel nothing_like_it = x") + Caret.Marker);
        Assert.NotEmpty(unit.Diagnostics);
        Assert.All(unit.Diagnostics, d => Assert.Null(d.Fix));
        Assert.Empty(CodeFixes.For(unit, new TextSpan(0, unit.Source.Text.Length)));
    }

    [Fact]
    public void Only_the_fixes_of_diagnostics_meeting_the_range_are_offered()
    {
        var (unit, _) = Caret.Parse(Caret.InScenario("  cpu0 A: iopem(0x80, 1, on) -> 0\n  cpu0 A: ioperm(0x80, 1, on) -> EPREM") + Caret.Marker);
        Assert.Equal(2, CodeFixes.For(unit, new TextSpan(0, unit.Source.Text.Length)).Length);
        var at = Caret.OffsetOf(unit, "EPREM");
        Assert.Equal("EPERM", Assert.Single(CodeFixes.For(unit, new TextSpan(at, 0))).Edit.NewText);
    }
}

/// <summary>The lenses over each scenario: Run always, Explore with an explore block, Run all variants with a mechanism of several variants.</summary>
public sealed class CodeLensesTests
{
    [Fact]
    public void Each_scenario_has_the_lenses_its_content_allows()
    {
        var (unit, _) = Caret.Parse("""
            scenario "litmus" {
              cpus 2
              shared x
              explore {
                cpu0 kernel: store x = 1
                cpu1 kernel: load x -> r0
              }
            }

            scenario "ioperm" {
              task A root
              cpu0 A: ioperm(0x80, 1, on) -> 0
            }
            $$
            """);
        var lenses = CodeLenses.Of(unit);
        Assert.Equal([("litmus", 0, ScenarioAction.Run), ("litmus", 0, ScenarioAction.Explore), ("ioperm", 9, ScenarioAction.Run), ("ioperm", 9, ScenarioAction.RunAllVariants)],
            lenses.Select(l => (l.Scenario, l.Line, l.Action)));
        Assert.All(lenses, l => Assert.Equal("scenario", unit.Source.ToString(l.Span)));
    }

    [Fact]
    public void Run_all_variants_names_each_mechanism_used_with_more_than_one_variant()
    {
        foreach (var mechanism in ScenarioLang.Runtime.Catalog.KernelCatalog.Mechanisms)
        {
            var (unit, _) = Caret.Parse($"scenario \"s\" {{\n  kernel {mechanism.Name} = {mechanism.Default}\n}}\n$$");
            var varied = CodeLenses.VariedMechanisms(unit.Syntax.Root.Scenarios[0]).ToList();
            Assert.Equal(mechanism.Variants.Count > 1 ? [mechanism.Name] : [], varied);
        }
    }
}
