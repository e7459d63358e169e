using System.Collections.Immutable;
using ScenarioLang.Compiler.Diagnostics;
using ScenarioLang.Compiler.Syntax;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Runtime;

namespace ScenarioLang.Compiler.Binding;

// Many tasks without a line each: task groups (task W[1000] user) and 'for each W { ... }', whose body the generated code
// runs in a loop, so a thousand mappers are a few lines of C#, not eight thousand.
public sealed partial class Binder
{
    /// <summary>The most members a task group has: each is a task of the run, with its own task_struct and mm.</summary>
    public const int MaxGroupMembers = 10_000;

    /// <summary>
    /// The member a <c>for each</c> binds its body for (a <see cref="TaskSymbol.Cursor"/>); NamedOnLine is the first line
    /// that names it by its own name, which the generated loop could not tell from the group's name.
    /// </summary>
    private sealed class ForEachCursor(TaskSymbol member)
    {
        public TaskSymbol Member { get; } = member;

        public int? NamedOnLine { get; set; }
    }

    /// <summary><c>task W[N] user</c>: the group and its members W0 to W(N-1), declared in that order.</summary>
    private void DeclareGroup(ScenarioScope scope, TaskStatementSyntax syntax)
    {
        var name = syntax.Name;
        if (syntax.Members!.Value is not { } count)
            return; // too large for 64 bits: reported already
        if (count is < 1 or > MaxGroupMembers)
        {
            _diagnostics.ReportGroupSizeOutOfRange(syntax.Members.Span, syntax.Members.Text, MaxGroupMembers);
            return;
        }
        if (!TaskName().IsMatch(name.Text))
        {
            _diagnostics.ReportInvalidTaskName(name.Span, name.Text);
            return;
        }
        if (scope.Tasks.ContainsKey(name.Text) || scope.Groups.ContainsKey(name.Text))
        {
            _diagnostics.ReportDuplicateTask(name.Span, name.Text);
            return;
        }
        var group = new TaskGroupSymbol(name.Text, Keywords.Privilege(syntax.Privilege), (int)count, name.Span);
        scope.Groups.Add(name.Text, group);
        for (var i = 0; i < group.Count; i++)
        {
            var member = TaskDeclaration.Member(name.Text, i);
            if (scope.Tasks.ContainsKey(member))
            {
                _diagnostics.ReportDuplicateTask(name.Span, member);
                return;
            }
            scope.Tasks.Add(member, new TaskSymbol(member, Keywords.Privilege(syntax.Privilege), Declared: true, name.Span, Group: group));
        }
    }

