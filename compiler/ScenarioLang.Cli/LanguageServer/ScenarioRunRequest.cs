using System.Text.Json.Nodes;
using ScenarioLang.Cli.Commands;
using ScenarioLang.Compiler.Emit;
using ScenarioLang.Compiler.Services;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Runtime;

namespace ScenarioLang.Cli.LanguageServer;

/// <summary>
/// The custom request <c>kscn/run</c>: <c>{ uri, scenario, verb: "run" | "explore", allVariants }</c> runs one scenario of
/// an open document's current text in-process, through the code kscn run and kscn explore run
/// (<see cref="RunCommand.Run"/>), and answers <c>{ exitCode, output, expectations: [{ range, passed, message }],
/// counterexample }</c>: kscn's exit code, what kscn prints (its standard output, then its standard error), each
/// expectation's verdict at its line, and the replay file <c>kscn explore --save</c> would write, or null.
/// </summary>
internal sealed class ScenarioRunRequest(CompileCache? cache)
{
    public const string Method = "kscn/run";

    /// <summary>One run at a time: an exploration takes every core, and two would only slow each other.</summary>
    private readonly Lock _one = new();

    public sealed record Parameters(string Uri, string Scenario, bool Explore, bool AllVariants);

    public static Parameters Parse(JsonObject? parameters)
    {
        var uri = (string?)parameters?["uri"] ?? throw new BadParamsException("kscn/run needs a uri");
        var scenario = (string?)parameters!["scenario"] ?? throw new BadParamsException("kscn/run needs a scenario");
        var verb = (string?)parameters["verb"] ?? "run";
        if (verb is not ("run" or "explore"))
            throw new BadParamsException($"kscn/run's verb is run or explore, not '{verb}'");
        return new Parameters(uri, scenario, verb == "explore", (bool?)parameters["allVariants"] ?? false);
    }

    public JsonObject Run(Parameters request, string text, CancellationToken cancel)
    {
        var source = SourceText.From(text, OpenDocument.PathOf(request.Uri));
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var console = new CliConsole(stdout, stderr);
        var lines = new LineMap(text);
        lock (_one)
        {
            cancel.ThrowIfCancellationRequested();
            if (SourceFiles.Check([source], console) is not { } compilation)
                return Answer(ExitCode.InputErrors, stdout, stderr, [], null);
            var syntax = compilation.Units[0].Syntax.Root.Scenarios.FirstOrDefault(s => s.Name == request.Scenario)
                ?? throw new BadParamsException($"no scenario named \"{request.Scenario}\" in {source.Path}");
            // Run all variants: --variant M=* for each mechanism it uses that has more than one.
            var variants = request.AllVariants ? CodeLenses.VariedMechanisms(syntax).Select(m => m + "=*").ToArray() : [];
            var overrides = VariantOption.Parse(variants, console)!;
            var explore = request.Explore ? new ExploreOptions(Jobs: Environment.ProcessorCount) : null;
            var ran = RunCommand.Run(compilation, overrides, cache, console, explore, s => s.Bound.Name == request.Scenario);
            var expectations = ran.Results.SelectMany(r => Expectations(r.Result, lines, ran.Results.Count > 1)).ToList();
            return Answer(ran.Exit, stdout, stderr, expectations, ExploreCommand.FirstCounterexample(ran.Results)?.Text);
        }
    }

    private static JsonObject Answer(ExitCode exit, StringWriter stdout, StringWriter stderr, List<JsonNode> expectations, string? counterexample) => new()
    {
        ["exitCode"] = (int)exit,
        ["output"] = stdout.ToString() + stderr,
        ["expectations"] = new JsonArray([.. expectations]),
        ["counterexample"] = counterexample,
    };

    /// <summary>
    /// Each expectation the trace marks (and each of an explore block the trace does not), at its line: from its column
    /// to the line's end. Runs of a matrix name their variants.
    /// </summary>
    private static IEnumerable<JsonNode> Expectations(ScenarioResult result, LineMap lines, bool several)
    {
        var prefix = several ? $"{result.ConfigName}: " : "";
        var marked = result.Entries.Where(e => e.Verdict != Verdict.None).Select(e => (e.Step, e.Verdict, Detail: e.Failure)).ToList();
        var explored = result.Exploration?.Expectations
            .Where(v => !marked.Any(m => m.Step.Line == v.Step.Line && m.Step.Column == v.Step.Column))
            .Select(v => (v.Step, v.Verdict, Detail: (string?)$"{v.Satisfied} of {v.Executions} executions")) ?? [];
        foreach (var (step, verdict, detail) in marked.Concat(explored))
        {
            var line = step.Line - 1;
            var message = verdict switch
            {
                Verdict.Pass => "pass",
                Verdict.Fail => "FAIL",
                Verdict.Inconclusive => "inconclusive",
                Verdict.KnownFailure => "known failure",
                Verdict.UnexpectedPass => "UNEXPECTED PASS",
                _ => throw new ArgumentOutOfRangeException(nameof(result), verdict, "an expectation with no verdict"),
            } + $": {step.Text}" + (detail is null ? "" : $" ({detail})");
            yield return new JsonObject
            {
                ["range"] = Lsp.Range(new LspPosition(line, step.Column - 1), new LspPosition(line, lines.LineLength(line))),
                ["passed"] = verdict is Verdict.Pass or Verdict.KnownFailure,
                ["message"] = prefix + message,
            };
        }
    }
}
