namespace ScenarioLang.Cli.Commands;

/// <summary>
/// A live status line on stderr, rewritten in place with '\r': only when the console shows progress (a terminal, no CI),
/// only once the work has taken a second (short runs stay quiet), at most five times a second, and cleared at the end.
/// </summary>
internal sealed class ProgressLine(CliConsole console)
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private readonly long _start = console.Clock.GetTimestamp();
    private TimeSpan _drawnAt;
    private string _text = "";
    private int _width;

    public TimeSpan Elapsed => console.Clock.GetElapsedTime(_start);

    /// <summary>Shows the line <paramref name="describe"/> makes, unless it is too early or too soon after the last one.</summary>
    public void Update(Func<string> describe)
    {
        if (!console.ShowsProgress)
            return;
        var now = Elapsed;
        if (now < Delay || (_width > 0 && now - _drawnAt < Interval))
            return;
        _drawnAt = now;
        _text = describe();
        console.Error.Write("\r" + _text.PadRight(_width));
        _width = Math.Max(_width, _text.Length);
    }

    /// <summary>Writes a line of output on a terminal that shows the live line: above it, which is drawn again below.</summary>
    public void WriteAbove(string output)
    {
        Erase();
        console.Out.Write(output);
        // Each line as it comes: standard output is buffered.
        console.Out.Flush();
        if (_width > 0)
            console.Error.Write(_text);
    }

    /// <summary>Takes the line off the screen for good, if one was shown.</summary>
    public void Clear()
    {
        Erase();
        _width = 0;
    }

    private void Erase()
    {
        if (_width > 0)
            console.Error.Write("\r" + new string(' ', _width) + "\r");
    }
}
