using ScenarioLang.Compiler.Text;

namespace ScenarioLang.Compiler.Services;

/// <summary>Go to definition: where the task, task group, file, shared word, register or vmalloc area at a position is declared.</summary>
public static class Definition
{
    public static TextSpan? At(CompilationUnit unit, int offset)
    {
        if (Locate.ScenarioAt(unit.Syntax, offset) is not { } scenario)
            return null;
        var names = ScenarioNames.Of(scenario);
        return names.At(offset) is { } occurrence && names.DeclarationOf(occurrence) is { } declaration ? declaration.Span : null;
    }
}
