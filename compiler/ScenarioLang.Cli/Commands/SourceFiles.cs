using ScenarioLang.Compiler;
using ScenarioLang.Compiler.Diagnostics;
using ScenarioLang.Compiler.Text;

namespace ScenarioLang.Cli.Commands;

/// <summary>Reading the files a command names, and the front-end pass every command starts with.</summary>
internal static class SourceFiles
{
    /// <summary>Reads files, or every .kscn under a directory in ordinal order; null after reporting what could not be read.</summary>
    public static IReadOnlyList<SourceText>? Load(IEnumerable<string> paths, CliConsole console, bool allowDirectories)
    {
        var sources = new List<SourceText>();
        var ok = true;
        foreach (var path in paths)
        {
            if (allowDirectories && Directory.Exists(path))
            {
                var files = Directory.EnumerateFiles(path, "*.kscn", SearchOption.AllDirectories)
                    .Select(f => Path.Join(path, Path.GetRelativePath(path, f)).Replace('\\', '/'))
                    .Order(StringComparer.Ordinal);
                sources.AddRange(files.Select(SourceText.Load));
            }
            else if (File.Exists(path))
            {
                sources.Add(SourceText.Load(path));
            }
            else
            {
                console.Error.Write($"kscn: cannot read '{path}': no such {(allowDirectories ? "file or directory" : "file")}\n");
                ok = false;
            }
        }
        return ok ? sources : null;
    }

    /// <summary>What run and test start with: the --variant override sets and the checked sources; null after reporting a problem.</summary>
    public static (Compilation Compilation, IReadOnlyList<IReadOnlyDictionary<string, string>> Overrides)? Prepare(
        IEnumerable<string> paths, string[]? variants, CliConsole console, bool allowDirectories)
    {
        var overrides = VariantOption.Parse(variants, console);
        var sources = Load(paths, console, allowDirectories);
        if (overrides is null || sources is null || Check(sources, console) is not { } compilation)
            return null;
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
