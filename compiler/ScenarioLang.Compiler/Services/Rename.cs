using System.Collections.Immutable;
using ScenarioLang.Compiler.Text;

namespace ScenarioLang.Compiler.Services;

/// <summary>A text edit: replace <see cref="Span"/> with <see cref="NewText"/>.</summary>
public sealed record TextEdit(TextSpan Span, string NewText);

/// <summary>A rename's answer: the edits, or why it cannot be done.</summary>
public sealed record RenameResult(ImmutableArray<TextEdit> Edits, string? Error)
{
    public static RenameResult Refused(string error) => new([], error);
}

/// <summary>
/// Renaming a task: every place the scenario names it (its declaration or the fork that creates it, steps, switches,
/// preemptions, properties' arguments). A name must be a task name (letters, digits and '_', as KSC0109 says) that no
/// other name of the scenario has, nor a keyword.
/// </summary>
public static class Rename
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "scenario", "kernel", "memory", "cpus", "task", "root", "user", "shared", "file", "switch", "idle", "continue", "drain", "until",
        "preempted", "preempts", "failing", "at", "expect", "always", "never", "sometimes", "and", "is", "not", "none", "on", "off", "ok",
        "repeat", "for", "each", "explore", "leak", "warn", "oops",
    };

    /// <summary>The span of the task name at <paramref name="offset"/>, if a task can be renamed there.</summary>
    public static TextSpan? Prepare(CompilationUnit unit, int offset) => Find(unit, offset)?.Occurrence.Span;

    public static RenameResult At(CompilationUnit unit, int offset, string newName)
    {
        if (Find(unit, offset) is not var (names, occurrence))
            return RenameResult.Refused("only a task can be renamed, and there is none here");
        if (!IsTaskName(newName))
            return RenameResult.Refused($"'{newName}' cannot name a task: task names are letters, digits and '_', not starting with a digit, and no keyword");
        if (newName == occurrence.Name)
            return new RenameResult([], null);
        if (names.Taken(newName))
            return RenameResult.Refused($"the scenario already has a name {newName}");
        return new RenameResult([.. names.UsesOf(occurrence).Select(o => new TextEdit(o.Span, newName))], null);
    }

    private static (ScenarioNames Names, NameOccurrence Occurrence)? Find(CompilationUnit unit, int offset)
    {
        if (Locate.ScenarioAt(unit.Syntax, offset) is not { } scenario)
            return null;
        var names = ScenarioNames.Of(scenario);
        return names.At(offset) is { Kind: NameKind.Task } occurrence && names.DeclarationOf(occurrence) is not null ? (names, occurrence) : null;
    }

    /// <summary>What the lexer reads as one name and the binder takes as a task: no '-' or '.', no CPU name, no keyword.</summary>
    public static bool IsTaskName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
        && !Keywords.Contains(name) && !(name.StartsWith("cpu", StringComparison.Ordinal) && name.Length > 3 && name[3..].All(char.IsAsciiDigit));
}
