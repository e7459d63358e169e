using ScenarioLang.Compiler.Text;

namespace ScenarioLang.Compiler.Services;

/// <summary>The front end on one editor buffer: what every language service starts from.</summary>
public static class Analysis
{
    public static CompilationUnit Of(SourceText source) => Compilation.Create(source).Units[0];
}
