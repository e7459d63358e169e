using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.RegularExpressions;
using ScenarioLang.Compiler.Diagnostics;
using ScenarioLang.Compiler.Syntax;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Catalog;

namespace ScenarioLang.Compiler.Binding;

/// <summary>
/// Checks a parsed file and produces bound scenarios: settings and variants resolved, tasks and
/// CPUs looked up, arguments and expected results checked, and the schedule followed statement by
/// statement so that a step always names the task running on its CPU. A step by a task on an idle
/// CPU puts it there first, as an implicit switch the trace shows.
/// </summary>
public sealed partial class Binder
{
    public const int MaxCpus = 64;
    public const int MaxRepeat = 1_000_000;

    /// <summary>
    /// The most steps a scenario may run with its repeats unrolled (each statement of a body counted once per iteration,
    /// a user access or vmalloc once per page), so that nested repeats or a huge range cannot make a run that never ends.
    /// </summary>
    public const long MaxSteps = 10_000_000;

    private readonly SourceText _source;
    private readonly DiagnosticBag _diagnostics;

    /// <summary>
    /// Whether a repeat checks that its body can run a second time. The binder that checks an outer repeat's second
    /// iteration does not: a nested body that binds as it did in the first iteration leaves the schedule as it did then,
    /// where its own second iteration was already checked. So a statement is bound once, and once more for each repeat
    /// around it, instead of twice per level (2^depth).
    /// </summary>
    private readonly bool _checkRepeats;

    private readonly BindCounter _counter;

    private Binder(SourceText source, DiagnosticBag diagnostics, bool checkRepeats, BindCounter counter)
    {
        _source = source;
        _diagnostics = diagnostics;
        _checkRepeats = checkRepeats;
        _counter = counter;
    }

    /// <summary>How many statements a binding visited, with re-binding counted: the work it did, for tests.</summary>
    internal sealed class BindCounter
    {
        public long Statements { get; set; }
    }

    public static ImmutableArray<BoundScenario> Bind(SyntaxTree tree, DiagnosticBag diagnostics) => Bind(tree, diagnostics, new BindCounter());

    internal static ImmutableArray<BoundScenario> Bind(SyntaxTree tree, DiagnosticBag diagnostics, BindCounter counter)
    {
        var binder = new Binder(tree.Source, diagnostics, checkRepeats: true, counter);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var scenarios = ImmutableArray.CreateBuilder<BoundScenario>();
        foreach (var scenario in tree.Root.Scenarios)
        {
            if (!names.Add(scenario.Name))
                diagnostics.ReportDuplicateScenario(scenario.NameSpan, scenario.Name);
            scenarios.Add(binder.BindScenario(scenario));
        }
        return scenarios.ToImmutable();
    }

    private BoundScenario BindScenario(ScenarioSyntax syntax)
    {
        var settings = BindSettings(syntax.Statements);
        var scope = new ScenarioScope(settings.Cpus);
        foreach (var task in syntax.Statements.OfType<TaskStatementSyntax>())
        {
            if (task.Members is null)
                DeclareTask(scope, task.Name, Keywords.Privilege(task.Privilege), declared: true);
            else
                DeclareGroup(scope, task);
        }
        foreach (var word in syntax.Statements.OfType<SharedStatementSyntax>())
            DeclareSharedWord(scope, word);
        foreach (var file in syntax.Statements.OfType<FileStatementSyntax>())
            DeclareFile(scope, file);

        var statements = BindBlock(scope, syntax.Statements, inRepeat: false);
        foreach (var (task, preemption) in scope.Preempted.OrderBy(p => p.Value.Span.Start))
            _diagnostics.ReportPreemptedAtEnd(preemption.Span, task.Name, preemption.Call, _source.GetPosition(preemption.Span.Start).Line);
        foreach (var (cpu, paused) in scope.Paused.OrderBy(p => p.Key))
            _diagnostics.ReportPausedAtEnd(paused.Span, cpu, paused.Call, _source.GetPosition(paused.Span.Start).Line);
        var mechanisms = MechanismUse.Of(syntax.Statements);
        return new BoundScenario(
            syntax.Name,
            _source,
            _source.GetPosition(syntax.Span.Start),
            syntax.Span,
            settings.Cpus,
            settings.Memory,
            settings.Variants,
            scope.Tasks.Values.Where(t => t.Declared).ToImmutableArray(),
            scope.SharedWords.Select(w => new BoundSharedWord(w.Key, w.Value)).ToImmutableArray(),
            scope.Files.Values.ToImmutableArray(),
            statements,
            mechanisms)
        {
            KnownFailures = BindKnownFailures(syntax, statements, mechanisms),
        };
    }

