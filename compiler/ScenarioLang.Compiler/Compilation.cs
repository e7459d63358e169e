using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using ScenarioLang.Compiler.Binding;
using ScenarioLang.Compiler.Diagnostics;
using ScenarioLang.Compiler.Emit;
using ScenarioLang.Compiler.Syntax;
using ScenarioLang.Compiler.Text;

namespace ScenarioLang.Compiler;

/// <summary>One .kscn file through the front end: its syntax tree, bound scenarios and diagnostics.</summary>
public sealed record CompilationUnit(SourceText Source, SyntaxTree Syntax, ImmutableArray<BoundScenario> Scenarios, ImmutableArray<Diagnostic> Diagnostics)
{
    /// <summary>A name for the file's namespace that no other file of the compilation shares.</summary>
    public string FileId { get; init; } = "File0";
}

/// <summary>A scenario ready to run: its bound form and the generated class to instantiate.</summary>
public sealed record CompiledScenario(BoundScenario Bound, string TypeName);

/// <summary>
/// The compiler's facade: parse and bind every file, emit C#, and compile all of it in one Roslyn
/// compilation. Front-end errors stop before C#; a Roslyn error on checked input is our bug.
/// </summary>
public sealed class Compilation
{
    private Compilation(ImmutableArray<CompilationUnit> units) => Units = units;

    public ImmutableArray<CompilationUnit> Units { get; }

    public ImmutableArray<Diagnostic> Diagnostics => Units.SelectMany(u => u.Diagnostics).ToImmutableArray();

    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    public static Compilation Create(IEnumerable<SourceText> sources) =>
        new(sources.Select((source, index) => Analyze(source) with { FileId = "File" + index }).ToImmutableArray());

    public static Compilation Create(params SourceText[] sources) => Create(sources.AsEnumerable());

    private static CompilationUnit Analyze(SourceText source)
    {
        var tree = SyntaxTree.Parse(source);
        var diagnostics = new DiagnosticBag(source);
        var scenarios = Binder.Bind(tree, diagnostics);
        var all = DiagnosticBag.Capped(source, tree.Diagnostics.Concat(diagnostics).OrderBy(d => d.Span.Start));
        return new CompilationUnit(source, tree, scenarios, all);
    }

    /// <summary>
    /// The C# of a file's scenarios, naming the file by its name only (so one file has one compile cache key however its
    /// path is typed), or by its path with <paramref name="withPath"/>, for a project that debuggers read from disk.
    /// </summary>
    public GeneratedSource EmitCSharp(CompilationUnit unit, bool withPath = false)
    {
        var name = Path.GetFileName(unit.Source.Path);
        return new(name + ".g.cs", CSharpEmitter.Emit(unit.Scenarios, withPath ? unit.Source.Path : name, unit.FileId));
    }

    /// <summary>
    /// Compiles every scenario of every file into one assembly and loads it. With a <paramref name="cache"/>, an
    /// assembly compiled before from the same generated C# is loaded from disk instead, without Roslyn, or used again
    /// if this process loaded the same image before (<see cref="LoadedAssemblies"/>).
    /// </summary>
    public CompiledAssembly CompileAndLoad(CompileCache? cache = null)
    {
        if (HasErrors)
            throw new InvalidOperationException("the sources have errors; report Diagnostics instead of compiling");
        var sources = Units.Select(u => EmitCSharp(u)).ToArray();
        var key = CompileCache.KeyFor(sources);
        var assembly = cache is null
            ? LoadedAssemblies.Alone(Compile(sources, key).Load())
            : LoadedAssemblies.Acquire(cache.TryRead(key) ?? Written(cache, key, Compile(sources, key)));
        var scenarios = Units
            .SelectMany(u => u.Scenarios.Select((s, i) => new CompiledScenario(s, CSharpEmitter.TypeName(u.FileId, i))))
            .ToImmutableArray();
        return new CompiledAssembly(assembly, scenarios);
    }

    private static AssemblyImage Written(CompileCache cache, string key, AssemblyImage image)
    {
        cache.Write(key, image);
        return image;
    }

    // Not inlined: only a cache miss should load Roslyn, and compiling a method that uses its types would load it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static AssemblyImage Compile(GeneratedSource[] sources, string key)
    {
        var (image, diagnostics) = RoslynCompiler.Emit(RoslynCompiler.CreateCompilation(sources, "Kscn.Scenarios." + key[..16]));
        if (image is null || diagnostics.Any())
            throw new InternalCompilerException("Roslyn rejected the generated C#:\n" + string.Join("\n", diagnostics));
        return image;
    }
}

/// <summary>The loaded scenarios of a compilation; disposing releases them (<see cref="LoadedAssemblies"/>).</summary>
public sealed class CompiledAssembly(LoadedAssemblies.Lease assembly, ImmutableArray<CompiledScenario> scenarios) : IDisposable
{
    public ImmutableArray<CompiledScenario> Scenarios { get; } = scenarios;

    public Runtime.IScenario Instantiate(CompiledScenario scenario) => assembly.Assembly.CreateScenario(scenario.TypeName, scenario.Bound.Source.Path);

    public void Dispose() => assembly.Dispose();
}

/// <summary>A failure of ours, not of the user's input (exit code 3).</summary>
public sealed class InternalCompilerException(string message) : Exception(message);
