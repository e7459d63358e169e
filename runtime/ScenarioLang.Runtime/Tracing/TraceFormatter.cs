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
                Runtime.Verdict.KnownFailure => "[known]",
                Runtime.Verdict.UnexpectedPass => "[XPASS]",
                _ => throw new ArgumentOutOfRangeException(nameof(result), entry.Verdict, "a verdict the trace cannot print"),
            };
            // A wider mark takes its extra column from the position's padding, so the steps' text stays in one column.
            var at = $"{entry.Step.Line}:{entry.Step.Column}".PadRight(13 - mark.Length);
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
        foreach (var held in result.Entries.Where(e => e.Verdict == Runtime.Verdict.UnexpectedPass))
            Line($"    {d.File}({held.Step.Line},{held.Step.Column}): unexpected pass: {held.Step.Text} ({held.Failure})");
        foreach (var known in result.Entries.Where(e => e.Verdict == Runtime.Verdict.KnownFailure))
            Line($"    {d.File}({known.Step.Line},{known.Step.Column}): known failure: {known.Step.Text} ({known.Failure})");
        foreach (var open in result.Entries.Where(e => e.Verdict == Runtime.Verdict.Inconclusive))
            Line($"    {d.File}({open.Step.Line},{open.Step.Column}): {open.Step.Text} ({open.Failure})");
    }

    /// <summary>A scenario's verdict as a matrix row and a summary name it: PASS, FAIL, KNOWN FAILURE…</summary>
    public static string Name(Verdict verdict) => verdict switch
    {
        Runtime.Verdict.Pass => "PASS",
        Runtime.Verdict.Fail => "FAIL",
        Runtime.Verdict.Inconclusive => "INCONCLUSIVE",
        Runtime.Verdict.KnownFailure => "KNOWN FAILURE",
        Runtime.Verdict.UnexpectedPass => "UNEXPECTED PASS",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "not a scenario's verdict"),
    };

    /// <summary>
    /// "PASS: 6 expectations hold", "FAIL: 1 of 6 expectations failed, 1 finding" (and how many are inconclusive, if
    /// any), or "INCONCLUSIVE: 2 of 6 expectations not proved, no violation seen".
    /// </summary>
    public static string Summary(ScenarioResult result)
    {
        var findings = Findings(result.UnexpectedFindings);
        var expectations = Units.Count(result.Expectations, "expectation");
        return result.Verdict switch
        {
            Runtime.Verdict.Pass => $"PASS: {expectations} {(result.Expectations == 1 ? "holds" : "hold")}",
            Runtime.Verdict.Fail => $"FAIL: {result.Failed} of {expectations} failed{findings}{(result.Inconclusive == 0 ? "" : $", {result.Inconclusive} inconclusive")}",
            Runtime.Verdict.Inconclusive => $"INCONCLUSIVE: {result.Inconclusive} of {expectations} not proved, no violation seen",
            Runtime.Verdict.KnownFailure when result.FailsAsKnown is { } whole =>
                $"KNOWN FAILURE: the scenario fails under {whole.Matching(result.Config)}, as marked: {result.KnownFailures} of {expectations} failed{Findings(result.Findings.Count(f => !f.Expected))}",
            Runtime.Verdict.KnownFailure =>
                $"KNOWN FAILURE: {result.KnownFailures} of {expectations} failed, as marked under {Marked(result)}" +
                (result.Inconclusive == 0 ? "" : $", {result.Inconclusive} inconclusive"),
            Runtime.Verdict.UnexpectedPass =>
                $"UNEXPECTED PASS: {Units.Count(result.UnexpectedPasses, "known failure")} held under {Marked(result)}: fixed? remove the known-failure mark",
            _ => throw new ArgumentOutOfRangeException(nameof(result), result.Verdict, "not a scenario's verdict"),
        };
    }

    private static string Findings(int count) => count == 0 ? "" : ", " + Units.Count(count, "finding");

    /// <summary>The variants of the run that its known-failure marks name: "ptshare=rfc-v2".</summary>
    private static string Marked(ScenarioResult result) =>
        string.Join(", ", result.Description.KnownFailures.Where(k => k.AppliesTo(result.Config)).Select(k => k.Matching(result.Config).ToString()).Distinct());

    /// <summary>A title or name in quotes, with quotes, backslashes and what <see cref="PrintableText"/> escapes escaped.</summary>
    public static string Quote(string name) => "\"" + PrintableText.Escape(name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)) + "\"";

    /// <summary>
    /// Each line of <paramref name="lines"/> escaped by <see cref="PrintableText"/>: a file's text reaches a trace in its
    /// path, steps, notes and failures too, and none of it may drive the terminal.
    /// </summary>
    internal static string Printable(string lines) =>
        lines.Contains('\n') ? string.Join('\n', lines.Split('\n').Select(line => PrintableText.Escape(line))) : PrintableText.Escape(lines);
}
