using System.Collections.Immutable;
using System.Diagnostics;
using ScenarioLang.Compiler.Syntax;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Catalog;

namespace ScenarioLang.Compiler.Binding;

// Steps that run as interleavable kernel paths: the memory instructions, vmalloc and touch, mmap, munmap and the user
// accesses to mapped memory, and fork and exec when the schedule pauses them or an explore block interleaves them;
// 'continue', 'drain' and the explore block itself.
public sealed partial class Binder
{
    public const int MaxDrain = 1024;

    /// <summary>
    /// A step the schedule paused on its CPU, run by Task (null in kernel context); Child is the task a paused fork
    /// creates when it returns, Defines the vmalloc area or register it binds then. A step paused at its return
    /// (AtReturn) returns when the next step on its CPU begins, its stores still buffered: how a printed
    /// store-buffering schedule lets a CPU load while its own store waits.
    /// </summary>
    private sealed record PausedStep(string Call, TextSpan Span, TaskSymbol? Task, TaskSymbol? Child, string? Defines, bool AtReturn);

    private void DeclareSharedWord(ScenarioScope scope, SharedStatementSyntax syntax)
    {
        if (scope.SharedWords.ContainsKey(syntax.Name.Text))
        {
            _diagnostics.ReportDuplicateName(syntax.Name.Span, "shared word", syntax.Name.Text);
            return;
        }
        long initial = 0;
        if (syntax.Value is { } value)
        {
            if (value.Value is not { } n)
                return;
            if (value.Unit != SizeUnit.None || n > long.MaxValue)
            {
                _diagnostics.ReportArgumentKind(value.Span, "shared", "initial value", "a whole number (no unit)");
                return;
            }
            initial = (long)n;
        }
        scope.SharedWords.Add(syntax.Name.Text, initial);
    }

    /// <summary>
    /// Binds a step of any kind: its modifier (<c>until</c> a pause point of its path, <c>preempted at</c> one of its
    /// preemption points, <c>failing at</c> an injected fault of fork and clone), then what it does.
    /// </summary>
    private BoundThreadStep? BindThreadStep(ScenarioScope scope, StepStatementSyntax syntax, int cpu, TaskSymbol? task, bool inExplore, bool inRepeat)
    {
        if (LookupStep(syntax.Action) is not { } declared)
            return null;
        var call = declared.Name;
        if (task is null && !declared.RunsWithoutTask)
        {
            _diagnostics.ReportNeedsTask(syntax.Action.Span, SyntaxPrinter.Print(syntax.Action));
            return null;
        }
        string? until = null;
        var preempted = false;
        string? failingAt = null;
        if (syntax.Modifier is { } modifier)
        {
            if (inExplore)
            {
                _diagnostics.ReportNotInExplore(modifier.Span, SyntaxPrinter.Print(syntax), "the explorer chooses where each step stops");
                return null;
            }
            switch (modifier.Kind)
            {
                case StepModifierKind.Until:
                    if (!PausePoints.IsKnown(call, modifier.Point.Text))
                    {
                        _diagnostics.ReportUnknownPoint(modifier.Point.Span, call, "paused", modifier.Point.Text, PausePointNames(call));
                        return null;
                    }
                    until = modifier.Label;
                    break;
                case StepModifierKind.Preempted:
                    // The scheduler switches a task out only where the kernel code enables preemption.
                    var preemption = KernelCatalog.PreemptionPoints.Where(p => p.Step == call).Select(p => p.Name).ToArray();
                    if (preemption.Length == 0)
                    {
                        _diagnostics.ReportModifierNotAllowed(modifier.Span, call, "preempted at a named point", string.Join(", ", KernelCatalog.PreemptionPoints.Select(p => p.Step).Distinct()));
                        return null;
                    }
                    if (!preemption.Contains(modifier.Point.Text))
                    {
                        _diagnostics.ReportUnknownPoint(modifier.Point.Span, call, "preempted", modifier.Point.Text, preemption);
                        return null;
                    }
                    (until, preempted) = (modifier.Point.Text, true);
                    break;
                case StepModifierKind.Failing:
                    if (declared.FaultPoints.Count == 0)
                    {
                        var failing = KernelCatalog.Steps.Where(s => s.FaultPoints.Count > 0).Select(s => s.Name).ToArray();
                        _diagnostics.ReportModifierNotAllowed(modifier.Span, call, "made to fail at a named point", string.Join(" and ", failing));
                        return null;
                    }
                    if (!declared.FaultPoints.Contains(modifier.Point.Text))
                    {
                        _diagnostics.ReportUnknownPoint(modifier.Point.Span, call, "made to fail", modifier.Point.Text, declared.FaultPoints);
                        return null;
                    }
                    failingAt = modifier.Point.Text;
                    break;
                default:
                    throw new UnreachableException($"step modifier {modifier.Kind} has no binder");
            }
        }
        var operation = BindCall(scope, syntax, declared, cpu, task, new StepContext(inExplore, inRepeat, until is not null && !preempted, failingAt));
        if (operation is null)
            return null;
        var (bound, expected) = operation.Value;
        var step = new BoundThreadStep(Position(syntax), SyntaxPrinter.Print(syntax), cpu, task, SyntaxPrinter.StepAction(syntax),
            syntax.Result is null ? null : SyntaxPrinter.StepResult(syntax.Result), bound, expected, until, preempted);
        if (preempted)
            scope.Preempted[task!] = new Preemption(call, syntax.Span);
        else if (until is not null)
        {
            var defines = bound.Child is null ? bound.Binds : null;
            scope.Paused[cpu] = new PausedStep(call, syntax.Span, task, bound.Child, defines, until == PausePoints.Return);
        }
        return step;
    }

