using System.Text;
using ScenarioLang.Compiler.Binding;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Runtime;

namespace ScenarioLang.Compiler.Hosting;

/// <summary>
/// Writes a counterexample of an explore block as a scenario of its own: the scenario as written, with the explore block
/// replaced by the execution's explicit schedule. Under the schedule semantics (a quantified expectation judges its one
/// execution) the replay fails where the exploration did.
/// </summary>
public static class ReplayWriter
{
    public static string Write(BoundScenario scenario, Counterexample counterexample)
    {
        var explore = scenario.Statements.OfType<BoundExplore>().Single();
        var source = scenario.Source;
        var indent = new string(' ', explore.Position.Column - 1);
        var b = new StringBuilder();
        b.Append($"// Replay of execution {counterexample.Execution} of \"{scenario.Name}\" ({source.Path}): {counterexample.Detail}\n");
        b.Append($"// The explore block is replaced by the execution's schedule; written by kscn explore --save.\n");
        var before = source.ToString(TextSpan.FromBounds(scenario.Span.Start, explore.BlockSpan.Start));
        var quoted = "\"" + scenario.Name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        var replayName = quoted[..^1] + $" (replay of execution {counterexample.Execution})\"";
        var nameAt = before.IndexOf(quoted, StringComparison.Ordinal);
        b.Append(before[..nameAt]).Append(replayName).Append(before[(nameAt + quoted.Length)..]);
        for (var i = 0; i < counterexample.Schedule.Count; i++)
            b.Append(i == 0 ? "" : indent).Append(counterexample.Schedule[i].Text).Append('\n');
        var after = source.ToString(TextSpan.FromBounds(explore.BlockSpan.End, scenario.Span.End));
        b.Append(after.TrimStart('\r', '\n')).Append('\n');
        return b.ToString();
    }
}