    private ImmutableArray<BoundStatement> BindBlock(ScenarioScope scope, ImmutableArray<StatementSyntax> block, bool inRepeat)
    {
        var statements = ImmutableArray.CreateBuilder<BoundStatement>();
        long steps = 0;
        foreach (var statement in block)
        {
            _counter.Statements++;
            var before = statements.Count;
            if (scope.Explored && statement is not (ExpectStatementSyntax or KernelStatementSyntax or MemoryStatementSyntax or CpusStatementSyntax
                    or TaskStatementSyntax or SharedStatementSyntax or FileStatementSyntax))
            {
                _diagnostics.ReportAfterExplore(statement.Span, SyntaxPrinter.Print(statement));
                continue;
            }
            switch (statement)
            {
                case SwitchStatementSyntax s:
                    BindSwitch(scope, s, statements);
                    break;
                case StepStatementSyntax s:
                    BindStep(scope, s, statements, inRepeat);
                    break;
                case ExpectStatementSyntax e:
                    if (BindExpectation(scope, e, inRepeat) is { } bound)
                        statements.Add(bound);
                    break;
                case RepeatStatementSyntax r:
                    BindRepeat(scope, r, statements);
                    break;
                case ForEachStatementSyntax f:
                    BindForEach(scope, f, statements);
                    break;
                case ExploreStatementSyntax e:
                    BindExplore(scope, e, statements, inRepeat);
                    break;
                case ContinueStatementSyntax c:
                    BindContinue(scope, c, statements);
                    break;
                case DrainStatementSyntax d:
                    BindDrain(scope, d, statements);
                    break;
                // Settings and task declarations were taken in before the schedule; they describe the scenario.
                default:
                    if (inRepeat)
                        _diagnostics.ReportNotRepeatable(statement.Span, SyntaxPrinter.Print(statement));
                    break;
            }
            // A repeat's body is counted in its repeat, once per iteration; the scenario's own block sums them.
            if (!inRepeat && steps <= MaxSteps)
            {
                steps = Saturate(steps + StepsOf(statements, before));
                if (steps > MaxSteps)
                    _diagnostics.ReportTooManySteps(statement switch
                    {
                        RepeatStatementSyntax r => r.KeywordSpan,
                        ForEachStatementSyntax f => f.KeywordSpan,
                        _ => statement.Span,
                    }, MaxSteps);
            }
        }
        return statements.ToImmutable();
    }

    /// <summary>
    /// Binds the body once for the first iteration, then again, quietly, for the second. A body that binds
    /// the same way twice leaves the schedule as it found it after the first, so every later iteration is the
    /// second one again and one bound body serves them all.
    /// </summary>
    private void BindRepeat(ScenarioScope scope, RepeatStatementSyntax syntax, ImmutableArray<BoundStatement>.Builder statements)
    {
        int? count = syntax.Count.Value is { } n && n is >= 1 and <= MaxRepeat ? (int)n : null;
        if (count is null && syntax.Count.Value is not null)
            _diagnostics.ReportRepeatCountOutOfRange(syntax.Count.Span, syntax.Count.Text, MaxRepeat);
        var errors = _diagnostics.ErrorCount;
        var body = BindBlock(scope, syntax.Body, inRepeat: true);
        if (count is null || _diagnostics.ErrorCount > errors)
            return;
        if (count > 1 && _checkRepeats)
        {
            var quiet = new DiagnosticBag(_source);
            var again = new Binder(_source, quiet, checkRepeats: false, _counter).BindBlock(scope, syntax.Body, inRepeat: true);
            if (quiet.FirstOrDefault(d => d.IsError) is { } problem)
            {
                _diagnostics.ReportRepeatCannotContinue(syntax.KeywordSpan, $"line {problem.Start.Line}: {problem.Message}");
                return;
            }
            if (!Flatten(body).SequenceEqual(Flatten(again)))
            {
                _diagnostics.ReportRepeatCannotContinue(syntax.KeywordSpan,
                    "its first iteration switches a task onto an idle CPU implicitly; switch it in before the repeat");
                return;
            }
        }
        statements.Add(new BoundRepeat(Position(syntax), SyntaxPrinter.Print(syntax), count.Value, body, Saturate(1 + count.Value * StepsOf(body))));
    }

