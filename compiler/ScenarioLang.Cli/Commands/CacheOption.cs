using System.CommandLine;
using ScenarioLang.Compiler.Emit;

namespace ScenarioLang.Cli.Commands;

/// <summary>--no-cache: compile with Roslyn even when the compile cache holds the assembly.</summary>
internal static class CacheOption
{
    public static Option<bool> Create() => new("--no-cache")
    {
        Description = $"Compile with Roslyn and leave the compile cache alone (default: reuse assemblies compiled before from the same " +
                      $"generated C#, kept in ${CompileCache.DirectoryVariable} or ~/.cache/kscn).",
    };

    /// <summary>The cache a command compiles through: none with --no-cache, else the user's.</summary>
    public static CompileCache? Resolve(ParseResult parse, Option<bool> noCache) =>
        parse.GetValue(noCache) ? null : CompileCache.FromEnvironment();
}