    /// <summary>Where a step is bound: in an explore block, a repeat, paused by the schedule; and the point it is made to fail at.</summary>
    private readonly record struct StepContext(bool InExplore, bool InRepeat, bool Paused, string? FailingAt);

    private static IReadOnlyList<string> PausePointNames(string call) =>
        PausePoints.Of(call).Select(p => p.Indexed ? p.Name + "[N]" : p.Name).Append(PausePoints.Return).ToArray();

    /// <summary>Whether a vmalloc area exists here: created, by a step that has returned.</summary>
    private bool CheckArea(ScenarioScope scope, string name, TextSpan span)
    {
        if (!scope.Areas.Contains(name))
        {
            _diagnostics.ReportUndefinedArea(span, name);
            return false;
        }
        return CheckNotPending(scope, "vmalloc area", name, span);
    }

    /// <summary>A vmalloc area or register that a paused step binds exists once that step returns.</summary>
    private bool CheckNotPending(ScenarioScope scope, string kind, string name, TextSpan span)
    {
        if (scope.Paused.FirstOrDefault(p => p.Value.Defines == name) is not { Value: { } creator } paused)
            return true;
        _diagnostics.ReportResultUnborn(span, kind, name, paused.Key, creator.Call, _source.GetPosition(creator.Span.Start).Line);
        return false;
    }

    private bool DeclareName(HashSet<string> names, NameSyntax name, string kind)
    {
        if (names.Add(name.Text))
            return true;
        _diagnostics.ReportDuplicateName(name.Span, kind, name.Text);
        return false;
    }

    /// <summary>A CPU with a paused step takes no other statement, except a new step after one paused at its return.</summary>
    private bool CheckNotPaused(ScenarioScope scope, int cpu, TextSpan span, bool newStep = false)
    {
        if (!scope.Paused.TryGetValue(cpu, out var paused))
            return true;
        if (newStep && paused.AtReturn)
        {
            scope.Paused.Remove(cpu);
            return true;
        }
        _diagnostics.ReportCpuPaused(span, cpu, paused.Call, _source.GetPosition(paused.Span.Start).Line);
        return false;
    }