    /// <summary>The steps a block runs with its repeats unrolled, saturated just past <see cref="MaxSteps"/>.</summary>
    private static long StepsOf(IReadOnlyList<BoundStatement> block, int from = 0)
    {
        long steps = 0;
        for (var i = from; i < block.Count; i++)
            steps = Saturate(steps + StepsOf(block[i]));
        return steps;
    }

    /// <summary>
    /// What one statement costs: a repeat its unrolled body; a user access or a vmalloc a step per page, since the run
    /// walks (and may fault in) each of them, so a 64 TiB read is not one step; an explore block one execution of its
    /// steps; any other statement one step.
    /// </summary>
    private static long StepsOf(BoundStatement statement) => statement switch
    {
        BoundRepeat r => r.Steps,
        BoundForEach f => f.Steps,
        BoundThreadStep s => PagesOf(s.Operation),
        BoundExplore explore => StepsOf(explore.Steps),
        _ => 1,
    };

    private static long Pages(ulong bytes) => (long)Math.Min(Math.Max(1, bytes / 4096 + (bytes % 4096 == 0 ? 0UL : 1UL)), (ulong)MaxSteps + 1);

    // Every term is at most MaxSteps + 1 and a count at most MaxRepeat, so nothing here overflows a long.
    private static long Saturate(long steps) => Math.Min(steps, MaxSteps + 1);

    /// <summary>What a bound block does, statement by statement, as the trace would print it.</summary>
    private static IEnumerable<(LinePosition, string)> Flatten(ImmutableArray<BoundStatement> block) =>
        block.SelectMany(s => s switch
        {
            BoundRepeat r => Flatten(r.Body).Prepend((r.Position, r.Text)),
            BoundForEach f => Flatten(f.Body).Prepend((f.Position, f.Text)),
            _ => [(s.Position, s.Text)],
        });

    private sealed record Settings(int Cpus, MemoryModel Memory, ImmutableArray<BoundVariantChoice> Variants);

    private Settings BindSettings(ImmutableArray<StatementSyntax> statements)
    {
        int? cpus = null;
        MemoryModel? memory = null;
        var variants = new SortedDictionary<string, BoundVariantChoice>(StringComparer.Ordinal);
        foreach (var statement in statements)
        {
            switch (statement)
            {
                case CpusStatementSyntax c:
                    if (cpus is not null)
                        _diagnostics.ReportDuplicateSetting(c.Span, "cpus");
                    else if (c.Count.Value is { } n && n is >= 1 and <= MaxCpus)
                        cpus = (int)n;
                    else if (c.Count.Value is not null)
                        _diagnostics.ReportCpuCountOutOfRange(c.Count.Span, c.Count.Text, MaxCpus);
                    break;
                case MemoryStatementSyntax m:
                    MemoryModel? model = m.Model.Text switch { "sc" => MemoryModel.Sc, "tso" => MemoryModel.Tso, _ => null };
                    if (memory is not null)
                        _diagnostics.ReportDuplicateSetting(m.Span, "memory");
                    else if (model is null)
                        _diagnostics.ReportUnknownMemoryModel(m.Model.Span, m.Model.Text);
                    memory ??= model;
                    break;
                case KernelStatementSyntax k:
                    BindVariant(k, variants);
                    break;
            }
        }
        return new Settings(cpus ?? 1, memory ?? MemoryModel.Tso, [.. variants.Values]);
    }

