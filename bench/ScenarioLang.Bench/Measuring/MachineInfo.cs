using System.Diagnostics;

namespace ScenarioLang.Bench.Measuring;

/// <summary>The facts a reader needs to compare figures across machines: CPU, cores, memory, .NET and the commit.</summary>
public sealed record MachineInfo(string CpuModel, int Cores, double MemoryGiB, string DotnetVersion, string Commit)
{
    public static MachineInfo Read(string repoRoot) => new(
        ProcField("/proc/cpuinfo", "model name") ?? "unknown CPU",
        Environment.ProcessorCount,
        double.Parse(ProcField("/proc/meminfo", "MemTotal")?.Split(' ')[0] ?? "0") / (1024 * 1024),
        Capture(repoRoot, "dotnet", "--version") ?? "unknown",
        DescribeCommit(repoRoot));

    public string Markdown() =>
        $"- Machine: {CpuModel}, {Cores} cores, {MemoryGiB:F1} GiB; .NET SDK {DotnetVersion}\n- Commit measured: {Commit}\n";

    private static string DescribeCommit(string repoRoot)
    {
        var commit = Capture(repoRoot, "git", "log", "-1", "--format=%h %s") ?? "unknown";
        var dirty = !string.IsNullOrEmpty(Capture(repoRoot, "git", "status", "--porcelain", "--untracked-files=no"));
        return dirty ? $"{commit} (with uncommitted changes)" : commit;
    }

    private static string? ProcField(string file, string name) =>
        File.Exists(file)
            ? File.ReadLines(file).Where(l => l.StartsWith(name, StringComparison.Ordinal)).Select(l => l[(l.IndexOf(':') + 1)..].Trim()).FirstOrDefault()
            : null;

    private static string? Capture(string workingDirectory, string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command, arguments) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        try
        {
            using var process = Process.Start(start);
            if (process is null)
                return null;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
