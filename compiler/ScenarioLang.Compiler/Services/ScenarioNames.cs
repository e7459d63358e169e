using System.Collections.Immutable;
using ScenarioLang.Compiler.Syntax;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Runtime.Catalog;

namespace ScenarioLang.Compiler.Services;

/// <summary>What a name a scenario declares stands for.</summary>
public enum NameKind
{
    Task,
    /// <summary>A task group (<c>task W[1000] user</c>); its members (<c>W3</c>) are occurrences of it too.</summary>
    TaskGroup,
    File,
    SharedWord,
    /// <summary>A register a load or exchange writes (<c>load x -&gt; r0</c>).</summary>
    Register,
    /// <summary>A vmalloc area (<c>vmalloc(4 KiB) -&gt; V</c>).</summary>
    Area,
}

/// <summary>
/// A name as written in a scenario: where, what it stands for, and whether it is declared there. A group's member
/// (<c>W3</c>) is an occurrence of the group whose span covers only the group's part of the name.
/// </summary>
public sealed record NameOccurrence(string Name, NameKind Kind, TextSpan Span, bool IsDeclaration);

/// <summary>
/// Every name a scenario declares and uses, read from its syntax with the catalog's help (a step's parameter kinds and
/// result kind say what its names are), so that it works on text that does not bind: an editor's half-typed file.
/// </summary>
public sealed class ScenarioNames
{
    private readonly List<NameOccurrence> _occurrences = [];

    private ScenarioNames(ScenarioSyntax scenario)
    {
        Scenario = scenario;
        Collect(scenario.Statements);
        // A bare name in an expectation is a register or shared word only if the scenario has one of that name.
        foreach (var (name, span) in _bareNames)
        {
            if (Declared(name, NameKind.Register) || Declared(name, NameKind.SharedWord))
                _occurrences.Add(new NameOccurrence(name, Declared(name, NameKind.Register) ? NameKind.Register : NameKind.SharedWord, span, false));
        }
        // Members of a group (W3) name the group: found once every group is known.
        // Inside 'for each W' a step's task W is the group's member of the iteration: the group.
        foreach (var (name, span) in _taskNames)
        {
            if (Declared(name, NameKind.Task))
                _occurrences.Add(new NameOccurrence(name, NameKind.Task, span, false));
            else if (Declared(name, NameKind.TaskGroup))
                _occurrences.Add(new NameOccurrence(name, NameKind.TaskGroup, span, false));
            else if (GroupOf(name) is { } group)
                _occurrences.Add(new NameOccurrence(group, NameKind.TaskGroup, new TextSpan(span.Start, group.Length), false));
            else
                _occurrences.Add(new NameOccurrence(name, NameKind.Task, span, false));
        }
        _occurrences.Sort((a, b) => a.Span.Start.CompareTo(b.Span.Start));
        Occurrences = [.. _occurrences];
    }

    private readonly List<(string Name, TextSpan Span)> _bareNames = [];
    private readonly List<(string Name, TextSpan Span)> _taskNames = [];

    public ScenarioSyntax Scenario { get; }

    /// <summary>Every occurrence, in the order of the text.</summary>
    public ImmutableArray<NameOccurrence> Occurrences { get; }

    public static ScenarioNames Of(ScenarioSyntax scenario) => new(scenario);

    /// <summary>The names of one kind the scenario declares, in the order written, each once.</summary>
    public IEnumerable<string> DeclaredNames(NameKind kind) =>
        _occurrences.Where(o => o.Kind == kind && o.IsDeclaration).Select(o => o.Name).Distinct(StringComparer.Ordinal);

    /// <summary>The occurrence at <paramref name="offset"/> (its span containing the offset, or ending there).</summary>
    public NameOccurrence? At(int offset) => Occurrences.FirstOrDefault(o => o.Span.Start <= offset && offset <= o.Span.End);

    /// <summary>Where <paramref name="occurrence"/>'s name is declared: its first declaration in the scenario.</summary>
    public NameOccurrence? DeclarationOf(NameOccurrence occurrence) =>
        Occurrences.FirstOrDefault(o => o.IsDeclaration && o.Kind == occurrence.Kind && o.Name == occurrence.Name);

    /// <summary>Every occurrence of the same name and kind, its declarations included.</summary>
    public IEnumerable<NameOccurrence> UsesOf(NameOccurrence occurrence) =>
        Occurrences.Where(o => o.Kind == occurrence.Kind && o.Name == occurrence.Name);

    /// <summary>Whether any name of any kind the scenario declares is <paramref name="name"/> (a group also by its members' names).</summary>
    public bool Taken(string name) =>
        _occurrences.Any(o => o.IsDeclaration && o.Name == name) || GroupOf(name) is not null;

    private bool Declared(string name, NameKind kind) => _occurrences.Any(o => o.IsDeclaration && o.Kind == kind && o.Name == name);

