using System.Collections.Immutable;
using System.Diagnostics;
using ScenarioLang.Compiler.Syntax;
using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Catalog;

namespace ScenarioLang.Compiler.Binding;

// Every step is bound here, by one path, against its declaration in the kernel catalog: its name, how it is written,
// its arguments by their declared kinds and ranges, its result by its declared kind, and what it does to the tasks.
public sealed partial class Binder
{
    /// <summary>The step a call names, or null (reported, with the closest name) when the catalog has none.</summary>
    private StepDeclaration? LookupStep(CallSyntax call)
    {
        if (KernelCatalog.FindStep(call.Name.Text) is { } step)
            return step;
        _diagnostics.ReportUnknownStep(call.Name.Span, call.Name.Text, KernelCatalog.Steps.Select(s => s.Name));
        return null;
    }

    /// <summary>The call's arguments and result bound against <paramref name="step"/>, with what it does to the tasks.</summary>
    private (BoundCall Call, ExpectedOutcome? Expected)? BindCall(ScenarioScope scope, StepStatementSyntax syntax, StepDeclaration step, int cpu, TaskSymbol? task, StepContext context)
    {
        var call = syntax.Action;
        if (!CheckForm(call, step))
            return null;
        var arguments = BindArguments(scope, call, step);
        var result = BindCallResult(scope, syntax, step, cpu, task, context);
        if (arguments is null || result is not { } bound)
            return null;
        switch (step.Effect)
        {
            case StepEffect.ReplacesProgram:
                if (context.InExplore && !CheckExecAlone(scope, task!, call.Span))
                    return null;
                if (!KillOtherThreads(scope, task!, call.Span, Position(syntax).Line))
                    return null;
                break;
            case StepEffect.EndsTask:
                scope.Exited[task!] = Position(syntax).Line;
                scope.Current[cpu] = null;
                break;
            case StepEffect.None or StepEffect.CreatesProcess or StepEffect.CreatesThread:
                break;
            default:
                throw new UnreachableException($"step effect {step.Effect} has no binder");
        }
        return (new BoundCall(step, arguments.Value, bound.Binds, bound.Child, context.FailingAt), bound.Expected);
    }

    /// <summary>A call is written as one (<c>ioperm(…)</c>, or bare when it takes nothing), an instruction with its operand.</summary>
    private bool CheckForm(CallSyntax call, StepDeclaration step)
    {
        var fits = step.Form switch
        {
            StepForm.Call => call.Form != CallForm.Operand,
            StepForm.Instruction => call.Form != CallForm.Parenthesized,
            _ => throw new UnreachableException($"step form {step.Form}"),
        };
        if (!fits)
            _diagnostics.ReportWrongStepForm(call.Span, step.Name, step.Form == StepForm.Call ? "a call" : "an instruction", step.Signature);
        return fits;
    }

    private ImmutableArray<object?>? BindArguments(ScenarioScope scope, CallSyntax call, StepDeclaration step)
    {
        var written = call.Arguments;
        if (written.Length < step.Required || written.Length > step.Parameters.Count)
        {
            _diagnostics.ReportWrongArgumentCount(call.Span, step.Name, $"{ArgumentCount(step)}: {step.Signature}");
            return null;
        }
        var values = ImmutableArray.CreateBuilder<object?>(step.Parameters.Count);
        var ok = true;
        for (var i = 0; i < step.Parameters.Count; i++)
        {
            var parameter = step.Parameters[i];
            var bound = i < written.Length ? BindArgument(scope, call, parameter, written[i]) : (Ok: true, Value: Convert(parameter, parameter.Default!.Value));
            ok &= bound.Ok;
            values.Add(bound.Value);
        }
        return ok ? values.MoveToImmutable() : null;
    }

    /// <summary>"three arguments", "one or two arguments": how many a step takes, for KSC0205.</summary>
    private static string ArgumentCount(StepDeclaration step)
    {
        string[] words = ["no", "one", "two", "three", "four", "five", "six", "seven"];
        var most = step.Parameters.Count;
        var noun = most == 1 ? "argument" : "arguments";
        return step.Required == most ? $"{words[most]} {noun}" : $"{words[step.Required]} or {words[most]} {noun}";
    }

