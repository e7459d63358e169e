using System.Text;
using ScenarioLang.Compiler.Binding;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Runtime;

namespace ScenarioLang.Compiler.Hosting;

/// <summary>
/// Writes a counterexample of an explore block as a scenario of its own: the scenario as written, with the explore block
/// replaced by the execution's explicit schedule. Under the schedule semantics (a quantified expectation judges its one
/// execution) the replay fails where the exploration did. Each line carries the store buffers after it as a comment,
/// and the fence hints follow the schedule as comments, so the file reads like the trace that printed it. A matrix
/// (<c>kernel ioperm = *</c>) becomes the one variant the execution ran on.
/// </summary>
public static class ReplayWriter
{
    public static string Write(BoundScenario scenario, Counterexample counterexample, KernelConfig config)
    {
        var explore = scenario.Statements.OfType<BoundExplore>().Single();
        var source = scenario.Source;
        var indent = new string(' ', explore.Position.Column - 1);
        var b = new StringBuilder();
        b.Append($"// Replay of execution {counterexample.Execution} of \"{scenario.Name}\" ({source.Path}): {counterexample.Detail}\n");
        b.Append($"// The explore block is replaced by the execution's schedule; written by kscn explore --save.\n");
        var before = Copy(scenario, TextSpan.FromBounds(scenario.Span.Start, explore.BlockSpan.Start), config);
        var quoted = "\"" + scenario.Name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        var replayName = quoted[..^1] + $" (replay of execution {counterexample.Execution})\"";
        var nameAt = before.IndexOf(quoted, StringComparison.Ordinal);
        b.Append(before[..nameAt]).Append(replayName).Append(before[(nameAt + quoted.Length)..]);
        var lines = counterexample.Lines();
        for (var i = 0; i < lines.Count; i++)
            b.Append(i == 0 ? "" : indent).Append(lines[i]).Append('\n');
        if (counterexample.FenceHints.Count > 0)
        {
            // Hints name the steps by their lines in the explored file, not in this one.
            b.Append(indent).Append($"// Where a fence is missing (lines of {source.Path}):\n");
            foreach (var hint in counterexample.FenceHints)
                b.Append(indent).Append("// ").Append(hint.ToString()).Append('\n');
        }
        var after = Copy(scenario, TextSpan.FromBounds(explore.BlockSpan.End, scenario.Span.End), config);
        b.Append(after.TrimStart('\r', '\n')).Append('\n');
        return b.ToString();
    }

    /// <summary>The source text of <paramref name="range"/>, with each matrix in it narrowed to the variant of <paramref name="config"/>.</summary>
    private static string Copy(BoundScenario scenario, TextSpan range, KernelConfig config)
    {
        var b = new StringBuilder();
        var at = range.Start;
        foreach (var matrix in scenario.Variants.Where(c => c.Variants.Length > 1 && c.Span.Start >= range.Start && c.Span.End <= range.End).OrderBy(c => c.Span.Start))
        {
            b.Append(scenario.Source.ToString(TextSpan.FromBounds(at, matrix.Span.Start)));
            b.Append($"kernel {matrix.Mechanism} = {config.VariantOf(matrix.Mechanism)}");
            at = matrix.Span.End;
        }
        return b.Append(scenario.Source.ToString(TextSpan.FromBounds(at, range.End))).ToString();
    }
}