    /// <summary>The group <paramref name="name"/> is a member of (W for W3), if a group of the scenario has that member.</summary>
    private string? GroupOf(string name)
    {
        foreach (var group in Scenario.Statements.OfType<TaskStatementSyntax>().Where(t => t.Members is not null))
        {
            var prefix = group.Name.Text;
            if (name.Length > prefix.Length && name.StartsWith(prefix, StringComparison.Ordinal)
                && name[prefix.Length..].All(char.IsAsciiDigit)
                && ulong.TryParse(name[prefix.Length..], out var index) && index < (group.Members!.Value ?? 0))
                return prefix;
        }
        return null;
    }

    private void Declare(NameSyntax name, NameKind kind) => _occurrences.Add(new NameOccurrence(name.Text, kind, name.Span, true));

    private void UseTask(string name, TextSpan span) => _taskNames.Add((name, span));

    private void Collect(ImmutableArray<StatementSyntax> statements)
    {
        foreach (var statement in statements)
        {
            switch (statement)
            {
                case TaskStatementSyntax t:
                    Declare(t.Name, t.Members is null ? NameKind.Task : NameKind.TaskGroup);
                    break;
                case SharedStatementSyntax s:
                    Declare(s.Name, NameKind.SharedWord);
                    break;
                case FileStatementSyntax f:
                    Declare(f.Name, NameKind.File);
                    break;
                case SwitchStatementSyntax { Target: { } target }:
                    UseTask(target.Text, target.Span);
                    break;
                case StepStatementSyntax step:
                    CollectStep(step);
                    break;
                case ExploreStatementSyntax e:
                    Collect(e.Body);
                    break;
                case RepeatStatementSyntax r:
                    Collect(r.Body);
                    break;
                case ForEachStatementSyntax each:
                    _occurrences.Add(new NameOccurrence(each.Group.Text, NameKind.TaskGroup, each.Group.Span, false));
                    Collect(each.Body);
                    break;
                case ExpectStatementSyntax expect:
                    foreach (var condition in expect.Conditions)
                        CollectCondition(condition);
                    break;
            }
        }
    }

    private void CollectStep(StepStatementSyntax step)
    {
        if (!step.InKernelContext)
            UseTask(step.Task.Text, step.Task.Span);
        if (step.Preempts is { } preempted)
            UseTask(preempted.Text, preempted.Span);
        if (KernelCatalog.FindStep(step.Action.Name.Text) is not { } declaration)
            return;
        for (var i = 0; i < step.Action.Arguments.Length && i < declaration.Parameters.Count; i++)
        {
            if (step.Action.Arguments[i] is not FlagSetArgumentSyntax { Names: [var name] })
                continue;
            NameKind? kind = declaration.Parameters[i].Kind switch
            {
                ParameterKind.File => NameKind.File,
                ParameterKind.SharedWord => NameKind.SharedWord,
                ParameterKind.Area => NameKind.Area,
                _ => null,
            };
            if (kind is { } k)
                _occurrences.Add(new NameOccurrence(name.Text, k, name.Span, false));
        }
        // A step made to fail creates nothing: its result is an error.
        if (step.Result is not NameResultSyntax { Name: var result } || step.Modifier?.Kind == StepModifierKind.Failing)
            return;
        NameKind? made = declaration.Result switch
        {
            ResultKind.NewTask => NameKind.Task,
            ResultKind.NewArea => NameKind.Area,
            ResultKind.Register => NameKind.Register,
            _ => null,
        };
        if (made is { } m)
            Declare(result, m);
    }

    private void CollectCondition(ExpectationSyntax condition)
    {
        switch (condition)
        {
            case ComparisonExpectationSyntax c:
                CollectSubject(c.Subject);
                if (c.Value is SubjectValueSyntax { Subject: var right })
                    CollectSubject(right);
                else if (c.Value is NameValueSyntax { Name: var name })
                    _bareNames.Add((name.Text, name.Span));
                break;
            case IdentityExpectationSyntax i:
                CollectSubject(i.Left);
                if (i.Right is { } r)
                    CollectSubject(r);
                break;
        }
    }

    private void CollectSubject(SubjectSyntax subject)
    {
        if (subject is { Argument: null, Index: null, Field: null })
        {
            _bareNames.Add((subject.Object.Text, subject.Object.Span));
            return;
        }
        if (KernelCatalog.FindProperty(subject.Object.Text, subject.Field?.Text) is not { } property)
            return;
        if (subject.Argument is { Cpu: null } argument)
        {
            if (property.Argument == PropertyArgument.Task)
                UseTask(argument.Text, argument.Span);
            else if (property.Argument == PropertyArgument.File)
                _occurrences.Add(new NameOccurrence(argument.Text, NameKind.File, argument.Span, false));
        }
        if (subject.Index is { Address: null } index && property.Index == PropertyIndex.Area)
            _occurrences.Add(new NameOccurrence(index.Text, NameKind.Area, index.Span, false));
    }
}