    private void BindVariant(KernelStatementSyntax syntax, SortedDictionary<string, BoundVariantChoice> variants)
    {
        var mechanism = KernelCatalog.Find(syntax.Mechanism.Text);
        if (mechanism is null)
        {
            _diagnostics.ReportUnknownMechanism(syntax.Mechanism.Span, syntax.Mechanism.Text, KernelCatalog.Mechanisms.Select(m => m.Name));
            return;
        }
        if (variants.ContainsKey(mechanism.Name))
        {
            _diagnostics.ReportDuplicateSetting(syntax.Span, $"kernel {mechanism.Name}");
            return;
        }
        var known = mechanism.Variants.Select(v => v.Name).ToList();
        if (syntax.Variants.FirstOrDefault(v => !known.Contains(v.Text)) is { } unknown)
        {
            _diagnostics.ReportUnknownVariant(unknown.Span, mechanism.Name, unknown.Text, known);
            return;
        }
        if (syntax.Variants.GroupBy(v => v.Text).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            _diagnostics.ReportVariantListedTwice(twice.ElementAt(1).Span, mechanism.Name, twice.Key);
            return;
        }
        var chosen = syntax.Every ? [.. known] : syntax.Variants.Select(v => v.Text).ToImmutableArray();
        variants.Add(mechanism.Name, new BoundVariantChoice(mechanism.Name, chosen, syntax.Span));
    }

    private TaskSymbol? DeclareTask(ScenarioScope scope, NameSyntax name, Privilege privilege, bool declared, bool deferred = false)
    {
        if (!TaskName().IsMatch(name.Text))
        {
            _diagnostics.ReportInvalidTaskName(name.Span, name.Text);
            return null;
        }
        if (scope.Tasks.ContainsKey(name.Text) || scope.Groups.ContainsKey(name.Text))
        {
            _diagnostics.ReportDuplicateTask(name.Span, name.Text);
            return null;
        }
        var task = new TaskSymbol(name.Text, privilege, declared, name.Span, deferred);
        scope.Tasks.Add(name.Text, task);
        return task;
    }

    private void BindSwitch(ScenarioScope scope, SwitchStatementSyntax syntax, ImmutableArray<BoundStatement>.Builder statements)
    {
        if (CheckCpu(scope, syntax.Cpu) is not { } cpu || !CheckNotPaused(scope, cpu, syntax.Cpu.Span))
            return;
        TaskSymbol? next = null;
        if (syntax.Target is null && scope.Current[cpu] is null)
        {
            _diagnostics.ReportSwitchToCurrent(syntax.Span, "idle", cpu);
            return;
        }
        if (syntax.Target is { } target)
        {
            next = LookupTask(scope, target);
            if (next is null || !CheckAlive(scope, next, target.Span))
                return;
            if (scope.Current[cpu] == next)
            {
                _diagnostics.ReportSwitchToCurrent(target.Span, next.Name, cpu);
                return;
            }
            if (scope.CpuOf(next) is { } elsewhere)
            {
                _diagnostics.ReportTaskOnOtherCpu(target.Span, next.Name, elsewhere);
                return;
            }
        }
        scope.Current[cpu] = next;
        // A task preempted inside a syscall finishes it when it runs again.
        if (next is not null)
            scope.Preempted.Remove(next);
        statements.Add(new BoundSwitch(Position(syntax), SyntaxPrinter.Print(syntax), cpu, next));
    }

