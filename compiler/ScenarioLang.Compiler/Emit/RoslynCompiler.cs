using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using ScenarioLang.Runtime;

namespace ScenarioLang.Compiler.Emit;

/// <summary>One generated C# file: the name Roslyn knows it by and its text.</summary>
public sealed record GeneratedSource(string HintName, string Text);

/// <summary>
/// Compiles generated C# in memory with Roslyn, warnings as errors, into an <see cref="AssemblyImage"/>.
/// Its options are code of this assembly, so its identity keys the compile cache (<see cref="CompileCache"/>).
/// </summary>
public static class RoslynCompiler
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    public static CSharpCompilation CreateCompilation(IEnumerable<GeneratedSource> sources, string assemblyName)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, parseOptions, s.HintName, System.Text.Encoding.UTF8));
        var options = new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary,
            nullableContextOptions: NullableContextOptions.Enable,
            generalDiagnosticOption: ReportDiagnostic.Error,
            warningLevel: 9999,
            deterministic: true,
            optimizationLevel: OptimizationLevel.Debug);
        return CSharpCompilation.Create(assemblyName, trees, References.Value, options);
    }

    /// <summary>Emits the assembly with its PDB; Roslyn's diagnostics come back when it fails.</summary>
    public static (AssemblyImage? Image, ImmutableArray<Microsoft.CodeAnalysis.Diagnostic> Diagnostics) Emit(CSharpCompilation compilation)
    {
        using var pe = new MemoryStream();
        using var pdb = new MemoryStream();
        var result = compilation.Emit(pe, pdb, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb));
        return (result.Success ? new AssemblyImage(pe.ToArray(), pdb.ToArray()) : null, result.Diagnostics);
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        // The generated code needs the core library, System.Runtime's type forwards, the collections and our runtime.
        var trusted = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(Path.PathSeparator);
        string[] wanted = ["System.Private.CoreLib.dll", "System.Runtime.dll", "System.Collections.dll"];
        var framework = trusted.Where(p => wanted.Contains(Path.GetFileName(p), StringComparer.OrdinalIgnoreCase));
        return framework
            .Append(typeof(ScenarioRun).Assembly.Location)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    }
}
