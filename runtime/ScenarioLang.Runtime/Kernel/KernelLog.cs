using System.Runtime.CompilerServices;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Kernel;

/// <summary>What the kernel did inside the current step, in a reviewer's words; the trace prints it under the step.</summary>
/// <remarks>
/// The notes of an explore block's events are never printed: the block's trace entry shows the exploration's summary
/// in their place. So inside an explored event a note is not kept, and an interpolated one is not even formatted
/// (<see cref="NoteText"/>): a search runs the kernel's paths thousands of times.
/// </remarks>
public sealed class KernelLog(StateTracker tracker)
{
    private readonly RewindableList<string> _notes = new(tracker);

    /// <summary>Whether notes are kept now: not while an explored event runs.</summary>
    public bool Keeping => tracker.Cpu is null;

    public void Note(string text)
    {
        if (Keeping)
            _notes.Add(text);
    }

    /// <summary>An interpolated note, formatted only when it is kept.</summary>
    public void Note([InterpolatedStringHandlerArgument("")] ref NoteText text)
    {
        if (text.Kept)
            _notes.Add(text.ToStringAndClear());
    }

    /// <summary>Returns the notes written since the last call and starts a new step.</summary>
    public IReadOnlyList<string> Take()
    {
        var notes = _notes.ToArray();
        _notes.Clear();
        return notes;
    }
}

/// <summary>The text of an interpolated <see cref="KernelLog.Note(ref NoteText)"/>: its holes are not evaluated when the log keeps no note.</summary>
[InterpolatedStringHandler]
public ref struct NoteText
{
    private DefaultInterpolatedStringHandler _text;

    public NoteText(int literalLength, int formattedCount, KernelLog log, out bool kept)
    {
        Kept = kept = log.Keeping;
        _text = kept ? new DefaultInterpolatedStringHandler(literalLength, formattedCount, System.Globalization.CultureInfo.InvariantCulture) : default;
    }

    public bool Kept { get; }

    public void AppendLiteral(string value) => _text.AppendLiteral(value);

    public void AppendFormatted<T>(T value) => _text.AppendFormatted(value);

    public void AppendFormatted<T>(T value, string? format) => _text.AppendFormatted(value, format);

    public void AppendFormatted(string? value) => _text.AppendFormatted(value);

    // A hole of two types (cond ? "saturated" : count + 1).
    public void AppendFormatted(object? value) => _text.AppendFormatted(value);

    public string ToStringAndClear() => _text.ToStringAndClear();
}