    private void BindStep(ScenarioScope scope, StepStatementSyntax syntax, ImmutableArray<BoundStatement>.Builder statements, bool inRepeat)
    {
        var cpu = CheckCpu(scope, syntax.Cpu);
        if (cpu is null || !CheckNotPaused(scope, cpu.Value, syntax.Cpu.Span, newStep: true))
            return;
        if (syntax.Preempts is { } preempted)
        {
            _diagnostics.ReportPreemptsOutsideExplore(preempted.Span, syntax.Task.Text, preempted.Text);
            return;
        }
        if (syntax.InKernelContext)
        {
            if (BindThreadStep(scope, syntax, cpu.Value, null, inExplore: false, inRepeat) is { } kernelStep)
                statements.Add(kernelStep);
            return;
        }
        var task = LookupTask(scope, syntax.Task);
        if (task is null || !CheckAlive(scope, task, syntax.Task.Span))
            return;
        if (!PutOnCpu(scope, syntax, cpu.Value, task, statements))
            return;
        if (BindThreadStep(scope, syntax, cpu.Value, task, inExplore: false, inRepeat) is { } bound)
            statements.Add(bound);
    }

    /// <summary>
    /// Checks that the step's task runs on its CPU; on an idle CPU it is switched in first (finishing a syscall it was
    /// preempted in), as an implicit switch the trace shows. False when the step cannot run there.
    /// </summary>
    private bool PutOnCpu(ScenarioScope scope, StepStatementSyntax syntax, int cpu, TaskSymbol task, ImmutableArray<BoundStatement>.Builder statements)
    {
        var running = scope.Current[cpu];
        if (running == task && scope.Preempted.TryGetValue(task, out var preemption))
        {
            _diagnostics.ReportTaskPreempted(syntax.Task.Span, task.Name, preemption.Call, _source.GetPosition(preemption.Span.Start).Line);
            return false;
        }
        if (running == task)
            return true;
        if (running is not null)
        {
            _diagnostics.ReportTaskNotCurrent(syntax.Task.Span, task.Name, cpu, running.Name);
            return false;
        }
        if (scope.CpuOf(task) is { } elsewhere)
        {
            _diagnostics.ReportTaskOnOtherCpu(syntax.Task.Span, task.Name, elsewhere);
            return false;
        }
        scope.Current[cpu] = task;
        scope.Preempted.Remove(task);
        statements.Add(new BoundSwitch(Position(syntax), $"cpu{cpu} switch {task.Name} (implicit: cpu{cpu} was idle)", cpu, task));
        return true;
    }

    /// <summary>ioperm, iopl, setresuid and exit: syscalls of the task on its CPU, with their arguments and result.</summary>
    /// <summary>
    /// exec in an explore block: de_thread() would kill the task's other threads while the explorer runs their programs
    /// on other CPUs, which the model does not do; a task alone in its thread group can exec.
    /// </summary>
    private bool CheckExecAlone(ScenarioScope scope, TaskSymbol task, TextSpan span)
    {
        var leader = scope.LeaderOf(task);
        if (scope.Tasks.Values.FirstOrDefault(t => t != task && scope.LeaderOf(t) == leader && !scope.Exited.ContainsKey(t)) is not { } other)
            return true;
        _diagnostics.ReportExploredExecWithThreads(span, task.Name, other.Name);
        return false;
    }

    /// <summary>
    /// fs/exec.c: de_thread(): exec kills every other thread of the group. A thread stopped inside a kernel path (preempted
    /// in a syscall, or with a paused step) would have to finish it first, which the model does not do: false, reported.
    /// </summary>
    private bool KillOtherThreads(ScenarioScope scope, TaskSymbol task, TextSpan span, int line)
    {
        var leader = scope.LeaderOf(task);
        var others = scope.Tasks.Values.Where(t => t != task && scope.LeaderOf(t) == leader && !scope.Exited.ContainsKey(t)).ToList();
        foreach (var other in others)
        {
            if (scope.Preempted.TryGetValue(other, out var preemption))
            {
                _diagnostics.ReportExecWithThreadInKernel(span, task.Name, other.Name,
                    $"is preempted inside {preemption.Call} (line {_source.GetPosition(preemption.Span.Start).Line})", $"switch to {other.Name} so the syscall can finish");
                return false;
            }
            if (scope.Paused.FirstOrDefault(p => p.Value.Task == other) is { Value: { } paused } at)
            {
                _diagnostics.ReportExecWithThreadInKernel(span, task.Name, other.Name,
                    $"is paused inside {paused.Call} on cpu{at.Key} (line {_source.GetPosition(paused.Span.Start).Line})", $"'cpu{at.Key} continue'");
                return false;
            }
        }
        foreach (var other in others)
        {
            scope.Exited[other] = line;
            if (scope.CpuOf(other) is { } cpu)
                scope.Current[cpu] = null;
        }
        return true;
    }

