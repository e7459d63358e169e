using ScenarioLang.Compiler.Syntax;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Catalog;

namespace ScenarioLang.Compiler.Binding;

// Seed 004: files, and the steps that map and unmap them and touch the mapped memory (mmap, munmap, read, write).
public sealed partial class Binder
{
    private const string Hugetlbfs = "hugetlbfs";

    private void DeclareFile(ScenarioScope scope, FileStatementSyntax syntax)
    {
        if (scope.Files.ContainsKey(syntax.Name.Text))
        {
            _diagnostics.ReportDuplicateName(syntax.Name.Span, "file", syntax.Name.Text);
            return;
        }
        var hugetlbfs = syntax.FileSystem?.Text == Hugetlbfs;
        if (syntax.FileSystem is { } fileSystem && !hugetlbfs)
            _diagnostics.ReportUnknownFileSystem(fileSystem.Span, fileSystem.Text);
        var size = Scale(syntax.Size);
        if (size is 0 or > long.MaxValue)
            _diagnostics.ReportFileSizeOutOfRange(syntax.Size.Span, SyntaxPrinter.Print(syntax.Size));
        // Declared even when its size or file system is wrong, so that its uses are not reported too; the error keeps it from running.
        scope.Files.Add(syntax.Name.Text, new BoundFile(syntax.Name.Text, (long)(size ?? 0), hugetlbfs, Position(syntax)));
    }

    private bool CheckFile(ScenarioScope scope, string name, TextSpan span)
    {
        if (scope.Files.ContainsKey(name))
            return true;
        _diagnostics.ReportUndefinedFile(span, name);
        return false;
    }

    private (BoundOperation Operation, ExpectedOutcome? Expected)? BindMmOperation(ScenarioScope scope, StepStatementSyntax syntax, SyscallActionSyntax call)
    {
        var arguments = call.Arguments ?? [];
        switch (call.Kind)
        {
            case SyscallKind.Mmap:
            {
                var expected = BindMmapResult(syntax.Result, call.Name);
                if (!CheckArgumentCount(call, arguments, 6, "six arguments: mmap(addr, length, prot, flags, file or -1, offset)"))
                    return null;
                var address = AddressArgument(call, arguments[0]);
                var length = NumberArgument(call, arguments[1], "length");
                var prot = FlagsArgument(call, arguments[2], "prot", SharedKernel.ProtFlags);
                var flags = FlagsArgument(call, arguments[3], "flags", SharedKernel.MapFlags);
                var file = FileArgument(scope, call, arguments[4]);
                var offset = NumberArgument(call, arguments[5], "offset");
                if (offset > long.MaxValue)
                {
                    _diagnostics.ReportArgumentKind(arguments[5].Span, call.Name, "offset", "a size up to 2^63 - 1 bytes");
                    return null;
                }
                if (address is null || length is null || prot is null || flags is null || !file.Ok || offset is null || !expected.Ok)
                    return null;
                return (new BoundMmapOperation(address.Value, length.Value, prot.Value, flags.Value, file.Name, (long)offset.Value), expected.Value);
            }
            case SyscallKind.Munmap:
            {
                var expected = BindMunmapResult(syntax.Result, call.Name);
                if (!CheckArgumentCount(call, arguments, 2, "two arguments: munmap(addr, length)"))
                    return null;
                var address = AddressArgument(call, arguments[0]);
                var length = NumberArgument(call, arguments[1], "length");
                if (address is null || length is null || !expected.Ok)
                    return null;
                return (new BoundMunmapOperation(address.Value, length.Value), expected.Value);
            }
            default:
            {
                var expected = BindFaultResult(syntax.Result, call.Name, Outcome.Segv);
                if (!CheckArgumentCount(call, arguments, 1, $"one or two arguments: {call.Name}(addr) or {call.Name}(addr, length)", max: 2))
                    return null;
                var address = AddressArgument(call, arguments[0]);
                // One byte unless a length is given: the page holding the address.
                var length = arguments.Length == 2 ? NumberArgument(call, arguments[1], "length") : 1UL;
                if (length == 0)
                {
                    _diagnostics.ReportArgumentKind(arguments[1].Span, call.Name, "length", "a size from 1 byte");
                    return null;
                }
                if (address is null || length is null || !expected.Ok)
                    return null;
                return (new BoundAccessOperation(address.Value, length.Value, call.Kind == SyscallKind.Write), expected.Value);
            }
        }
    }

    private ulong? AddressArgument(SyscallActionSyntax call, ArgumentSyntax argument)
    {
        // A size such as 2 MiB says how much, not where.
        if (argument is NumberArgumentSyntax { Number.Unit: not SizeUnit.None })
        {
            _diagnostics.ReportArgumentKind(argument.Span, call.Name, "address", "a plain number such as 0x40000000, not a size");
            return null;
        }
        return NumberArgument(call, argument, "address");
    }

    /// <summary>PROT_ or MAP_ names joined by '|', as their bits or'ed together.</summary>
    private int? FlagsArgument(SyscallActionSyntax call, ArgumentSyntax argument, string parameter, IReadOnlyDictionary<string, int> names)
    {
        if (argument is not FlagSetArgumentSyntax set)
        {
            ReportArgumentKind(call, argument, parameter, $"names joined by '|' from {string.Join(", ", names.Keys)}");
            return null;
        }
        var bits = 0;
        var known = true;
        foreach (var name in set.Names)
        {
            if (names.TryGetValue(name.Text, out var value))
                bits |= value;
            else
            {
                _diagnostics.ReportUnknownFlag(name.Span, call.Name, parameter, name.Text, names.Keys);
                known = false;
            }
        }
        return known ? bits : null;
    }

    /// <summary>mmap's file: a declared file by name, or -1 for none (Name is then null).</summary>
    private (bool Ok, string? Name) FileArgument(ScenarioScope scope, SyscallActionSyntax call, ArgumentSyntax argument)
    {
        switch (argument)
        {
            case NegativeArgumentSyntax { Magnitude.Value: 1 }:
                return (true, null);
            case FlagSetArgumentSyntax { Names: [var name] }:
                return (CheckFile(scope, name.Text, name.Span), name.Text);
            default:
                ReportArgumentKind(call, argument, "file", "a declared file or -1 (no file)");
                return (false, null);
        }
    }

    /// <summary>mmap returns the address of the mapping, or fails with an errno.</summary>
    private BoundResult BindMmapResult(ResultSyntax? result, string call) => result switch
    {
        AlternativeResultsSyntax alternatives => BindAlternatives(alternatives, call, r => BindMmapResult(r, call)),
        NumberResultSyntax { Number.Value: { } address } => new BoundResult(true, Outcome.Address((long)address)),
        _ => BindSyscallResult(result, call, "an address such as 0x40000000 or an errno such as EINVAL"),
    };

    private BoundResult BindMunmapResult(ResultSyntax? result, string call)
    {
        const string allowed = "0 or an errno such as EINVAL";
        if (result is AlternativeResultsSyntax alternatives)
            return BindAlternatives(alternatives, call, r => BindMunmapResult(r, call));
        if (result is not NumberResultSyntax { Number.Value: > 0 })
            return BindSyscallResult(result, call, allowed);
        _diagnostics.ReportResultDoesNotFit(result.Span, call, SyntaxPrinter.Print(result), allowed);
        return new BoundResult(false, null);
    }
}