    private (bool Ok, object? Value) BindArgument(ScenarioScope scope, CallSyntax call, ParameterDeclaration parameter, ArgumentSyntax argument)
    {
        var step = call.Name.Text;
        switch (parameter.Kind)
        {
            case ParameterKind.Number:
                if (argument is NumberArgumentSyntax { Number: var number })
                {
                    if (!parameter.Units && number.Unit != SizeUnit.None)
                    {
                        _diagnostics.ReportArgumentKind(argument.Span, step, parameter.Name, "a plain number, with no unit");
                        return (false, null);
                    }
                    if (Scale(number) is not { } value)
                        return (false, null);
                    if (value < parameter.Min || value > parameter.Max)
                    {
                        _diagnostics.ReportValueOutOfRange(argument.Span, step, parameter.Name, SyntaxPrinter.Print(number), parameter.RangeMeaning ?? $"from {parameter.Min} to {parameter.Max}");
                        return (false, null);
                    }
                    return (true, Convert(parameter, value));
                }
                ReportArgumentKind(call, argument, parameter.Name, "a number");
                return (false, null);
            case ParameterKind.Switch:
                switch (argument)
                {
                    case SwitchArgumentSyntax s:
                        return (true, Convert(parameter, s.On ? 1UL : 0UL));
                    // As in C: the kernel reads the number as its parameter's type, and any non-zero value is on.
                    case NumberArgumentSyntax { Number: { Unit: SizeUnit.None, Value: { } value } }:
                        return (true, Convert(parameter, value));
                    // Past 64 bits: KSC0004 has said so.
                    case NumberArgumentSyntax { Number: { Unit: SizeUnit.None, Value: null } }:
                        return (false, null);
                    default:
                        ReportArgumentKind(call, argument, parameter.Name, "on, off or a plain number");
                        return (false, null);
                }
            case ParameterKind.Address:
                // A size such as 2 MiB says how much, not where.
                if (argument is NumberArgumentSyntax { Number.Unit: not SizeUnit.None })
                {
                    _diagnostics.ReportArgumentKind(argument.Span, step, parameter.Name, "a plain number such as 0x40000000, not a size");
                    return (false, null);
                }
                if (argument is NumberArgumentSyntax { Number: var address })
                    return Scale(address) is { } where ? (true, where) : (false, null);
                ReportArgumentKind(call, argument, parameter.Name, "a number");
                return (false, null);
            case ParameterKind.Flags:
                return FlagsArgument(call, argument, parameter) is { } bits ? (true, bits) : (false, null);
            case ParameterKind.File:
                var file = FileArgument(scope, call, argument);
                return (file.Ok, file.Name);
            case ParameterKind.SharedWord:
                if (argument is not FlagSetArgumentSyntax { Names: [var word] })
                {
                    ReportArgumentKind(call, argument, parameter.Name, "a shared word");
                    return (false, null);
                }
                if (!scope.SharedWords.ContainsKey(word.Text))
                {
                    _diagnostics.ReportUndefinedSharedWord(word.Span, word.Text);
                    return (false, null);
                }
                return (true, word.Text);
            case ParameterKind.Area:
                if (argument is not FlagSetArgumentSyntax { Names: [var area] })
                {
                    ReportArgumentKind(call, argument, parameter.Name, "a vmalloc area");
                    return (false, null);
                }
                return CheckArea(scope, area.Text, area.Span) ? (true, area.Text) : (false, null);
            default:
                throw new UnreachableException($"parameter kind {parameter.Kind} has no binder");
        }
    }

    /// <summary>A number in range, as the type the step's factory takes.</summary>
    /// <summary>A number as the parameter's type, truncated as C converts a syscall's argument to its prototype's type.</summary>
    private static object Convert(ParameterDeclaration parameter, ulong value) => unchecked(parameter.Type switch
    {
        var t when t == typeof(ulong) => value,
        var t when t == typeof(uint) => (uint)value,
        var t when t == typeof(long) => (long)value,
        var t when t == typeof(int) => (int)value,
        var t => throw new UnreachableException($"{parameter.Name} is a number passed as {t.Name}"),
    });