    private void BindContinue(ScenarioScope scope, ContinueStatementSyntax syntax, ImmutableArray<BoundStatement>.Builder statements)
    {
        if (CheckCpu(scope, syntax.Cpu) is not { } cpu)
            return;
        if (!scope.Paused.TryGetValue(cpu, out var paused))
        {
            _diagnostics.ReportNothingToContinue(syntax.Span, cpu);
            return;
        }
        if (syntax.Until is { } until && !PausePoints.IsKnown(paused.Call, until.Point.Text))
        {
            _diagnostics.ReportUnknownPoint(until.Point.Span, paused.Call, "paused", until.Point.Text, PausePointNames(paused.Call));
            return;
        }
        // Without 'until' the step returns, and the task a paused fork creates exists from then on.
        if (syntax.Until is null)
            scope.Paused.Remove(cpu);
        else
            scope.Paused[cpu] = paused with { AtReturn = syntax.Until.Point.Text == PausePoints.Return };
        statements.Add(new BoundContinue(Position(syntax), SyntaxPrinter.Print(syntax), cpu, syntax.Until?.Label));
    }

    private void BindDrain(ScenarioScope scope, DrainStatementSyntax syntax, ImmutableArray<BoundStatement>.Builder statements)
    {
        if (CheckCpu(scope, syntax.Cpu) is not { } cpu)
            return;
        var count = 1;
        if (syntax.Count is { } number)
        {
            if (number.Value is not { } n)
                return;
            if (n is 0 or > MaxDrain)
            {
                _diagnostics.ReportDrainCountOutOfRange(number.Span, number.Text, MaxDrain);
                return;
            }
            count = (int)n;
        }
        statements.Add(new BoundDrain(Position(syntax), SyntaxPrinter.Print(syntax), cpu, count));
    }

    /// <summary>
    /// <c>cpu0 B preempts A: step</c> in an explore block: a step B runs when it preempts A, the task whose program cpu0
    /// runs. One task preempts on a CPU, a task that runs no program and is not preempted inside a syscall itself; its
    /// steps leave it the CPU's current task, so they do not exit or exec.
    /// </summary>
    private BoundThreadStep? BindPreemptingStep(ScenarioScope scope, StepStatementSyntax step, int cpu, Dictionary<int, string> runner,
        Dictionary<int, TaskSymbol> preempting, HashSet<TaskSymbol> created, bool inRepeat)
    {
        var preempted = step.Preempts!;
        if (!runner.TryGetValue(cpu, out var runs) || runs != preempted.Text)
        {
            _diagnostics.ReportPreemptedNotRunning(preempted.Span, step.Task.Text, preempted.Text, cpu, runner.GetValueOrDefault(cpu));
            return null;
        }
        if (step.InKernelContext)
        {
            _diagnostics.ReportPreemptingTask(step.Task.Span, step.Task.Text, cpu, "a task preempts another, kernel context does not");
            return null;
        }
        if (LookupTask(scope, step.Task) is not { } task || !CheckAlive(scope, task, step.Task.Span))
            return null;
        string? why = null;
        if (preempting.TryGetValue(cpu, out var other) && other != task)
            why = $"{other.Name} preempts there already; one task preempts per CPU";
        else if (task.Name == preempted.Text)
            why = "it is the task it would preempt";
        else if (scope.CpuOf(task) is { } elsewhere)
            why = $"it runs on cpu{elsewhere}; a preempting task waits off the CPUs";
        else if (preempting.FirstOrDefault(p => p.Value == task && p.Key != cpu) is { Value: not null } twice)
            why = $"it preempts the task of cpu{twice.Key} already";
        else if (created.Contains(task))
            why = "it is created by a step of the block";
        else if (scope.Preempted.TryGetValue(task, out var inside))
            why = $"it is preempted inside {inside.Call} (line {_source.GetPosition(inside.Span.Start).Line}); switch to it before the block";
        if (why is not null)
        {
            _diagnostics.ReportPreemptingTask(step.Task.Span, task.Name, cpu, why);
            return null;
        }
        if (KernelCatalog.FindStep(step.Action.Name.Text) is { Effect: StepEffect.EndsTask or StepEffect.ReplacesProgram } ending)
        {
            _diagnostics.ReportPreemptionChangesTask(step.Action.Span, ending.Name, task.Name, $"its steps end with a switch back to {preempted.Text}, which exit and exec do not leave the CPU ready for");
            return null;
        }
        // The program's own line reported a task that does not exist.
        if (!scope.Tasks.TryGetValue(preempted.Text, out var preemptedTask))
            return null;
        preempting[cpu] = task;
        if (BindThreadStep(scope, step, cpu, task, inExplore: true, inRepeat) is not { } bound)
            return null;
        if (bound.Operation.Child is { } child)
            created.Add(child);
        return bound with { Preempts = preemptedTask };
    }

