using System.Diagnostics;
using System.Globalization;

namespace ScenarioLang.Compiler.Hosting;

/// <summary>
/// With KSCN_TIMINGS=1, where a kscn process spends its time: each phase's milliseconds on stderr at the end
/// (docs/benchmarks.md, "Start-up"). Off, a mark costs one test of a static flag and nothing is printed; stdout never
/// changes. A phase marked several times (run, format: once per scenario) adds up. In <c>kscn server</c> each request
/// starts afresh with <see cref="BeginRequest"/>, on or off as its client's KSCN_TIMINGS says.
/// </summary>
public static class PhaseTimings
{
    public const string Variable = "KSCN_TIMINGS";

    private static readonly List<(string Phase, TimeSpan Time)> Phases = [];
    private static long lastMark = Stopwatch.GetTimestamp();
    // The runtime's own work since the process or the request began, which the phases include: what the collector and
    // the JIT cost is where a cold search differs from a warm one (docs/benchmarks.md).
    private static Counters atStart = Counters.Zero;

    public static bool Enabled { get; private set; } = Environment.GetEnvironmentVariable(Variable) == "1";

    /// <summary>The first mark, in Main: the time from the process's start until then is the runtime's.</summary>
    public static void MainEntered()
    {
        if (!Enabled)
            return;
        lastMark = Stopwatch.GetTimestamp();
        // The kernel's start time has a resolution of 10 ms; good enough beside the other phases.
        Add("runtime start to Main", DateTime.Now - Process.GetCurrentProcess().StartTime);
    }

    /// <summary>Forgets the phases so far and starts timing a request of the server from now: there is no runtime start in it.</summary>
    public static void BeginRequest(bool enabled)
    {
        Enabled = enabled;
        Phases.Clear();
        lastMark = Stopwatch.GetTimestamp();
        atStart = Counters.Now();
    }

    /// <summary>Ends the phase named: the time since the previous mark is its.</summary>
    public static void End(string phase)
    {
        if (!Enabled)
            return;
        var now = Stopwatch.GetTimestamp();
        Add(phase, Stopwatch.GetElapsedTime(lastMark, now));
        lastMark = now;
    }

    public static void Report(TextWriter stderr)
    {
        if (!Enabled)
            return;
        End("rest");
        var width = Phases.Max(p => p.Phase.Length);
        foreach (var (phase, time) in Phases)
            stderr.Write(string.Create(CultureInfo.InvariantCulture, $"kscn timings: {phase.PadRight(width)} {time.TotalMilliseconds,7:F1} ms\n"));
        stderr.Write(string.Create(CultureInfo.InvariantCulture, $"kscn timings: {"total".PadRight(width)} {Phases.Sum(p => p.Time.TotalMilliseconds),7:F1} ms\n"));
        var (now, since) = (Counters.Now(), atStart);
        stderr.Write(string.Create(CultureInfo.InvariantCulture,
            $"kscn timings: of which the collector paused the threads {(now.GcPause - since.GcPause).TotalMilliseconds:F1} ms in {now.Gen0 - since.Gen0} collections ({now.Gen1 - since.Gen1} of gen1, {now.Gen2 - since.Gen2} of gen2), {(now.Allocated - since.Allocated) / (1 << 20)} MiB allocated\n"));
        stderr.Write(string.Create(CultureInfo.InvariantCulture,
            $"kscn timings: and the JIT compiled {now.JitMethods - since.JitMethods} methods in {(now.JitTime - since.JitTime).TotalMilliseconds:F1} ms, on any thread\n"));
    }

    private sealed record Counters(TimeSpan GcPause, int Gen0, int Gen1, int Gen2, long Allocated, long JitMethods, TimeSpan JitTime)
    {
        public static Counters Zero { get; } = new(TimeSpan.Zero, 0, 0, 0, 0, 0, TimeSpan.Zero);

        public static Counters Now() => new(GC.GetTotalPauseDuration(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2),
            GC.GetTotalAllocatedBytes(), System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime());
    }

    private static void Add(string phase, TimeSpan time)
    {
        var index = Phases.FindIndex(p => p.Phase == phase);
        if (index < 0)
            Phases.Add((phase, time));
        else
            Phases[index] = (phase, Phases[index].Time + time);
    }
}