    private readonly record struct BoundResult(bool Ok, ExpectedOutcome? Value);

    private BoundResult BindSyscallResult(ResultSyntax? result, string call, string allowed = "a return value such as 0 or an errno such as EPERM")
    {
        switch (result)
        {
            case AlternativeResultsSyntax alternatives:
                return BindAlternatives(alternatives, call, r => BindSyscallResult(r, call, allowed));
            case null:
                return new BoundResult(true, null);
            case NumberResultSyntax { Number.Value: { } value }:
                return new BoundResult(true, Outcome.Returns((long)value));
            case NumberResultSyntax:
                return new BoundResult(false, null);
            case NameResultSyntax { Name: var name }:
                if (Enum.TryParse<Errno>(name.Text, ignoreCase: false, out var errno) && Enum.IsDefined(errno))
                    return new BoundResult(true, Outcome.Fails(errno));
                _diagnostics.ReportUnknownErrno(name.Span, name.Text, Enum.GetNames<Errno>());
                return new BoundResult(false, null);
            default:
                _diagnostics.ReportResultDoesNotFit(result.Span, call, SyntaxPrinter.Print(result), allowed);
                return new BoundResult(false, null);
        }
    }

    /// <summary>
    /// The result of an instruction or access that completes (<c>ok</c>) or ends in the one fault it can raise: a port
    /// instruction, CLI or STI raises #GP, a kernel touch #PF, a user read or write gets SIGSEGV. Naming another fault
    /// is KSC0235, so that <c>touch V -> #GP</c> cannot silently mean something else.
    /// </summary>
    private BoundResult BindFaultResult(ResultSyntax? result, string action, Outcome fault)
    {
        switch (result)
        {
            case AlternativeResultsSyntax alternatives:
                return BindAlternatives(alternatives, action, r => BindFaultResult(r, action, fault));
            case null:
                return new BoundResult(true, null);
            case OkResultSyntax:
                return new BoundResult(true, Outcome.Ok);
            case not null when FaultNamed(result) is { } named:
                if (named == fault)
                    return new BoundResult(true, fault);
                _diagnostics.ReportWrongFault(result.Span, action, named.ToString(), fault.ToString(), FaultMeaning(fault));
                return new BoundResult(false, null);
            default:
                _diagnostics.ReportResultDoesNotFit(result.Span, action, SyntaxPrinter.Print(result), $"ok or {fault}");
                return new BoundResult(false, null);
        }
    }

    /// <summary>What pushf leaves for user mode to see: the EFLAGS value, a number such as 0x202.</summary>
    private BoundResult BindPushfResult(ResultSyntax? result)
    {
        switch (result)
        {
            case AlternativeResultsSyntax alternatives:
                return BindAlternatives(alternatives, "pushf", BindPushfResult);
            case null:
                return new BoundResult(true, null);
            case NumberResultSyntax { Number.Value: { } flags }:
                return new BoundResult(true, Outcome.Eflags(flags));
            case NumberResultSyntax:
                return new BoundResult(false, null);
            default:
                _diagnostics.ReportResultDoesNotFit(result.Span, "pushf", SyntaxPrinter.Print(result), "the EFLAGS value user mode sees, a number such as 0x202");
                return new BoundResult(false, null);
        }
    }

