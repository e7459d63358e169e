using System.CommandLine;
using ScenarioLang.Cli.Server;
using ScenarioLang.Compiler.Emit;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Cli.Commands;

/// <summary>--no-cache: compile with Roslyn even when the compile cache holds the assembly.</summary>
internal static class CacheOption
{
    public static Option<bool> Create() => new("--no-cache")
    {
        Description = $"Compile with Roslyn and leave the compile cache alone (default: reuse assemblies compiled before from the same " +
                      $"generated C#, kept in ${CompileCache.DirectoryVariable} or ~/.cache/kscn).",
    };

    /// <summary>
    /// The cache a command compiles through: none with --no-cache, else the user's, created with mode 0700 when missing.
    /// A directory that is not the user's alone (<see cref="PrivateDirectory"/>) is not used, with a note: the cache
    /// only saves time, so refusing it costs a compile, never the run, while loading what another user could have
    /// written there would run their code. Damaged entries are noted as they are discarded.
    /// </summary>
    public static CompileCache? Resolve(ParseResult parse, Option<bool> noCache, CliConsole console) =>
        parse.GetValue(noCache) ? null : Trusted(CompileCache.FromEnvironment(note => console.Error.Write($"kscn: {PrintableText.Escape(note)}\n")), console);

    /// <summary><paramref name="cache"/>, its directory created if missing, when that directory is the user's alone; else null, with a note.</summary>
    public static CompileCache? Trusted(CompileCache cache, CliConsole console)
    {
        try
        {
            PrivateDirectory.Create(cache.Directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // it cannot be made: as a cache that cannot be written, it would only cost time
        }
        if (PrivateDirectory.Problem(cache.Directory) is not { } problem)
            return cache;
        console.Error.Write($"kscn: not using the compile cache: {PrintableText.Escape(cache.Directory)} {problem}\n");
        return null;
    }
}
