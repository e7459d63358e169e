using System.Collections.Immutable;
using System.Text.RegularExpressions;
using ScenarioLang.Compiler.Diagnostics;
using ScenarioLang.Compiler.Syntax;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Machine;

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

    private readonly SourceText _source;
    private readonly DiagnosticBag _diagnostics;

    private Binder(SourceText source, DiagnosticBag diagnostics)
    {
        _source = source;
        _diagnostics = diagnostics;
    }

    public static ImmutableArray<BoundScenario> Bind(SyntaxTree tree, DiagnosticBag diagnostics)
    {
        var binder = new Binder(tree.Source, diagnostics);
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
            DeclareTask(scope, task.Name, task.Privilege, declared: true);

        var statements = ImmutableArray.CreateBuilder<BoundStatement>();
        foreach (var statement in syntax.Statements)
        {
            switch (statement)
            {
                case SwitchStatementSyntax s:
                    BindSwitch(scope, s, statements);
                    break;
                case StepStatementSyntax s:
                    BindStep(scope, s, statements);
                    break;
                case ExpectStatementSyntax e when BindExpectation(scope, e) is { } bound:
                    statements.Add(bound);
                    break;
            }
        }
        return new BoundScenario(
            syntax.Name,
            _source,
            _source.GetPosition(syntax.Span.Start),
            settings.Cpus,
            settings.Memory,
            settings.Variants,
            scope.Tasks.Values.Where(t => t.Declared).ToImmutableArray(),
            statements.ToImmutable());
    }

    private sealed record Settings(int Cpus, MemoryModel Memory, ImmutableSortedDictionary<string, string> Variants);

    private Settings BindSettings(ImmutableArray<StatementSyntax> statements)
    {
        int? cpus = null;
        MemoryModel? memory = null;
        var variants = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
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
        return new Settings(cpus ?? 1, memory ?? MemoryModel.Tso, variants.ToImmutable());
    }

    private void BindVariant(KernelStatementSyntax syntax, ImmutableSortedDictionary<string, string>.Builder variants)
    {
        var mechanism = VariantCatalog.Find(syntax.Mechanism.Text);
        if (mechanism is null)
        {
            _diagnostics.ReportUnknownMechanism(syntax.Mechanism.Span, syntax.Mechanism.Text, VariantCatalog.Mechanisms.Select(m => m.Name));
            return;
        }
        if (variants.ContainsKey(mechanism.Name))
        {
            _diagnostics.ReportDuplicateSetting(syntax.Span, $"kernel {mechanism.Name}");
            return;
        }
        if (mechanism.Values.All(v => v.Name != syntax.Variant.Text))
        {
            _diagnostics.ReportUnknownVariant(syntax.Variant.Span, mechanism.Name, syntax.Variant.Text, mechanism.Values.Select(v => v.Name));
            return;
        }
        variants.Add(mechanism.Name, syntax.Variant.Text);
    }

    private TaskSymbol? DeclareTask(ScenarioScope scope, NameSyntax name, Privilege privilege, bool declared)
    {
        if (!TaskName().IsMatch(name.Text))
        {
            _diagnostics.ReportInvalidTaskName(name.Span, name.Text);
            return null;
        }
        if (scope.Tasks.ContainsKey(name.Text))
        {
            _diagnostics.ReportDuplicateTask(name.Span, name.Text);
            return null;
        }
        var task = new TaskSymbol(name.Text, privilege, declared, name.Span);
        scope.Tasks.Add(name.Text, task);
        return task;
    }

    private void BindSwitch(ScenarioScope scope, SwitchStatementSyntax syntax, ImmutableArray<BoundStatement>.Builder statements)
    {
        if (CheckCpu(scope, syntax.Cpu) is not { } cpu)
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
        statements.Add(new BoundSwitch(Position(syntax), SyntaxPrinter.Print(syntax), cpu, next));
    }

    private void BindStep(ScenarioScope scope, StepStatementSyntax syntax, ImmutableArray<BoundStatement>.Builder statements)
    {
        var cpu = CheckCpu(scope, syntax.Cpu);
        var task = LookupTask(scope, syntax.Task);
        if (cpu is null || task is null || !CheckAlive(scope, task, syntax.Task.Span))
            return;
        var running = scope.Current[cpu.Value];
        if (running != task)
        {
            if (running is not null)
            {
                _diagnostics.ReportTaskNotCurrent(syntax.Task.Span, task.Name, cpu.Value, running.Name);
                return;
            }
            if (scope.CpuOf(task) is { } elsewhere)
            {
                _diagnostics.ReportTaskOnOtherCpu(syntax.Task.Span, task.Name, elsewhere);
                return;
            }
            // The CPU is idle: the step's task is switched in first.
            scope.Current[cpu.Value] = task;
            statements.Add(new BoundSwitch(Position(syntax), $"cpu{cpu} switch {task.Name} (implicit: cpu{cpu} was idle)", cpu.Value, task));
        }
        if (BindAction(scope, syntax, cpu.Value, task) is { } bound)
            statements.Add(bound);
    }

    private BoundStatement? BindAction(ScenarioScope scope, StepStatementSyntax syntax, int cpu, TaskSymbol task)
    {
        var position = Position(syntax);
        var text = SyntaxPrinter.Print(syntax);
        switch (syntax.Action)
        {
            case PortActionSyntax port:
            {
                var expected = BindInstructionResult(syntax.Result, port.Mnemonic);
                if (port.Port.Value is not { } value)
                    return null;
                if (value > 0xffff)
                {
                    _diagnostics.ReportPortOutOfRange(port.Port.Span, port.Port.Text);
                    return null;
                }
                return expected.Ok ? new BoundPortAccess(position, text, cpu, task, port.Width, (int)value, expected.Value) : null;
            }
            case SyscallActionSyntax call:
                return BindSyscall(scope, syntax, call, position, text, cpu, task);
            default:
                return null;
        }
    }

    private BoundStatement? BindSyscall(ScenarioScope scope, StepStatementSyntax syntax, SyscallActionSyntax call, LinePosition position, string text, int cpu, TaskSymbol task)
    {
        var arguments = call.Arguments ?? [];
        switch (call.Kind)
        {
            case SyscallKind.Ioperm:
            {
                var expected = BindSyscallResult(syntax.Result, call.Name);
                if (!CheckArgumentCount(call, arguments, 3, "three arguments: ioperm(from, num, on|off)"))
                    return null;
                var from = NumberArgument(call, arguments[0], "from");
                var num = NumberArgument(call, arguments[1], "num");
                var turnOn = SwitchArgument(call, arguments[2], "turn_on");
                return from is null || num is null || turnOn is null || !expected.Ok
                    ? null
                    : new BoundIoperm(position, text, cpu, task, from.Value, num.Value, turnOn.Value, expected.Value);
            }
            case SyscallKind.Iopl:
            {
                var expected = BindSyscallResult(syntax.Result, call.Name);
                if (!CheckArgumentCount(call, arguments, 1, "one argument: iopl(level)"))
                    return null;
                var level = NumberArgument(call, arguments[0], "level");
                return level is null || !expected.Ok ? null : new BoundIopl(position, text, cpu, task, level.Value, expected.Value);
            }
            case SyscallKind.Exec:
            {
                var expected = BindSyscallResult(syntax.Result, call.Name);
                return CheckArgumentCount(call, arguments, 0, "no arguments") && expected.Ok
                    ? new BoundExec(position, text, cpu, task, expected.Value)
                    : null;
            }
            case SyscallKind.Exit:
                if (syntax.Result is { } result)
                {
                    _diagnostics.ReportResultDoesNotFit(result.Span, "exit", SyntaxPrinter.Print(result), "nothing: it does not return");
                    return null;
                }
                if (!CheckArgumentCount(call, arguments, 0, "no arguments"))
                    return null;
                scope.Exited[task] = position.Line;
                scope.Current[cpu] = null;
                return new BoundExit(position, text, cpu, task);
            default:
                return BindFork(scope, syntax, call, arguments, position, text, cpu, task);
        }
    }

    private BoundStatement? BindFork(ScenarioScope scope, StepStatementSyntax syntax, SyscallActionSyntax call, ImmutableArray<ArgumentSyntax> arguments, LinePosition position, string text, int cpu, TaskSymbol parent)
    {
        if (!CheckArgumentCount(call, arguments, 0, "no arguments; name the child with 'fork -> NAME'"))
            return null;
        if (syntax.Result is not NameResultSyntax { Name: var childName })
        {
            _diagnostics.ReportForkNeedsChild(syntax.Result?.Span ?? call.Span);
            return null;
        }
        var child = DeclareTask(scope, childName, parent.Privilege, declared: false);
        return child is null ? null : new BoundFork(position, text, cpu, parent, child);
    }

    private readonly record struct BoundResult(bool Ok, Outcome? Value);

    private BoundResult BindSyscallResult(ResultSyntax? result, string call)
    {
        switch (result)
        {
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
                _diagnostics.ReportResultDoesNotFit(result.Span, call, SyntaxPrinter.Print(result), "a return value such as 0 or an errno such as EPERM");
                return new BoundResult(false, null);
        }
    }

    private BoundResult BindInstructionResult(ResultSyntax? result, string mnemonic)
    {
        switch (result)
        {
            case null:
                return new BoundResult(true, null);
            case OkResultSyntax:
                return new BoundResult(true, Outcome.Ok);
            case FaultResultSyntax:
                return new BoundResult(true, Outcome.GeneralProtection);
            default:
                _diagnostics.ReportResultDoesNotFit(result.Span, mnemonic, SyntaxPrinter.Print(result), "ok or #GP");
                return new BoundResult(false, null);
        }
    }

    private bool CheckArgumentCount(SyscallActionSyntax call, ImmutableArray<ArgumentSyntax> arguments, int count, string signature)
    {
        if (arguments.Length == count)
            return true;
        _diagnostics.ReportWrongArgumentCount(call.Span, call.Name, signature);
        return false;
    }

    private ulong? NumberArgument(SyscallActionSyntax call, ArgumentSyntax argument, string parameter)
    {
        if (argument is NumberArgumentSyntax { Number: var number })
            return Scale(number);
        _diagnostics.ReportArgumentKind(argument.Span, call.Name, parameter, "a number");
        return null;
    }

    private bool? SwitchArgument(SyscallActionSyntax call, ArgumentSyntax argument, string parameter)
    {
        switch (argument)
        {
            case SwitchArgumentSyntax s:
                return s.On;
            // As in C, any non-zero turn_on turns permissions on.
            case NumberArgumentSyntax { Number: { Unit: SizeUnit.None, Value: { } value } }:
                return value != 0;
            default:
                _diagnostics.ReportArgumentKind(argument.Span, call.Name, parameter, "on, off, 1 or 0");
                return null;
        }
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
        if (scope.Tasks.TryGetValue(name.Text, out var task))
            return task;
        _diagnostics.ReportUndefinedTask(name.Span, name.Text);
        return null;
    }

    private bool CheckAlive(ScenarioScope scope, TaskSymbol task, TextSpan span)
    {
        if (!scope.Exited.TryGetValue(task, out var line))
            return true;
        _diagnostics.ReportTaskExited(span, task.Name, line);
        return false;
    }

    private LinePosition Position(StatementSyntax statement) => _source.GetPosition(statement.Span.Start);

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

        public int? CpuOf(TaskSymbol task)
        {
            var index = Array.IndexOf(Current, task);
            return index < 0 ? null : index;
        }
    }
}
