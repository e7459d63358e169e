using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ScenarioLang.Bench.Measuring;

namespace ScenarioLang.Bench.Spin;

/// <summary>
/// Verifies the Promela models with Spin as its manual says (spin -a, gcc -DSAFETY, ./pan), measuring the verifier
/// run alone: generating and compiling pan.c take about a second and grow little with the model. Needs spin and gcc,
/// which CI has no use for; run it by hand.
/// </summary>
public sealed partial class SpinBench(SpinBenchOptions options, TextWriter progress)
{
    public async Task<string> RunAsync()
    {
        TimedProcess.EnsureAvailable();
        var root = RepoRoot.Find();
        var models = Path.GetFullPath(options.Models ?? Path.Combine(root, "bench", "reference", "spin"));
        var outDir = Path.GetFullPath(options.Out ?? Path.Combine(Path.GetTempPath(), $"kscn-bench-spin-{DateTime.UtcNow:yyyyMMdd-HHmmss}"));
        progress.WriteLine($"kscn-bench spin: models in {models}; verifiers, logs and spin-results.md in {outDir}");

        var table = new StringBuilder();
        table.Append("| Model | CPUs | States stored | Transitions | Outcome reached | Search | pan wall s | Peak MiB |\n");
        table.Append("|---|--:|--:|--:|---|---|--:|--:|\n");
        foreach (var model in Directory.GetFiles(models, "*.pml").Order(StringComparer.Ordinal).Where(Included))
        {
            var name = Path.GetFileNameWithoutExtension(model);
            var work = Directory.CreateDirectory(Path.Combine(outDir, name)).FullName;
            File.Copy(model, Path.Combine(work, Path.GetFileName(model)), overwrite: true);
            await StepAsync(work, "spin", "-a", Path.GetFileName(model));
            await StepAsync(work, "gcc", "-O2", "-DSAFETY", $"-DMEMLIM={options.MemoryLimitMiB}", "-o", "pan", "pan.c");
            var pan = await TimedProcess.RunAsync(work, options.Timeout, "./pan", ["-c0"]);
            File.WriteAllText(Path.Combine(work, "pan.txt"), pan.Output);
            var summary = PanOutput.Parse(pan.Output);
            var search = pan.TimedOut ? $"cut: timeout {options.Timeout.TotalSeconds:F0} s"
                : summary is null ? $"error (exit {pan.ExitCode})"
                : summary.OutOfMemory ? $"cut: memory limit {options.MemoryLimitMiB} MiB"
                : "exhaustive";
            string[] cells =
            [
                name,
                Cpus(model).ToString(CultureInfo.InvariantCulture),
                Count(summary?.StatesStored),
                Count(summary?.Transitions),
                summary is null ? "—" : summary.Errors > 0 ? "yes (assertion violated)" : "no",
                search,
                pan.WallSeconds.ToString("F2", CultureInfo.InvariantCulture),
                pan.PeakMiB.ToString("F0", CultureInfo.InvariantCulture),
            ];
            table.Append("| ").Append(string.Join(" | ", cells)).Append(" |\n");
            progress.WriteLine($"{name}: {pan.WallSeconds:F2} s, {Count(summary?.StatesStored)} states, {search}");
        }

        var report = $"""
            ## Spin, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC

            {MachineInfo.Read(root).Markdown()}- {await VersionAsync(outDir)}; `gcc -O2 -DSAFETY -DMEMLIM={options.MemoryLimitMiB}`, `./pan -c0`; timeout {options.Timeout.TotalSeconds:F0} s

            {table}
            """;
        File.WriteAllText(Path.Combine(outDir, "spin-results.md"), report);
        return report;
    }

    private bool Included(string model)
    {
        var name = Path.GetFileNameWithoutExtension(model);
        if (options.Filter is { } filter && !name.Contains(filter, StringComparison.OrdinalIgnoreCase))
            return false;
        return RingSize().Match(name) is not { Success: true } ring || int.Parse(ring.Groups[1].Value, CultureInfo.InvariantCulture) <= options.MaxRing;
    }

    private static async Task StepAsync(string work, string command, params string[] arguments)
    {
        var step = await TimedProcess.RunAsync(work, TimeSpan.FromMinutes(5), command, arguments);
        if (step.ExitCode != 0)
            throw new BenchException($"{command} {string.Join(' ', arguments)} failed in {work}:\n{step.Output}");
    }

    private static async Task<string> VersionAsync(string work) =>
        (await TimedProcess.RunAsync(work, TimeSpan.FromSeconds(30), "spin", ["-V"])).Output.Trim();

    /// <summary>A model's CPUs are its cpuN processes.</summary>
    private static int Cpus(string model) => CpuProcess().Matches(File.ReadAllText(model)).Count;

    private static string Count(long? value) => value?.ToString("N0", CultureInfo.InvariantCulture) ?? "—";

    [GeneratedRegex(@"^sb-ring-(\d+)$")]
    private static partial Regex RingSize();

    [GeneratedRegex(@"proctype cpu\d+\(")]
    private static partial Regex CpuProcess();
}