    /// <summary>
    /// Binds an explore block: each CPU runs one task's (or the kernel's) steps in order. A task on an idle CPU is
    /// switched in before the block, as a step outside one would be.
    /// </summary>
    private void BindExplore(ScenarioScope scope, ExploreStatementSyntax syntax, ImmutableArray<BoundStatement>.Builder statements, bool inRepeat)
    {
        if (inRepeat || scope.Explored)
        {
            _diagnostics.ReportExploreMisplaced(syntax.KeywordSpan, inRepeat
                ? "explore cannot be repeated; the explorer already runs every execution"
                : "a scenario explores once; the statements after an explore block see each execution's end");
            return;
        }
        if (scope.Paused.FirstOrDefault() is { Value: { } paused } pausedCpu)
        {
            _diagnostics.ReportCpuPaused(syntax.KeywordSpan, pausedCpu.Key, paused.Call, _source.GetPosition(paused.Span.Start).Line);
            return;
        }
        var created = new HashSet<TaskSymbol>();
        var runner = new Dictionary<int, string>();
        var preempting = new Dictionary<int, TaskSymbol>();
        var exits = new List<(int Cpu, TextSpan Span, string Task)>();
        var steps = ImmutableArray.CreateBuilder<BoundThreadStep>();
        foreach (var statement in syntax.Body)
        {
            if (statement is not StepStatementSyntax step)
            {
                _diagnostics.ReportNotInExplore(statement.Span, SyntaxPrinter.Print(statement), "an explore block holds the steps of each CPU's program");
                continue;
            }
            if (CheckCpu(scope, step.Cpu) is not { } cpu)
                continue;
            if (step.Preempts is not null)
            {
                if (BindPreemptingStep(scope, step, cpu, runner, preempting, created, inRepeat) is { } preemptingStep)
                    steps.Add(preemptingStep);
                continue;
            }
            if (preempting.FirstOrDefault(p => p.Value.Name == step.Task.Text) is { Value: not null } elsewhere)
            {
                _diagnostics.ReportExploreProgram(step.Task.Span, $"{step.Task.Text} preempts the task of cpu{elsewhere.Key}, so it cannot run cpu{cpu}'s program");
                continue;
            }
            if (runner.TryGetValue(cpu, out var runs) && runs != step.Task.Text)
            {
                _diagnostics.ReportExploreProgram(step.Task.Span, $"each CPU runs one task: cpu{cpu} runs {runs}, so it cannot run {step.Task.Text}");
                continue;
            }
            runner[cpu] = step.Task.Text;
            TaskSymbol? task = null;
            if (!step.InKernelContext)
            {
                task = LookupTask(scope, step.Task);
                if (task is null || !CheckAlive(scope, task, step.Task.Span))
                    continue;
                if (created.Contains(task))
                {
                    _diagnostics.ReportExploreProgram(step.Task.Span, $"{task.Name} is created by a step of the block and cannot run in it");
                    continue;
                }
                if (!PutOnCpu(scope, step, cpu, task, statements))
                    continue;
            }
            if (BindThreadStep(scope, step, cpu, task, inExplore: true, inRepeat) is not { } bound)
                continue;
            if (bound.Operation.Child is { } child)
                created.Add(child);
            if (bound.Operation.Step.Effect == StepEffect.EndsTask)
                exits.Add((cpu, step.Action.Span, step.Task.Text));
            steps.Add(bound);
        }
        // The preempting task switches back to the task it preempted, which must still be there.
        foreach (var (cpu, span, task) in exits.Where(e => preempting.ContainsKey(e.Cpu)))
            _diagnostics.ReportPreemptionChangesTask(span, "exit", task, $"{preempting[cpu].Name} preempts it on cpu{cpu} and switches back to it");
        scope.Explored = true;
        statements.Add(new BoundExplore(Position(syntax), SyntaxPrinter.Print(syntax), steps.ToImmutable(), syntax.Span));
    }
}
