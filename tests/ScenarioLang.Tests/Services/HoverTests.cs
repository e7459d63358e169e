using System.Text.RegularExpressions;
using ScenarioLang.Compiler.Services;
using ScenarioLang.Runtime.Catalog;
using ScenarioLang.Tests.Infrastructure;

namespace ScenarioLang.Tests.Services;

/// <summary>Hover says what the catalog says: walked over every step, variant, property and object kind, and the diagnostics' codes.</summary>
public sealed class HoverTests
{
    private static HoverInfo At(string text, string word, int nth = 0, string? docs = null)
    {
        var (unit, _) = Caret.Parse(text + Caret.Marker);
        var hover = Hover.At(unit, Caret.OffsetOf(unit, word, nth), docs);
        Assert.NotNull(hover);
        return hover;
    }

    [Fact]
    public void Every_step_shows_its_signature_the_function_it_models_and_its_mechanisms_variants()
    {
        foreach (var (step, example) in StepExamples.All())
        {
            var text = Caret.InScenario("  " + example);
            var hover = At(text, ": " + step.Name, into: 3);
            Assert.Contains(step.Signature, hover.Markdown);
            Assert.Contains(step.Models, hover.Markdown);
            if (KernelCatalog.OwnerOf(step) is { } owner)
                Assert.All(owner.Variants, v => Assert.Contains($"`{v.Name}`", hover.Markdown));
            else
                Assert.Contains("the shared kernel", hover.Markdown);
        }
    }

    private static HoverInfo At(string text, string word, int into)
    {
        var (unit, _) = Caret.Parse(text + Caret.Marker);
        return Hover.At(unit, Caret.OffsetOf(unit, word, into: into)) ?? throw new Xunit.Sdk.XunitException($"no hover at '{word}'");
    }

    [Fact]
    public void Every_variant_shows_the_posting_it_models()
    {
        foreach (var mechanism in KernelCatalog.Mechanisms)
        {
            foreach (var variant in mechanism.Variants)
            {
                var hover = At(Caret.InScenario($"  kernel {mechanism.Name} = {variant.Name}"), "= " + variant.Name, into: 3);
                Assert.Contains(variant.Models, hover.Markdown);
                Assert.Contains($"{mechanism.Name} = {variant.Name}", hover.Markdown);
            }
            Assert.Contains(mechanism.Summary, At(Caret.InScenario($"  kernel {mechanism.Name} = {mechanism.Default}"), "kernel " + mechanism.Name, into: 8).Markdown);
        }
    }

    [Fact]
    public void Every_property_shows_its_type_and_meaning()
    {
        foreach (var property in KernelCatalog.Properties)
        {
            var written = CompletionTests.Written(property);
            var hover = At(Caret.InScenario($"  expect {written} == 0"), "expect " + written, into: 8);
            Assert.Contains(property.Meaning, hover.Markdown);
            Assert.Contains(property.Display, hover.Markdown);
        }
    }

    [Fact]
    public void Every_object_kind_shows_its_meaning()
    {
        foreach (var kind in KernelCatalog.ObjectKinds)
            Assert.Contains(kind.Meaning, At(Caret.InScenario($"  expect never leak {kind.Name}"), "leak " + kind.Name, into: 6).Markdown);
    }

    [Fact]
    public void A_pause_point_shows_its_description()
    {
        foreach (var point in PausePoints.All.Where(p => !p.Indexed).Take(20))
            Assert.Contains(point.Description, At(Caret.InScenario($"  cpu0 A: {point.Step} until {point.Name}"), "until " + point.Name, into: 7).Markdown);
    }

    [Fact]
    public void A_diagnostic_shows_its_code_linked_to_its_section_of_the_reference()
    {
        var hover = At(Caret.InScenario("  cpu0 C: exec"), "C: exec", nth: 0, docs: "file:///r/docs/language.md");
        Assert.Contains("**[KSC0108](file:///r/docs/language.md#13-diagnostics)**: no task named C", hover.Markdown);
    }

    /// <summary>The anchor is the one GitHub and VS Code make of the heading, and every code is in that section's table.</summary>
    [Fact]
    public void The_anchor_of_the_diagnostics_section_is_the_references_and_lists_every_code()
    {
        var reference = File.ReadAllText(Repository.Full("docs/language.md"));
        var heading = Regex.Match(reference, @"^## (13\. Diagnostics)$", RegexOptions.Multiline);
        Assert.True(heading.Success);
        var slug = Regex.Replace(heading.Groups[1].Value.ToLowerInvariant(), @"[^a-z0-9 -]", "").Replace(' ', '-');
        Assert.Equal(DiagnosticDocs.Anchor, slug);
        var section = reference[heading.Index..reference.IndexOf("\n## ", heading.Index + 1, StringComparison.Ordinal)];
        var bag = File.ReadAllText(Repository.Full("compiler/ScenarioLang.Compiler/Diagnostics/DiagnosticBag.cs"));
        foreach (var code in Regex.Matches(bag, @"""(KSC\d{4})""").Select(m => m.Groups[1].Value).Distinct())
            Assert.Contains($"| {code} |", section);
    }
}