    /// <summary>The result a step's <c>-&gt;</c> states, and the name it binds, by the step's declared result kind.</summary>
    private (ExpectedOutcome? Expected, string? Binds, TaskSymbol? Child)? BindCallResult(ScenarioScope scope, StepStatementSyntax syntax, StepDeclaration step, int cpu, TaskSymbol? task, StepContext context)
    {
        var result = syntax.Result;
        var span = result?.Span ?? syntax.Action.Span;
        switch (step.Result)
        {
            case ResultKind.None:
                return NoResult(syntax, step.Name, "nothing: write no '->'") ? (null, null, null) : null;
            case ResultKind.NoReturn:
                return NoResult(syntax, step.Name, "nothing: it does not return") ? (null, null, null) : null;
            case ResultKind.ReturnValue:
                return Expected(BindSyscallResult(result, step.Name));
            case ResultKind.Status:
                return Expected(BindMunmapResult(result, step.Name));
            case ResultKind.Address:
                return Expected(BindMmapResult(result, step.Name));
            case ResultKind.Fault:
                return Expected(BindFaultResult(result, step.Name, step.Fault!.Value));
            case ResultKind.Eflags:
                return Expected(BindPushfResult(result));
            case ResultKind.NewTask:
            {
                // Made to fail, it creates no task and its result is the error, if one is stated.
                if (context.FailingAt is not null)
                    return Expected(BindSyscallResult(result, step.Name));
                if (context.InRepeat)
                {
                    _diagnostics.ReportCreatesTaskInRepeat(syntax.Action.Span, step.Name);
                    return null;
                }
                if (result is not NameResultSyntax { Name: var childName })
                {
                    _diagnostics.ReportForkNeedsChild(span, step.Name);
                    return null;
                }
                // The child exists only once the fork has returned: later in the schedule when the fork is paused,
                // explored, or may wait for a lock a step paused on another CPU holds; the generated code then looks it
                // up where it is used.
                var deferred = context.InExplore || context.Paused || scope.Paused.Any(p => p.Key != cpu && !p.Value.AtReturn);
                if (DeclareTask(scope, childName, task!.Privilege, declared: false, deferred) is not { } child)
                    return null;
                scope.Leaders[child] = step.Effect == StepEffect.CreatesThread ? scope.LeaderOf(task) : child;
                return (null, child.Name, child);
            }
            case ResultKind.NewArea:
                if (result is not NameResultSyntax { Name: var area })
                {
                    _diagnostics.ReportResultDoesNotFit(span, step.Name, result is null ? "nothing" : SyntaxPrinter.Print(result), $"the name of the area: {step.Signature}");
                    return null;
                }
                return DeclareName(scope.Areas, area, "vmalloc area") ? (null, area.Text, null) : null;
            case ResultKind.Register:
                if (result is not NameResultSyntax { Name: var register })
                {
                    _diagnostics.ReportNeedsRegister(span, step.Name);
                    return null;
                }
                return DeclareName(scope.Registers, register, "register") ? (null, register.Text, null) : null;
            default:
                throw new UnreachableException($"result kind {step.Result} has no binder");
        }

        static (ExpectedOutcome?, string?, TaskSymbol?)? Expected(BoundResult bound) => bound.Ok ? (bound.Value, null, null) : null;
    }

    private bool NoResult(StepStatementSyntax syntax, string step, string allowed)
    {
        if (syntax.Result is null)
            return true;
        _diagnostics.ReportResultDoesNotFit(syntax.Result.Span, step, SyntaxPrinter.Print(syntax.Result), allowed);
        return false;
    }

    /// <summary>How many 4 KiB pages a step walks, by its declared parameters; 1 for a step that walks none.</summary>
    private static long PagesOf(BoundCall call)
    {
        long pages = 1;
        for (var i = 0; i < call.Step.Parameters.Count; i++)
        {
            var parameter = call.Step.Parameters[i];
            if (!parameter.WalksPages)
                continue;
            var bytes = call.Arguments[i] switch
            {
                ulong u => u,
                long l => (ulong)l,
                var other => throw new UnreachableException($"{parameter.Name} walks pages but is a {other?.GetType().Name}"),
            };
            pages = Math.Max(pages, Math.Min(Pages(bytes), parameter.MostPages ?? long.MaxValue));
        }
        return pages;
    }
}
