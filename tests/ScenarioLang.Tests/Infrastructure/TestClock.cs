namespace ScenarioLang.Tests.Infrastructure;

/// <summary>
/// A clock that moves only when read, by a fixed step: with no step every time and duration is the same on every run
/// (result files can be snapshots); with a step of a second, a progress line's first-second delay is over at once.
/// No test waits for real time.
/// </summary>
internal sealed class TestClock(TimeSpan step) : TimeProvider
{
    public static readonly DateTimeOffset Start = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private long _ticks;

    public static TestClock Frozen => new(TimeSpan.Zero);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Add(ref _ticks, step.Ticks);

    public override DateTimeOffset GetUtcNow() => Start + TimeSpan.FromTicks(Interlocked.Read(ref _ticks));
}
