using System.Text.RegularExpressions;
using ScenarioLang.Compiler;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Tests.Infrastructure;

namespace ScenarioLang.Tests.Docs;

/// <summary>
/// The README's samples table says under which variants each sample's claim fails and holds; the samples' known-failure
/// marks say it to the tool. Every variant a mark names is in its row's "fails under" column, and none in "holds under".
/// </summary>
public sealed partial class SamplesTableTests
{
    [Fact]
    public void Every_variant_a_sample_marks_as_a_known_failure_is_one_its_row_says_it_fails_under()
    {
        var rows = Rows();
        var marked = 0;
        foreach (var sample in Repository.SampleFiles())
        {
            var compilation = Compilation.Create(SourceText.From(File.ReadAllText(Repository.Full(sample)), sample));
            var variants = compilation.Units.SelectMany(u => u.Scenarios).SelectMany(s => s.KnownFailures).SelectMany(k => k.Under).Select(v => v.Variant).Distinct().ToList();
            if (variants.Count == 0)
                continue;
            Assert.True(rows.TryGetValue(sample, out var row), $"{sample} marks known failures but has no row of its own in the README's samples table");
            foreach (var variant in variants)
            {
                Assert.True(Names(row.FailsUnder).Contains(variant), $"{sample} is a known failure under {variant}, which its row's 'fails under' ({row.FailsUnder}) does not name");
                Assert.False(Names(row.HoldsUnder).Contains(variant), $"{sample} is a known failure under {variant}, which its row's 'holds under' ({row.HoldsUnder}) names");
                marked++;
            }
        }
        // The samples that document a bug mark it: the test cannot pass by finding no mark.
        Assert.True(marked >= 10, $"only {marked} marked variants");
    }

    /// <summary>The variant names a cell mentions, with or without their mechanism: "pgd=late-wmb-intended (its file)".</summary>
    private static HashSet<string> Names(string cell) => [.. VariantName().Matches(cell).Select(m => m.Groups["v"].Value)];

    private static Dictionary<string, (string FailsUnder, string HoldsUnder)> Rows()
    {
        var rows = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Repository.Full("README.md")))
        {
            if (!line.StartsWith("| `samples/", StringComparison.Ordinal))
                continue;
            // A claim may hold an escaped '|' (\|): split on the others.
            var cells = Regex.Split(line.Trim('|'), @"(?<!\\)\|").Select(c => c.Trim()).ToArray();
            rows[cells[0].Trim('`')] = (cells[2], cells[3]);
        }
        return rows;
    }

    [GeneratedRegex(@"(?:[a-z]+=)?(?<v>[a-z][a-z0-9.]*(?:-[a-z0-9.]+)*)", RegexOptions.CultureInvariant)]
    private static partial Regex VariantName();
}