    /// <summary>
    /// <c>-> ok | #GP</c>: each alternative is checked as the step's one result would be (so a fault the step cannot raise
    /// is KSC0235 there); an alternative that gives an outcome already listed is KSC0313.
    /// </summary>
    private BoundResult BindAlternatives(AlternativeResultsSyntax syntax, string call, Func<ResultSyntax, BoundResult> bindOne)
    {
        var outcomes = new List<Outcome>();
        var ok = true;
        foreach (var alternative in syntax.Alternatives)
        {
            var bound = bindOne(alternative);
            if (bound is not { Ok: true, Value.Alternatives: [var outcome] })
            {
                ok = false;
                continue;
            }
            if (outcomes.Contains(outcome))
            {
                _diagnostics.ReportAlternativeTwice(alternative.Span, call, SyntaxPrinter.Print(alternative), outcome.ToString());
                ok = false;
                continue;
            }
            outcomes.Add(outcome);
        }
        return ok ? new BoundResult(true, new ExpectedOutcome([.. outcomes])) : new BoundResult(false, null);
    }

    /// <summary>The fault a result names, or null when it names none (a number, an errno, ok).</summary>
    private static Outcome? FaultNamed(ResultSyntax result) => result switch
    {
        FaultResultSyntax { PageFault: true } => Outcome.PageFault,
        FaultResultSyntax { PageFault: false } => Outcome.GeneralProtection,
        NameResultSyntax { Name.Text: "SIGSEGV" } => Outcome.Segv,
        _ => null,
    };

    /// <summary>Why an action raises the fault it does, for the KSC0235 message.</summary>
    private static string FaultMeaning(Outcome fault) => fault.Kind switch
    {
        OutcomeKind.GeneralProtection => "a port instruction, CLI or STI that IOPL or the TSS bitmap denies raises #GP (which the kernel delivers as SIGSEGV)",
        OutcomeKind.PageFault => "a kernel access whose page walk finds no entry raises #PF",
        OutcomeKind.Segv => "the kernel delivers SIGSEGV when the task has no vma there, or one that forbids the access",
        _ => throw new InternalCompilerException($"{fault} is not a fault an action raises"),
    };

    /// <summary>An argument of the wrong kind; a negative number is a mistake of its own, since only mmap's file takes one.</summary>
    private void ReportArgumentKind(CallSyntax call, ArgumentSyntax argument, string parameter, string expected)
    {
        if (argument is NegativeArgumentSyntax)
            _diagnostics.ReportNegativeArgument(argument.Span, call.Name.Text, SyntaxPrinter.Print(argument));
        else
            _diagnostics.ReportArgumentKind(argument.Span, call.Name.Text, parameter, expected);
    }

    private ulong? Scale(NumberSyntax number)
    {
        if (number.Value is not { } value)
            return null;
        var multiplier = number.Unit switch
        {
            SizeUnit.KiB => 1UL << 10,
            SizeUnit.MiB => 1UL << 20,
            SizeUnit.GiB => 1UL << 30,
            _ => 1UL,
        };
        if (value > ulong.MaxValue / multiplier)
        {
            _diagnostics.ReportNumberTooLarge(number.Span, SyntaxPrinter.Print(number));
            return null;
        }
        return value * multiplier;
    }

    private int? CheckCpu(ScenarioScope scope, CpuSyntax cpu)
    {
        if (cpu.Index is { } index && index < scope.Current.Length)
            return index;
        _diagnostics.ReportCpuOutOfRange(cpu.Span, cpu.Index ?? int.MaxValue, scope.Current.Length);
        return null;
    }

    private TaskSymbol? LookupTask(ScenarioScope scope, NameSyntax name)
    {
        // Inside 'for each W', W is the member the body runs for.
        if (scope.Cursors.TryGetValue(name.Text, out var cursor))
            return cursor.Member;
        if (!scope.Tasks.TryGetValue(name.Text, out var task))
        {
            if (scope.Groups.TryGetValue(name.Text, out var group))
                _diagnostics.ReportGroupIsNotATask(name.Span, group.Name, group.Count);
            else
                _diagnostics.ReportUndefinedTask(name.Span, name.Text, scope.Tasks.Keys);
            return null;
        }
        task = CurrentMember(scope, name, task);
        if (scope.Paused.FirstOrDefault(p => p.Value.Child == task) is { Value: { } creator } paused)
        {
            _diagnostics.ReportTaskUnborn(name.Span, task.Name, paused.Key, _source.GetPosition(creator.Span.Start).Line);
            return null;
        }
        return task;
    }

