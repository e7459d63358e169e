using System.Text;

namespace ScenarioLang.Runtime.Tracing;

/// <summary>
/// Prints one scenario run against several kernel configurations as a table: a row per configuration
/// with its verdict and cost counters side by side, so the trade-offs argued in review (seed 002: copy
/// 8 KiB on every switch or track the last task) read as numbers. The failures follow the table.
/// </summary>
public static class MatrixFormatter
{
    private static readonly string[] Header =
        ["variant", "verdict", "expectations", "TSS copied", "TSS cleared", "bitmaps alloc/freed/live", "findings"];

    public static string Format(IReadOnlyList<ScenarioResult> results)
    {
        var d = results[0].Description;
        var rows = results.Select(Row).Prepend(Header).ToList();
        var widths = Enumerable.Range(0, Header.Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        var b = new StringBuilder();
        b.Append("scenario ").Append(TraceFormatter.Quote(d.Name)).Append('\n');
        b.Append($"  {d.File} | {Units.Count(d.Cpus, "CPU")} | memory {d.Memory.ToString().ToLowerInvariant()}\n");
        foreach (var row in rows)
            b.Append("  ").Append(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd()).Append('\n');
        foreach (var result in results)
        {
            foreach (var failed in result.Entries.Where(e => e.Verdict == Verdict.Fail))
                b.Append($"  {result.Config}: {d.File}({failed.Step.Line},{failed.Step.Column}): failed: {failed.Step.Text} ({failed.Failure})\n");
            foreach (var open in result.Entries.Where(e => e.Verdict == Verdict.Inconclusive))
                b.Append($"  {result.Config}: {d.File}({open.Step.Line},{open.Step.Column}): {open.Step.Text} ({open.Failure})\n");
            foreach (var finding in result.Findings.Where(f => !f.Expected))
                b.Append($"  {result.Config}: finding: {finding.Message}\n");
        }
        return TraceFormatter.Printable(b.ToString());
    }

    private static string[] Row(ScenarioResult result)
    {
        var c = result.Counters;
        return
        [
            result.Config.ToString(),
            result.Verdict.ToString().ToUpperInvariant(),
            result.Failed == 0 ? $"{result.Expectations} hold" : $"{result.Failed} of {result.Expectations} failed",
            Units.Bytes(c.TssBytesCopied),
            Units.Bytes(c.TssBytesCleared),
            $"{c.BitmapsAllocated}/{c.BitmapsFreed}/{c.LiveBitmaps}",
            result.UnexpectedFindings.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ];
    }
}
