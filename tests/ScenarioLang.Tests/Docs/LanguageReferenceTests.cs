using System.Text.RegularExpressions;
using ScenarioLang.Compiler.Hosting;
using ScenarioLang.Tests.Infrastructure;
using static ScenarioLang.Tests.Infrastructure.Kscn;

namespace ScenarioLang.Tests.Docs;

/// <summary>The examples of docs/language.md are real: each kscn block checks clean and, on the default kernel, passes.</summary>
public sealed partial class LanguageReferenceTests
{
    public static TheoryData<int, string> Examples()
    {
        var reference = File.ReadAllText(Path.Combine(Repository.Root, "docs/language.md"));
        var data = new TheoryData<int, string>();
        foreach (Match block in KscnBlock().Matches(reference))
            data.Add(reference[..block.Index].Count(c => c == '\n') + 2, block.Groups[1].Value);
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_checks_clean_and_passes_on_the_default_kernel(int line, string text)
    {
        var compilation = Compile(text, $"language.md:{line}");
        Assert.Empty(compilation.Diagnostics.Select(d => d.ToString()));
        using var assembly = compilation.CompileAndLoad();
        foreach (var scenario in assembly.Scenarios)
        {
            var run = ScenarioRunner.Run(assembly, scenario, ScenarioRunner.ConfigFor(scenario, new Dictionary<string, string>()));
            Assert.True(run.Passed, $"example at docs/language.md line {line}, scenario \"{scenario.Bound.Name}\": {run.InternalError ?? (run.Result is null ? "" : ScenarioLang.Runtime.Tracing.TraceFormatter.Format(run.Result))}");
        }
    }

    [GeneratedRegex(@"```kscn\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex KscnBlock();
}