    private bool CheckAlive(ScenarioScope scope, TaskSymbol task, TextSpan span)
    {
        if (!scope.Exited.TryGetValue(task, out var line))
            return true;
        _diagnostics.ReportTaskExited(span, task.Name, line);
        return false;
    }

    private LinePosition Position(StatementSyntax statement) => _source.GetPosition(statement.Span.Start);

    /// <summary>A task stopped inside a syscall by 'preempted at', with the step that stopped it.</summary>
    private sealed record Preemption(string Call, TextSpan Span);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex TaskName();

    /// <summary>What the binder knows while it walks a scenario: its tasks and what each CPU runs.</summary>
    private sealed class ScenarioScope(int cpus)
    {
        public Dictionary<string, TaskSymbol> Tasks { get; } = new(StringComparer.Ordinal);

        /// <summary>The task each CPU runs; null is the idle task.</summary>
        public TaskSymbol?[] Current { get; } = new TaskSymbol?[cpus];

        /// <summary>Tasks that exited, with the line of their exit.</summary>
        public Dictionary<TaskSymbol, int> Exited { get; } = [];

        /// <summary>Tasks preempted inside a syscall; switching them in lets it finish.</summary>
        public Dictionary<TaskSymbol, Preemption> Preempted { get; } = [];

        /// <summary>The first task of each thread group that clone has grown; a task not listed leads its own.</summary>
        public Dictionary<TaskSymbol, TaskSymbol> Leaders { get; } = [];

        /// <summary>Shared words and their initial values, in declaration order.</summary>
        public OrderedDictionary<string, long> SharedWords { get; } = new(StringComparer.Ordinal);

        /// <summary>Registers that loads and exchanges write.</summary>
        public HashSet<string> Registers { get; } = new(StringComparer.Ordinal);

        /// <summary>Files the scenario declared, in declaration order.</summary>
        public OrderedDictionary<string, BoundFile> Files { get; } = new(StringComparer.Ordinal);

        /// <summary>vmalloc areas the scenario created.</summary>
        public HashSet<string> Areas { get; } = new(StringComparer.Ordinal);

        /// <summary>CPUs whose step the schedule paused with 'until', waiting for 'continue'.</summary>
        public SortedDictionary<int, PausedStep> Paused { get; } = [];

        /// <summary>Whether the explore block has been bound: every execution ends after it.</summary>
        public bool Explored { get; set; }

        /// <summary>Task groups (<c>task W[1000] user</c>) by name; their members are in <see cref="Tasks"/>.</summary>
        public Dictionary<string, TaskGroupSymbol> Groups { get; } = new(StringComparer.Ordinal);

        /// <summary>The groups a <c>for each</c> is running through while its body binds, with the member it binds for.</summary>
        public Dictionary<string, ForEachCursor> Cursors { get; } = new(StringComparer.Ordinal);

        /// <summary>Puts <paramref name="to"/> in the place of <paramref name="from"/> in everything the schedule knows of tasks.</summary>
        public void Replace(TaskSymbol from, TaskSymbol to)
        {
            TaskSymbol Swap(TaskSymbol t) => t == from ? to : t;
            for (var cpu = 0; cpu < Current.Length; cpu++)
                Current[cpu] = Current[cpu] is { } t ? Swap(t) : null;
            if (Exited.Remove(from, out var line))
                Exited[to] = line;
            if (Preempted.Remove(from, out var preemption))
                Preempted[to] = preemption;
            foreach (var (task, leader) in Leaders.ToList())
            {
                Leaders.Remove(task);
                Leaders[Swap(task)] = Swap(leader);
            }
            foreach (var (cpu, paused) in Paused.ToList())
                Paused[cpu] = paused with { Task = paused.Task is { } t ? Swap(t) : null, Child = paused.Child is { } c ? Swap(c) : null };
        }

        public TaskSymbol LeaderOf(TaskSymbol task) => Leaders.GetValueOrDefault(task, task);

        public int? CpuOf(TaskSymbol task)
        {
            var index = Array.IndexOf(Current, task);
            return index < 0 ? null : index;
        }
    }
}
