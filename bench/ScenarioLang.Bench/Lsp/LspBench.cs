using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ScenarioLang.Bench.Measuring;

namespace ScenarioLang.Bench.Lsp;

/// <summary>
/// The latency of <c>kscn lsp</c> as an editor sees it: one process started as the VS Code extension starts it, a sample
/// opened (the time to its first diagnostics, which includes the process's start), then N changes, each timed from the
/// didChange sent to the publishDiagnostics of its version. Every round trip includes the server's wait for a next
/// change (50 ms), which typing pays too; the table shows it apart.
/// </summary>
public static class LspBench
{
    /// <summary>The server's wait after a change before it checks (KscnLanguageServer.ChangeDelay).</summary>
    private const double ChangeDelayMs = 50;

    public static Command Command()
    {
        var kscn = new Option<string?>("--kscn") { Description = "The kscn.dll to measure (default: build compiler/ScenarioLang.Cli in Release and use it)." };
        var sample = new Option<string>("--sample") { Description = "The .kscn file to open, relative to the repository.", DefaultValueFactory = _ => "samples/ptshare/mshare.kscn" };
        var changes = new Option<int>("--changes") { Description = "didChange round trips to time.", DefaultValueFactory = _ => 200 };
        var command = new Command("lsp", "Start kscn lsp, open a sample, and time its first diagnostics and N didChange → publishDiagnostics round trips; print the Markdown table.") { kscn, sample, changes };
        command.SetAction(async (parse, _) =>
        {
            Console.Write(await RunAsync(parse.GetValue(kscn), parse.GetValue(sample)!, Math.Max(1, parse.GetValue(changes)), Console.Error));
            return 0;
        });
        return command;
    }

    private static async Task<string> RunAsync(string? kscnDll, string sample, int changes, TextWriter progress)
    {
        var root = RepoRoot.Find();
        var dll = kscnDll ?? await KscnBuild.ReleaseAsync(root, progress);
        var text = File.ReadAllText(Path.Combine(root, sample));
        var uri = new Uri(Path.Combine(root, sample)).AbsoluteUri;
        var start = new ProcessStartInfo("dotnet", [dll, "lsp"]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new BenchException("cannot start dotnet " + dll);
        _ = process.StandardError.ReadToEndAsync();
        var input = process.StandardInput.BaseStream;
        var output = process.StandardOutput.BaseStream;
        Send(input, new JsonObject { ["id"] = 1, ["method"] = "initialize", ["params"] = new JsonObject { ["capabilities"] = new JsonObject() } });
        await Until(output, m => (int?)m["id"] == 1);
        Send(input, new JsonObject { ["method"] = "initialized", ["params"] = new JsonObject() });
        Send(input, new JsonObject { ["method"] = "textDocument/didOpen", ["params"] = new JsonObject { ["textDocument"] = new JsonObject { ["uri"] = uri, ["languageId"] = "kscn", ["version"] = 1, ["text"] = text } } });
        var errors = await Until(output, m => (string?)m["method"] == "textDocument/publishDiagnostics" && (int?)m["params"]!["version"] == 1);
        var first = clock.Elapsed.TotalMilliseconds;
        var times = new List<double>();
        for (var version = 2; version < changes + 2; version++)
        {
            // A comment typed and removed at the end of the first line: the whole file is checked each time.
            var edit = version % 2 == 0 ? " //x" : "";
            var lineEnd = text.IndexOf('\n', StringComparison.Ordinal);
            var change = new JsonObject { ["range"] = Range(0, lineEnd, version % 2 == 0 ? lineEnd : lineEnd + 4), ["text"] = edit };
            var sent = clock.Elapsed.TotalMilliseconds;
            Send(input, new JsonObject { ["method"] = "textDocument/didChange", ["params"] = new JsonObject { ["textDocument"] = new JsonObject { ["uri"] = uri, ["version"] = version }, ["contentChanges"] = new JsonArray(change) } });
            var v = version;
            await Until(output, m => (string?)m["method"] == "textDocument/publishDiagnostics" && (int?)m["params"]!["version"] == v);
            times.Add(clock.Elapsed.TotalMilliseconds - sent);
        }
        Send(input, new JsonObject { ["id"] = 2, ["method"] = "shutdown" });
        await Until(output, m => (int?)m["id"] == 2);
        Send(input, new JsonObject { ["method"] = "exit" });
        await process.WaitForExitAsync();
        times.Sort();
        double Percentile(double p) => times[(int)Math.Min(times.Count - 1, Math.Ceiling(p * times.Count) - 1)];
        var machine = MachineInfo.Read(root);
        var diagnostics = ((JsonArray)errors["params"]!["diagnostics"]!).Count;
        return string.Create(CultureInfo.InvariantCulture, $"""
            | kscn lsp on {sample} ({text.Split('\n').Length} lines, {diagnostics} diagnostics) | ms |
            |---|---:|
            | process start to first diagnostics (didOpen, with the server's 50 ms wait) | {first:F0} |
            | didChange → publishDiagnostics, median of {changes} | {Percentile(0.5):F1} |
            | didChange → publishDiagnostics, p90 | {Percentile(0.9):F1} |
            | the same minus the 50 ms wait: the check itself, median / p90 | {Percentile(0.5) - ChangeDelayMs:F1} / {Percentile(0.9) - ChangeDelayMs:F1} |

            {machine.Markdown()}
            """);
    }

    private static JsonObject Range(int line, int from, int to) => new()
    {
        ["start"] = new JsonObject { ["line"] = line, ["character"] = from },
        ["end"] = new JsonObject { ["line"] = line, ["character"] = to },
    };

    private static void Send(Stream input, JsonObject message)
    {
        message["jsonrpc"] = "2.0";
        var body = Encoding.UTF8.GetBytes(message.ToJsonString());
        input.Write(Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n"));
        input.Write(body);
        input.Flush();
    }

    /// <summary>Reads messages until one satisfies <paramref name="wanted"/>; returns it.</summary>
    private static async Task<JsonObject> Until(Stream output, Func<JsonObject, bool> wanted)
    {
        while (true)
        {
            var length = 0;
            for (var line = await ReadLine(output); line.Length > 0; line = await ReadLine(output))
            {
                if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                    length = int.Parse(line["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
            }
            var body = new byte[length];
            await output.ReadExactlyAsync(body);
            if (JsonNode.Parse(body) is JsonObject message && wanted(message))
                return message;
        }
    }

    private static async Task<string> ReadLine(Stream stream)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one) == 0)
                throw new BenchException("kscn lsp closed its output");
            if (one[0] == '\n')
                return line.ToString().TrimEnd('\r');
            line.Append((char)one[0]);
        }
    }
}
