using System.Globalization;

namespace ScenarioLang.Runtime.Tracing;

/// <summary>
/// Prints a scenario's run as a reviewer reads it: each step with its verdict and what the kernel did
/// inside it, the costs, the object checker's findings, and the verdict with every failure as
/// <c>path(line,col)</c> so editors and CI logs can jump to it.
/// </summary>
public static class TraceFormatter
{
    private const string NoteIndent = "                 ";

    public static string Format(ScenarioResult result)
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        Write(result, writer);
        return writer.ToString();
    }

    /// <summary>
    /// Writes the trace line by line, each escaped by <see cref="PrintableText"/> (a file's text reaches a trace in its
    /// path, steps, notes and failures, and none of it may drive the terminal), so that a long run's trace is never
    /// held whole a second time: 69 MB of output for a 10 MB scenario.
    /// </summary>
    public static void Write(ScenarioResult result, TextWriter output)
    {
        void Line(string text)
        {
            output.Write(Printable(text));
            output.Write('\n');
        }

        var d = result.Description;
        Line("scenario " + Quote(d.Name));
        // A scenario that uses no mechanism (a litmus test) has no kernel variant to name.
        var kernel = result.ConfigName.Length == 0 ? "" : $" | {result.ConfigName}";
        Line($"  {d.File}{kernel} | {Units.Count(d.Cpus, "CPU")} | memory {d.Memory.ToString().ToLowerInvariant()}");
        foreach (var entry in result.Entries)
        {
            var mark = entry.Verdict switch
            {
                Runtime.Verdict.None => "[    ]",
                Runtime.Verdict.Pass => "[pass]",
                Runtime.Verdict.Fail => "[FAIL]",
                Runtime.Verdict.Inconclusive => "[ ?? ]",
                _ => throw new ArgumentOutOfRangeException(nameof(result), entry.Verdict, "a verdict the trace cannot print"),
            };
            var at = $"{entry.Step.Line}:{entry.Step.Column}".PadRight(7);
            var detail = entry.Failure is null ? "" : $"   ({entry.Failure})";
            Line($"  {mark} {at} {entry.Step.Text}{detail}");
            foreach (var note in entry.Notes)
                Line(NoteIndent + note);
        }
        Line("  costs: " + (result.Costs.Count == 0 ? "none" : string.Join("; ", result.Costs)));
        if (result.Findings.Count == 0)
            Line("  findings: none");
        foreach (var finding in result.Findings)
            Line(finding.Expected ? $"  finding (expected): {finding.Message}" : $"  finding: {finding.Message}");
        Line("  " + Summary(result));
        foreach (var failed in result.Entries.Where(e => e.Verdict == Runtime.Verdict.Fail))
            Line($"    {d.File}({failed.Step.Line},{failed.Step.Column}): failed: {failed.Step.Text} ({failed.Failure})");
        foreach (var open in result.Entries.Where(e => e.Verdict == Runtime.Verdict.Inconclusive))
            Line($"    {d.File}({open.Step.Line},{open.Step.Column}): {open.Step.Text} ({open.Failure})");
    }

    /// <summary>
    /// "PASS: 6 expectations hold", "FAIL: 1 of 6 expectations failed, 1 finding" (and how many are inconclusive, if
    /// any), or "INCONCLUSIVE: 2 of 6 expectations not proved, no violation seen".
    /// </summary>
    public static string Summary(ScenarioResult result)
    {
        var findings = result.UnexpectedFindings == 0 ? "" : ", " + Units.Count(result.UnexpectedFindings, "finding");
        var expectations = Units.Count(result.Expectations, "expectation");
        return result.Verdict switch
        {
            Runtime.Verdict.Pass => $"PASS: {expectations} {(result.Expectations == 1 ? "holds" : "hold")}",
            Runtime.Verdict.Fail => $"FAIL: {result.Failed} of {expectations} failed{findings}{(result.Inconclusive == 0 ? "" : $", {result.Inconclusive} inconclusive")}",
            Runtime.Verdict.Inconclusive => $"INCONCLUSIVE: {result.Inconclusive} of {expectations} not proved, no violation seen",
            _ => throw new ArgumentOutOfRangeException(nameof(result), result.Verdict, "not a scenario's verdict"),
        };
    }

    /// <summary>A title or name in quotes, with quotes, backslashes and what <see cref="PrintableText"/> escapes escaped.</summary>
    public static string Quote(string name) => "\"" + PrintableText.Escape(name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)) + "\"";

    /// <summary>
    /// Each line of <paramref name="lines"/> escaped by <see cref="PrintableText"/>: a file's text reaches a trace in its
    /// path, steps, notes and failures too, and none of it may drive the terminal.
    /// </summary>
    internal static string Printable(string lines) =>
        lines.Contains('\n') ? string.Join('\n', lines.Split('\n').Select(line => PrintableText.Escape(line))) : PrintableText.Escape(lines);
}
