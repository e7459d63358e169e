using System.Text.Json;
using ScenarioLang.Compiler.Diagnostics;
using ScenarioLang.Tests.Infrastructure;
using static ScenarioLang.Tests.Infrastructure.Kscn;

namespace ScenarioLang.Tests.Cli;

/// <summary>kscn check --format json: the contract the VS Code language server reads (docs/language.md, "Diagnostics as JSON").</summary>
public sealed class CheckJsonTests
{
    // Four errors; on the first line 'ü' and '😀' (two UTF-16 code units) make the UTF-16 column of "65" (23) differ
    // from its code-point column (22) and its byte column (26).
    private const string Broken = "scenario \"ü😀\" { cpus 65\n  task A root\n  cpu3 A: exec\n  cpu0 Z: exec\n  cpu0 A: outb 0x80 -> 0\n}\n";

    [Fact]
    public void Errors_come_as_one_object_with_codes_and_one_based_utf16_ranges()
    {
        var output = InvokeWithInput(Broken, "check", "--format", "json", "--stdin-path", "unsaved.kscn");
        Assert.Equal(2, output.ExitCode);
        Assert.Equal("", output.Error);
        Snapshot.Verify(output.Out, "check-json-errors");

        using var json = JsonDocument.Parse(output.Out);
        var root = json.RootElement;
        Assert.Equal(DiagnosticJson.Version, root.GetProperty("version").GetInt32());
        var diagnostics = root.GetProperty("diagnostics").EnumerateArray().ToList();
        Assert.Equal(root.GetProperty("errors").GetInt32(), diagnostics.Count(d => d.GetProperty("severity").GetString() == "error"));
        // Each range covers exactly the text the diagnostic is about.
        var lines = Broken.Split('\n');
        foreach (var d in diagnostics)
        {
            Assert.Equal("unsaved.kscn", d.GetProperty("file").GetString());
            Assert.Matches("^KSC[0-9]{4}$", d.GetProperty("code").GetString());
            var (start, end) = (d.GetProperty("start"), d.GetProperty("end"));
            Assert.Equal(start.GetProperty("line").GetInt32(), end.GetProperty("line").GetInt32());
            Assert.True(end.GetProperty("column").GetInt32() > start.GetProperty("column").GetInt32());
        }
        Assert.Equal("cpu3", Slice(lines, diagnostics.Single(d => d.GetProperty("code").GetString() == "KSC0201")));
        var count = diagnostics.Single(d => d.GetProperty("code").GetString() == "KSC0105");
        Assert.Equal(23, count.GetProperty("start").GetProperty("column").GetInt32());
        Assert.Equal("65", Slice(lines, count));
    }

    [Fact]
    public void The_json_says_what_the_text_diagnostics_say()
    {
        var dir = Directory.CreateTempSubdirectory("kscn-check-json-").FullName;
        var path = Path.Combine(dir, "broken.kscn");
        File.WriteAllText(path, Broken);
        var text = Invoke("check", path);
        var json = Invoke("check", path, "--format", "json");
        Assert.Equal(text.ExitCode, json.ExitCode);
        var fromText = text.Error.Split('\n').Where(l => l.StartsWith(path, StringComparison.Ordinal));
        using var document = JsonDocument.Parse(json.Out);
        var fromJson = document.RootElement.GetProperty("diagnostics").EnumerateArray().Select(d =>
            $"{d.GetProperty("file").GetString()}({d.GetProperty("start").GetProperty("line")},{d.GetProperty("start").GetProperty("column")}): " +
            $"{d.GetProperty("severity").GetString()} {d.GetProperty("code").GetString()}: {d.GetProperty("message").GetString()}");
        Assert.Equal(fromText, fromJson);
    }

    [Fact]
    public void A_clean_file_has_no_diagnostics_and_exit_code_0()
    {
        var output = Invoke("check", Repository.Full("samples/ioperm/andy-stale-tss-bits.kscn"), "--format", "json");
        Assert.Equal(0, output.ExitCode);
        using var json = JsonDocument.Parse(output.Out);
        Assert.Equal(0, json.RootElement.GetProperty("diagnostics").GetArrayLength());
        Assert.Equal(1, json.RootElement.GetProperty("files").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("scenarios").GetInt32());
    }

    [Theory]
    [InlineData("kscn: check takes files or --stdin-path, not both\n", "check", "--stdin-path", "x.kscn", "other.kscn")]
    [InlineData("kscn: check needs files, or --stdin-path PATH with the text on standard input\n", "check")]
    public void Files_and_stdin_are_one_or_the_other(string message, params string[] args)
    {
        var output = InvokeWithInput("", args);
        Assert.Equal(2, output.ExitCode);
        Assert.Equal(message, output.Error);
    }

    [Fact]
    public void A_missing_file_prints_no_json()
    {
        var output = Invoke("check", "--format", "json", "no-such.kscn");
        Assert.Equal(2, output.ExitCode);
        Assert.Equal("", output.Out);
        Assert.Contains("cannot read 'no-such.kscn'", output.Error);
    }

    private static string Slice(string[] lines, JsonElement diagnostic)
    {
        var line = lines[diagnostic.GetProperty("start").GetProperty("line").GetInt32() - 1];
        var start = diagnostic.GetProperty("start").GetProperty("column").GetInt32() - 1;
        return line[start..(diagnostic.GetProperty("end").GetProperty("column").GetInt32() - 1)];
    }
}
