using System.Text.RegularExpressions;
using ScenarioLang.Tests.Infrastructure;
using static ScenarioLang.Tests.Infrastructure.Kscn;

namespace ScenarioLang.Tests.Docs;

/// <summary>
/// The counterexample example of docs/language.md is what kscn prints: its scenario explored gives the trace lines
/// shown, --save writes the replay file shown, and kscn run on that file fails as the text says.
/// </summary>
public sealed partial class CounterexampleDocsTests
{
    [Fact]
    public void The_documented_counterexample_is_what_kscn_prints_and_saves()
    {
        var reference = File.ReadAllText(Path.Combine(Repository.Root, "docs/language.md"));
        var start = reference.IndexOf("### Counterexamples\n", StringComparison.Ordinal);
        var section = reference[start..reference.IndexOf("## 9. Expectations", start, StringComparison.Ordinal)];
        var (scenario, trace, saved) = TextBlocks().Matches(section).Select(m => m.Groups[1].Value).ToArray() switch
        {
            [var a, var b, var c] => (a, b, c),
            var blocks => throw new InvalidOperationException($"expected 3 text blocks under Counterexamples, found {blocks.Length}"),
        };
        var dir = Directory.CreateTempSubdirectory("kscn-docs-").FullName;
        File.WriteAllText(Path.Combine(dir, "sb-never.kscn"), scenario);
        var replay = Path.Combine(dir, "replay.kscn");

        var explored = Invoke("explore", Path.Combine(dir, "sb-never.kscn"), "--save", replay);
        var replayed = Invoke("run", replay);

        Assert.Contains(trace, explored.Out);
        Assert.Equal(saved, File.ReadAllText(replay).Replace(dir + "/", "", StringComparison.Ordinal));
        var run = Regex.Match(section, "`kscn run` on it prints `([^`]+)`").Groups[1].Value;
        Assert.Contains(run, replayed.Out);
        Assert.Equal(1, replayed.ExitCode);
    }

    [GeneratedRegex(@"```text\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex TextBlocks();
}
