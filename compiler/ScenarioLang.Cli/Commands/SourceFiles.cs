using System.Text;
using ScenarioLang.Compiler;
using ScenarioLang.Compiler.Diagnostics;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Cli.Commands;

/// <summary>Reading the files a command names, and the front-end pass every command starts with.</summary>
internal static class SourceFiles
{
    /// <summary>
    /// The most characters kscn reads from one source (a file, or standard input for check --stdin-path): far more than
    /// any scenario needs, and a bound on what a device such as /dev/zero, or a file given by mistake, costs.
    /// </summary>
    public const int MaxSourceChars = 32 << 20;

    /// <summary>Reads files, or every .kscn under a directory in ordinal order; null after reporting what could not be read.</summary>
    public static IReadOnlyList<SourceText>? Load(IEnumerable<string> paths, CliConsole console, bool allowDirectories)
    {
        var sources = new List<SourceText>();
        var ok = true;
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                if (!allowDirectories)
                {
                    console.Error.Write($"kscn: cannot read '{PrintableText.Escape(path)}': it is a directory; 'kscn test {PrintableText.Escape(path)}' runs every .kscn file under it\n");
                    ok = false;
                    continue;
                }
                // Only the platform's separator is one: on Linux a backslash is part of a file's name.
                var files = Directory.EnumerateFiles(path, "*.kscn", SearchOption.AllDirectories)
                    .Select(f => Path.Join(path, Path.GetRelativePath(path, f)).Replace(Path.DirectorySeparatorChar, '/'))
                    .Order(StringComparer.Ordinal)
                    .ToList();
                if (files.Count == 0)
                {
                    console.Error.Write($"kscn: no .kscn file under '{PrintableText.Escape(path)}'\n");
                    ok = false;
                }
                foreach (var file in files)
                    ok &= Add(file, sources, console);
            }
            else if (File.Exists(path))
            {
                ok &= Add(path, sources, console);
            }
            else
            {
                console.Error.Write($"kscn: cannot read '{PrintableText.Escape(path)}': {Missing(path, allowDirectories)}\n");
                ok = false;
            }
        }
        return ok ? sources : null;
    }

    /// <summary>
    /// Why <paramref name="path"/> is not there. .NET reads a name's bytes as UTF-8, and bytes that are not UTF-8 as
    /// U+FFFD, which then names no file: say so, rather than that the file the user sees does not exist.
    /// </summary>
    private static string Missing(string path, bool allowDirectories) => path.Contains('\uFFFD')
        ? "the name is not valid UTF-8 (shown with U+FFFD for the bytes that are not), which kscn cannot open; rename the file"
        : $"no such {(allowDirectories ? "file or directory" : "file")}";

    private static bool Add(string path, List<SourceText> sources, CliConsole console)
    {
        var problem = Missing(path, allowDirectories: false);
        string? text = null;
        try
        {
            using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
            text = ReadBounded(reader, out problem);
        }
        catch (FileNotFoundException)
        {
            // Listed under a directory, but the name did not survive the trip through UTF-8 (or the file went away).
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = e.Message;
        }
        if (text is null)
        {
            console.Error.Write($"kscn: cannot read '{PrintableText.Escape(path)}': {problem}\n");
            return false;
        }
        sources.Add(SourceText.From(text, path));
        return true;
    }

    /// <summary>
    /// The whole text of <paramref name="reader"/>, or null past <see cref="MaxSourceChars"/>, with the problem. Reads a
    /// device or a pipe the same way, so that an endless one costs no more than the largest source.
    /// </summary>
    public static string? ReadBounded(TextReader reader, out string problem)
    {
        var text = new StringBuilder();
        // Under the large-object heap's 85,000 bytes: a server reads a file per request, and each large buffer would
        // bring its next full collection closer.
        var buffer = new char[1 << 12];
        for (int read; (read = reader.Read(buffer)) > 0;)
        {
            if (text.Length + read > MaxSourceChars)
            {
                problem = $"larger than {MaxSourceChars} characters, the most kscn reads from one source";
                return null;
            }
            text.Append(buffer, 0, read);
        }
        problem = "";
        return text.ToString();
    }

    /// <summary>
    /// What run, explore, test and compile start with: the --variant override sets and the checked sources, with at
    /// least one scenario; null after reporting a problem. <paramref name="verb"/> names the work in that report.
    /// </summary>
    public static (Compilation Compilation, IReadOnlyList<IReadOnlyDictionary<string, string>> Overrides)? Prepare(
        IEnumerable<string> paths, string[]? variants, CliConsole console, bool allowDirectories, string verb)
    {
        var overrides = VariantOption.Parse(variants, console);
        var sources = Load(paths, console, allowDirectories);
        if (overrides is null || sources is null || Check(sources, console) is not { } compilation)
            return null;
        // Nothing to do is a mistake (a wrong folder, a file of comments), not a silent exit 0 and a green job.
        if (compilation.Units.Sum(u => u.Scenarios.Length) == 0)
        {
            console.Refuse($"no scenario in {Units.Count(compilation.Units.Length, "file")}: nothing to {verb}");
            return null;
        }
        return (compilation, overrides);
    }

    /// <summary>Parses and binds; prints every diagnostic with its caret. Returns null when there were errors.</summary>
    public static Compilation? Check(IReadOnlyList<SourceText> sources, CliConsole console)
    {
        var compilation = Compilation.Create(sources);
        console.Error.Write(DiagnosticFormatter.Format(compilation.Diagnostics));
        if (!compilation.HasErrors)
            return compilation;
        var errors = compilation.Diagnostics.Count(d => d.IsError);
        console.Error.Write($"{errors} error{(errors == 1 ? "" : "s")}\n");
        return null;
    }
}
