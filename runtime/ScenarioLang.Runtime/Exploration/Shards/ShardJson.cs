using System.Text.Json;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Scheduling;

namespace ScenarioLang.Runtime.Exploration;

/// <summary>
/// The parts of a shard file's JSON that tallies share: a step's place, a trace entry, a counterexample; and reading
/// values back with a <see cref="ShardFileException"/> for what a shard file never holds (a negative count, an unknown
/// name).
/// </summary>
internal static class ShardJson
{
    public static void WriteStep(Utf8JsonWriter w, Step step)
    {
        w.WriteNumber("line", step.Line);
        w.WriteNumber("column", step.Column);
        w.WriteString("text", step.Text);
    }

    public static Step ReadStep(JsonElement e) => new(Count(e, "line"), Count(e, "column"), Text(e, "text"));

    /// <summary>A trace entry's verdict, failure and notes, in the object of its step.</summary>
    public static void WriteEntry(Utf8JsonWriter w, TraceEntry entry)
    {
        w.WriteString("verdict", entry.Verdict.ToString());
        w.WriteString("failure", entry.Failure);
        Strings(w, "notes", entry.Notes);
    }

    public static TraceEntry ReadEntry(JsonElement e, Step step) =>
        new(step, Enum<Verdict>(e, "verdict"), OptionalText(e, "failure"), Strings(e, "notes"));

    /// <summary>
    /// A counterexample as the trace and --save print it: its schedule's lines with the steps they begin (a table, so
    /// that a fence hint sees whether its store and load are in one step) and the fence hints.
    /// </summary>
    public static void WriteCounterexample(Utf8JsonWriter w, Counterexample? c)
    {
        if (c is null)
        {
            w.WriteNullValue();
            return;
        }
        // The steps the lines begin and the hints name, each once, in the order they first appear.
        var steps = new List<ThreadStep>();
        foreach (var line in c.Schedule)
        {
            foreach (var step in line.FenceHints.SelectMany(h => new[] { h.Store.Step, h.Load.Step }).Prepend(line.Step))
            {
                if (step is not null && !steps.Contains(step))
                    steps.Add(step);
            }
        }
        w.WriteStartObject();
        w.WriteNumber("execution", c.Execution);
        w.WriteString("detail", c.Detail);
        w.WriteStartArray("steps");
        foreach (var step in steps)
        {
            w.WriteStartObject();
            WriteStep(w, step.Step);
            w.WriteNumber("cpu", step.Cpu);
            w.WriteString("action", step.Action);
            w.WriteString("result", step.Result);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("schedule");
        foreach (var line in c.Schedule)
        {
            w.WriteStartObject();
            w.WriteString("verb", line.Verb.ToString());
            w.WriteNumber("cpu", line.Cpu);
            if (line.Step is null)
                w.WriteNull("step");
            else
                w.WriteNumber("step", steps.IndexOf(line.Step));
            w.WriteString("until", line.Until);
            w.WriteNumber("count", line.Count);
            w.WriteString("task", line.Task);
            w.WriteBoolean("preempted", line.Preempted);
            w.WriteString("buffers", line.Buffers);
            w.WriteStartArray("fence-hints");
            foreach (var hint in line.FenceHints)
            {
                w.WriteStartObject();
                w.WriteNumber("cpu", hint.Cpu);
                WriteAccess(w, "store", hint.Store, steps.IndexOf(hint.Store.Step));
                WriteAccess(w, "load", hint.Load, steps.IndexOf(hint.Load.Step));
                w.WriteString("written", hint.Written);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static Counterexample? ReadCounterexample(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Null)
            return null;
        var steps = e.GetProperty("steps").EnumerateArray()
            .Select(s => new ThreadStep(ReadStep(s), Count(s, "cpu"), Text(s, "action"), OptionalText(s, "result"), NotBegun, NotCompleted))
            .ToList();
        ThreadStep StepAt(JsonElement index) => index.GetInt32() is var i && i >= 0 && i < steps.Count ? steps[i] : throw new ShardFileException($"a schedule names step {i} of {steps.Count}");
        ProgramAccess Access(JsonElement a) => new(StepAt(a.GetProperty("step")), Text(a, "point"), Text(a, "text"));
        var schedule = e.GetProperty("schedule").EnumerateArray().Select(l => new ScheduleLine(
            Enum<ScheduleVerb>(l, "verb"), Count(l, "cpu"), l.GetProperty("step").ValueKind == JsonValueKind.Null ? null : StepAt(l.GetProperty("step")),
            OptionalText(l, "until"), Count(l, "count"))
        {
            Task = OptionalText(l, "task"),
            Preempted = l.GetProperty("preempted").GetBoolean(),
            Buffers = OptionalText(l, "buffers"),
            FenceHints = [.. l.GetProperty("fence-hints").EnumerateArray().Select(h =>
                new FenceHint(Count(h, "cpu"), Access(h.GetProperty("store")), Access(h.GetProperty("load")), Text(h, "written")))],
        }).ToList();
        if (schedule.Exists(l => l.Verb == ScheduleVerb.Run && l.Step is null))
            throw new ShardFileException("a schedule line runs no step");
        return new Counterexample(Count(e, "execution"), Text(e, "detail"), schedule);
    }

    private static void WriteAccess(Utf8JsonWriter w, string name, ProgramAccess access, int step)
    {
        w.WriteStartObject(name);
        w.WriteNumber("step", step);
        w.WriteString("point", access.Point);
        w.WriteString("text", access.Text);
        w.WriteEndObject();
    }

    // A step read back from a shard file is printed (a schedule line, a fence hint), never run: the merge that reads it
    // runs no counterexample.
    private static KernelPath NotBegun(Cpu cpu) => throw new InvalidOperationException("a step read from a shard file does not run");

    private static Outcome NotCompleted(KernelPath path) => throw new InvalidOperationException("a step read from a shard file does not run");

    public static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values)
            w.WriteStringValue(value);
        w.WriteEndArray();
    }

    public static IReadOnlyList<string> Strings(JsonElement e, string name) =>
        [.. e.GetProperty(name).EnumerateArray().Select(v => v.GetString() ?? throw new ShardFileException($"'{name}' holds a null"))];

    /// <summary>A count, a line, a CPU: a whole number from 0.</summary>
    public static int Count(JsonElement e, string name) =>
        e.GetProperty(name).GetInt32() is var n && n >= 0 ? n : throw new ShardFileException($"'{name}' is {n}");

    public static string Text(JsonElement e, string name) => OptionalText(e, name) ?? throw new ShardFileException($"'{name}' is null");

    public static string? OptionalText(JsonElement e, string name) => e.GetProperty(name).GetString();

    /// <summary>A name of <typeparamref name="T"/>, as ToString wrote it (not a number, which Enum.Parse would take).</summary>
    public static T Enum<T>(JsonElement e, string name) where T : struct, System.Enum =>
        Text(e, name) is var text && System.Enum.GetNames<T>().Contains(text, StringComparer.Ordinal)
            ? System.Enum.Parse<T>(text)
            : throw new ShardFileException($"'{name}' is '{text}', not one of {string.Join(", ", System.Enum.GetNames<T>())}");
}
