using System.Diagnostics;
using System.Globalization;

namespace ScenarioLang.Bench.Measuring;

/// <summary>How one process run went: whole-process wall time, peak resident memory, CPU time and its output.</summary>
public sealed record ProcessResult(TimeSpan Wall, double PeakMiB, double CpuSeconds, int ExitCode, bool TimedOut, string Output)
{
    public double WallSeconds => Wall.TotalSeconds;
}

/// <summary>
/// Runs a command under GNU time (for the peak RSS and CPU time, which .NET cannot read for a child that has exited)
/// and coreutils timeout (for the wall-clock limit). time waits for timeout, which waits for the command, and Linux
/// passes the largest RSS of reaped descendants up, so %M is the command's own peak.
/// </summary>
public static class TimedProcess
{
    private const string GnuTime = "/usr/bin/time";
    private const int TimedOutStatus = 124;

    public static void EnsureAvailable()
    {
        if (!File.Exists(GnuTime))
            throw new BenchException($"{GnuTime} is missing: install GNU time (Debian: apt-get install time)");
    }

    public static async Task<ProcessResult> RunAsync(
        string workingDirectory, TimeSpan limit, string command, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var stats = Path.GetTempFileName();
        try
        {
            var start = new ProcessStartInfo(GnuTime)
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in (string[])["-f", "%M %U %S", "-o", stats, "timeout", "--kill-after=10s", $"{(int)Math.Ceiling(limit.TotalSeconds)}s", command])
                start.ArgumentList.Add(argument);
            foreach (var argument in arguments)
                start.ArgumentList.Add(argument);
            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            start.Environment["DOTNET_NOLOGO"] = "1";
            foreach (var (name, value) in environment ?? new Dictionary<string, string>())
                start.Environment[name] = value;

            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start) ?? throw new BenchException($"could not start {command}");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            clock.Stop();
            var (peakKiB, cpu) = ReadStats(stats);
            return new ProcessResult(clock.Elapsed, peakKiB / 1024.0, cpu, process.ExitCode, process.ExitCode == TimedOutStatus,
                await stdout + await stderr);
        }
        finally
        {
            File.Delete(stats);
        }
    }

    /// <summary>The last line of time's report; a line before it says "Command exited with non-zero status N".</summary>
    private static (double PeakKiB, double CpuSeconds) ReadStats(string path)
    {
        var last = File.ReadLines(path).LastOrDefault(l => l.Length > 0) ?? throw new BenchException("GNU time wrote no report");
        var fields = last.Split(' ');
        double Field(int i) => double.Parse(fields[i], CultureInfo.InvariantCulture);
        return (Field(0), Field(1) + Field(2));
    }
}