    /// <summary>
    /// Binds the body once per member, in order, as the run will go: for W0 with its diagnostics, for the others quietly,
    /// so that the schedule after the loop is the one the run leaves and a body that cannot run for some member (W1 finds
    /// W0 still on its CPU) is reported with that member. The body kept is W0's, whose member is the loop's variable.
    /// </summary>
    private void BindForEach(ScenarioScope scope, ForEachStatementSyntax syntax, ImmutableArray<BoundStatement>.Builder statements)
    {
        if (!scope.Groups.TryGetValue(syntax.Group.Text, out var group))
        {
            _diagnostics.ReportNotAGroup(syntax.Group.Span, syntax.Group.Text, scope.Tasks.ContainsKey(syntax.Group.Text), scope.Groups.Keys);
            return;
        }
        if (scope.Cursors.ContainsKey(group.Name))
        {
            _diagnostics.ReportForEachCannotRun(syntax.KeywordSpan, group.Name, TaskDeclaration.Member(group.Name, 0), $"it is inside a for each of {group.Name} already");
            return;
        }
        var errors = _diagnostics.ErrorCount;
        var first = BindForMember(scope, syntax, group, 0, this, out var named);
        if (named is { } line)
            _diagnostics.ReportForEachCannotRun(syntax.KeywordSpan, group.Name, TaskDeclaration.Member(group.Name, 0), NamedReason(group, 0, line));
        if (_diagnostics.ErrorCount > errors)
            return;
        var steps = Saturate(1 + group.Count * StepsOf(first));
        // Past the step limit the scenario is refused (the block around reports it), so the other members need no binding.
        for (var i = 1; i < group.Count && steps <= MaxSteps; i++)
        {
            var quiet = new DiagnosticBag(_source);
            var again = BindForMember(scope, syntax, group, i, new Binder(_source, quiet, checkRepeats: false, _counter), out named);
            var member = TaskDeclaration.Member(group.Name, i);
            if (named is { } namedLine)
            {
                _diagnostics.ReportForEachCannotRun(syntax.KeywordSpan, group.Name, member, NamedReason(group, i, namedLine));
                return;
            }
            if (quiet.FirstOrDefault(d => d.IsError) is { } problem)
            {
                _diagnostics.ReportForEachCannotRun(syntax.KeywordSpan, group.Name, member, $"line {problem.Start.Line}: {problem.Message}");
                return;
            }
            if (!Shape(first).SequenceEqual(Shape(again)))
            {
                _diagnostics.ReportForEachCannotRun(syntax.KeywordSpan, group.Name, member,
                    $"it switches a task onto an idle CPU implicitly where for {TaskDeclaration.Member(group.Name, 0)} it did not, or the other way; switch {group.Name} in with 'cpuN switch {group.Name}'");
                return;
            }
        }
        statements.Add(new BoundForEach(Position(syntax), SyntaxPrinter.Print(syntax), group, first, steps));
    }

    /// <summary>
    /// The body bound by <paramref name="binder"/> for member <paramref name="index"/>: while it binds, the member is the
    /// cursor everywhere the schedule knows it (on its CPU, exited…), and the group's name stands for it.
    /// </summary>
    private static ImmutableArray<BoundStatement> BindForMember(ScenarioScope scope, ForEachStatementSyntax syntax, TaskGroupSymbol group, int index, Binder binder, out int? named)
    {
        var member = scope.Tasks[TaskDeclaration.Member(group.Name, index)];
        var cursor = new ForEachCursor(member with { Cursor = true });
        scope.Replace(member, cursor.Member);
        scope.Cursors.Add(group.Name, cursor);
        var body = binder.BindBlock(scope, syntax.Body, inRepeat: true);
        scope.Cursors.Remove(group.Name);
        scope.Replace(cursor.Member, member);
        named = cursor.NamedOnLine;
        return body;
    }

    private static string NamedReason(TaskGroupSymbol group, int index, int line) =>
        $"line {line} names {TaskDeclaration.Member(group.Name, index)}, the member it runs for then; write {group.Name} for the current member";

    /// <summary>
    /// A member named by its own name inside the for each running for it is the cursor (so the schedule stays right), and
    /// the for each is refused after its body: the generated loop would take the name for the group's, for every member.
    /// </summary>
    private TaskSymbol CurrentMember(ScenarioScope scope, NameSyntax name, TaskSymbol task)
    {
        if (task.Group is not { } group || !scope.Cursors.TryGetValue(group.Name, out var cursor) || cursor.Member.Name != task.Name)
            return task;
        cursor.NamedOnLine ??= _source.GetPosition(name.Span.Start).Line;
        return cursor.Member;
    }

    /// <summary>What the generated code of a bound block does, statement by statement: where, what, and on which CPU a switch is.</summary>
    private static IEnumerable<(LinePosition, string, int)> Shape(ImmutableArray<BoundStatement> block) =>
        block.SelectMany(s => s switch
        {
            BoundRepeat r => Shape(r.Body).Prepend((r.Position, nameof(BoundRepeat), -1)),
            BoundForEach f => Shape(f.Body).Prepend((f.Position, nameof(BoundForEach), -1)),
            BoundSwitch w => [(w.Position, nameof(BoundSwitch), w.Cpu)],
            _ => [(s.Position, s.GetType().Name, -1)],
        });
}
