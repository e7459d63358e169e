using System.Text.Json;
using ScenarioLang.Runtime.Kernel;

namespace ScenarioLang.Runtime.Exploration;

/// <summary>
/// A part's tally as a shard file keeps it (<see cref="ShardFile"/>): every count, the steps in the order the trace
/// shows them, the final states, the findings, and each counterexample as the lines it prints. Not the first execution's
/// result: a merge runs that execution again.
/// </summary>
internal sealed partial class ExplorationTally
{
    public void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteNumber("runs", Runs);
        w.WriteNumber("executions", Executions);
        w.WriteNumber("redundant", Redundant);
        w.WriteNumber("deadlocks", Deadlocks);
        w.WriteNumber("events", Events);
        w.WriteNumber("with-findings", WithFindings);
        w.WriteBoolean("bounded", Bounded);
        w.WriteBoolean("complete", Complete);
        w.WriteBoolean("violated", Violated);
        w.WriteStartArray("steps");
        foreach (var step in _order)
        {
            w.WriteStartObject();
            ShardJson.WriteStep(w, step);
            if (_tallies.TryGetValue(step, out var tally))
                tally.Write(w);
            else
                ShardJson.WriteEntry(w, _untallied[step]);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        // Ordinal order, as the trace prints them: the dictionary's own order depends on how the parts were appended.
        w.WriteStartArray("states");
        foreach (var state in _states.Sorted())
        {
            w.WriteStartObject();
            w.WriteString("state", state.State);
            w.WriteNumber("count", state.Count);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("findings");
        foreach (var finding in _findings)
        {
            w.WriteStartObject();
            w.WriteString("kind", finding.Kind.ToString());
            w.WriteString("object-kind", finding.ObjectKind);
            w.WriteString("message", finding.Message);
            w.WriteBoolean("expected", finding.Expected);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WritePropertyName("finding-example");
        ShardJson.WriteCounterexample(w, _findingExample);
        w.WriteEndObject();
    }

    /// <summary>A tally as <see cref="Write"/> wrote it; throws <see cref="ShardFileException"/> on what it did not write.</summary>
    public static ExplorationTally Read(JsonElement e)
    {
        var tally = new ExplorationTally
        {
            Runs = ShardJson.Count(e, "runs"),
            Executions = ShardJson.Count(e, "executions"),
            Redundant = ShardJson.Count(e, "redundant"),
            Deadlocks = ShardJson.Count(e, "deadlocks"),
            Events = e.GetProperty("events").GetInt64(),
            WithFindings = ShardJson.Count(e, "with-findings"),
            Bounded = e.GetProperty("bounded").GetBoolean(),
            Complete = e.GetProperty("complete").GetBoolean(),
            Violated = e.GetProperty("violated").GetBoolean(),
        };
        if (tally.Runs < 1 || tally.Executions + tally.Redundant + tally.Deadlocks != tally.Runs)
            throw new ShardFileException($"a part's counts do not add up ({tally.Runs} runs)");
        foreach (var item in e.GetProperty("steps").EnumerateArray())
        {
            var step = ShardJson.ReadStep(item);
            var known = item.TryGetProperty("quantifier", out _)
                ? tally._tallies.TryAdd(step, ExpectationTally.Read(step, item))
                : tally._untallied.TryAdd(step, ShardJson.ReadEntry(item, step));
            if (!known)
                throw new ShardFileException($"a part lists line {step.Line} twice");
            tally._order.Add(step);
        }
        foreach (var item in e.GetProperty("states").EnumerateArray())
        {
            if (!tally._states.TryAdd(ShardJson.Text(item, "state"), ShardJson.Count(item, "count")))
                throw new ShardFileException("a part lists a final state twice");
        }
        foreach (var item in e.GetProperty("findings").EnumerateArray())
        {
            tally._findings.Add(new Finding(ShardJson.Enum<FindingKind>(item, "kind"), ShardJson.Text(item, "object-kind"), ShardJson.Text(item, "message"))
            {
                Expected = item.GetProperty("expected").GetBoolean(),
            });
        }
        tally._findingExample = ShardJson.ReadCounterexample(e.GetProperty("finding-example"));
        return tally;
    }

    /// <summary>Takes the first execution's result from the tally of a search's first part run again for it (a merge).</summary>
    public void StartFrom(ExplorationTally first)
    {
        First = first.First;
        Prefix = first.Prefix;
        ExploreStep = first.ExploreStep;
    }
}

/// <summary>An expectation's tally as a shard file keeps it, within its step's object.</summary>
internal sealed partial class ExpectationTally
{
    public void Write(Utf8JsonWriter w)
    {
        w.WriteString("quantifier", Quantifier.ToString());
        w.WriteNumber("satisfied", _satisfied);
        w.WriteString("error", _error);
        w.WritePropertyName("counterexample");
        ShardJson.WriteCounterexample(w, _counterexample);
    }

    public static ExpectationTally Read(Step step, JsonElement e) => new(step, ShardJson.Enum<Quantifier>(e, "quantifier"))
    {
        _satisfied = ShardJson.Count(e, "satisfied"),
        _error = ShardJson.OptionalText(e, "error"),
        _counterexample = ShardJson.ReadCounterexample(e.GetProperty("counterexample")),
    };
}
