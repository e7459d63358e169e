using System.Text;
using ScenarioLang.Runtime.Catalog;

namespace ScenarioLang.Runtime.Tracing;

/// <summary>
/// Prints one scenario run against several kernel configurations as a table: a row per configuration
/// with its verdict and cost counters side by side, so the trade-offs argued in review (seed 002: copy
/// 8 KiB on every switch or track the last task) read as numbers. The failures follow the table.
/// </summary>
public static class MatrixFormatter
{
    public static string Format(IReadOnlyList<ScenarioResult> results)
    {
        var d = results[0].Description;
        // The cost columns of the mechanisms the scenario uses, between its expectations and its findings.
        var costs = d.Mechanisms.SelectMany(m => KernelCatalog.Find(m)!.Costs.Columns).ToList();
        string[] header = ["variant", "verdict", "expectations", .. costs.Select(c => c.Header), "findings"];
        // A row names the mechanisms the scenario uses and those the rows differ in, even at their default.
        var shown = d.Mechanisms.Concat(KernelCatalog.Mechanisms.Select(m => m.Name).Where(m => results.Select(r => r.Config.VariantOf(m)).Distinct().Count() > 1)).ToList();
        var labels = results.Select(r => r.Config.Describe(shown)).ToList();
        var rows = results.Select((r, i) => Row(r, labels[i], costs)).Prepend(header).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        var b = new StringBuilder();
        b.Append("scenario ").Append(TraceFormatter.Quote(d.Name)).Append('\n');
        b.Append($"  {d.File} | {Units.Count(d.Cpus, "CPU")} | memory {d.Memory.ToString().ToLowerInvariant()}\n");
        foreach (var row in rows)
            b.Append("  ").Append(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd()).Append('\n');
        foreach (var (result, label) in results.Zip(labels))
        {
            foreach (var failed in result.Entries.Where(e => e.Verdict == Verdict.Fail))
                b.Append($"  {label}: {d.File}({failed.Step.Line},{failed.Step.Column}): failed: {failed.Step.Text} ({failed.Failure})\n");
            foreach (var held in result.Entries.Where(e => e.Verdict == Verdict.UnexpectedPass))
                b.Append($"  {label}: {d.File}({held.Step.Line},{held.Step.Column}): unexpected pass: {held.Step.Text} ({held.Failure})\n");
            foreach (var known in result.Entries.Where(e => e.Verdict == Verdict.KnownFailure))
                b.Append($"  {label}: {d.File}({known.Step.Line},{known.Step.Column}): known failure: {known.Step.Text} ({known.Failure})\n");
            foreach (var open in result.Entries.Where(e => e.Verdict == Verdict.Inconclusive))
                b.Append($"  {label}: {d.File}({open.Step.Line},{open.Step.Column}): {open.Step.Text} ({open.Failure})\n");
            foreach (var finding in result.Findings.Where(f => !f.Expected))
                b.Append($"  {label}: finding: {finding.Message}\n");
        }
        return TraceFormatter.Printable(b.ToString());
    }

    private static string[] Row(ScenarioResult result, string config, IReadOnlyList<CostColumn> costs) =>
    [
        config,
        TraceFormatter.Name(result.Verdict),
        result.Failed > 0 ? $"{result.Failed} of {result.Expectations} failed"
            : result.KnownFailures > 0 ? $"{result.KnownFailures} of {result.Expectations} failed (known)"
            : $"{result.Expectations} hold",
        .. costs.Select(c => c.Cell(result.Counters)),
        // The findings no expectation names, also where they are the whole scenario's known failure.
        result.Findings.Count(f => !f.Expected).ToString(System.Globalization.CultureInfo.InvariantCulture),
    ];
}
