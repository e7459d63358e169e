using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace ScenarioLang.Bench.Startup;

/// <summary>
/// kscn-bench roslyn FILE.cs: Roslyn alone, as kscn's RoslynCompiler drives it (the same parse, compilation and emit
/// options, the same framework references plus the runtime named), into memory and not loaded. Run as a process of its
/// own, it is the reference a kscn run that compiles is measured against.
/// </summary>
public static class BareRoslynCompile
{
    private static readonly string[] FrameworkAssemblies = ["System.Private.CoreLib.dll", "System.Runtime.dll", "System.Collections.dll"];

    public static int Run(string sourcePath, IEnumerable<string> references, TextWriter error)
    {
        var tree = CSharpSyntaxTree.ParseText(File.ReadAllText(sourcePath), new CSharpParseOptions(LanguageVersion.Latest), sourcePath, Encoding.UTF8);
        var platform = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(Path.PathSeparator)
            .Where(p => FrameworkAssemblies.Contains(Path.GetFileName(p), StringComparer.OrdinalIgnoreCase));
        var compilation = CSharpCompilation.Create(
            "KscnBench.Roslyn",
            [tree],
            platform.Concat(references).Select(p => MetadataReference.CreateFromFile(p)),
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                generalDiagnosticOption: ReportDiagnostic.Error,
                warningLevel: 9999,
                deterministic: true,
                optimizationLevel: OptimizationLevel.Debug));
        using var assembly = new MemoryStream();
        using var symbols = new MemoryStream();
        var result = compilation.Emit(assembly, symbols, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb));
        foreach (var diagnostic in result.Diagnostics)
            error.WriteLine(diagnostic);
        return result.Success ? 0 : 1;
    }
}
