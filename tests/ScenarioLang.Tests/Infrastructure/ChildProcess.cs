using System.Diagnostics;

namespace ScenarioLang.Tests.Infrastructure;

/// <summary>What a child process printed and returned.</summary>
internal sealed record ChildResult(int ExitCode, string Out, string Error)
{
    public string Output => Out + Error;
}

/// <summary>
/// Runs a child process (dotnet, an installed kscn) as a user's shell would start it. A test runs under
/// <c>dotnet test</c>, which leaves its MSBuild's paths (MSBuildExtensionsPath, MSBuildSDKsPath…) and vstest's settings
/// in the environment; a child dotnet would resolve its SDK through them, so they are removed.
/// </summary>
internal static class ChildProcess
{
    /// <summary>The dotnet running this test (the SDK sets DOTNET_HOST_PATH for test hosts), else the one on PATH.</summary>
    public static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    /// <summary>
    /// Runs <paramref name="command"/> to its end; <paramref name="environment"/> sets variables, or removes those set to
    /// null. Past <paramref name="limit"/> the process tree is killed and the test fails: a guard against a hang, not a
    /// timing assertion.
    /// </summary>
    public static ChildResult Run(string workingDirectory, string command, IEnumerable<string> arguments, TimeSpan limit,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(command)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        var inherited = start.Environment.Keys.Where(k =>
            k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("_MSBUILD", StringComparison.OrdinalIgnoreCase) ||
            k.StartsWith("VSTEST_", StringComparison.OrdinalIgnoreCase));
        foreach (var name in inherited.ToList())
            start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
                start.Environment.Remove(name);
            else
                start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {command}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{command} {string.Join(' ', start.ArgumentList)} did not finish within {limit}");
        }
        return new ChildResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
