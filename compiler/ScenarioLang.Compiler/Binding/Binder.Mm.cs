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

    /// <summary>PROT_ or MAP_ names joined by '|', as their bits or'ed together.</summary>
    private int? FlagsArgument(CallSyntax call, ArgumentSyntax argument, ParameterDeclaration parameter)
    {
        var names = parameter.Flags;
        if (argument is not FlagSetArgumentSyntax set)
        {
            ReportArgumentKind(call, argument, parameter.Name, $"names joined by '|' from {string.Join(", ", names.Names)}");
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
                _diagnostics.ReportUnknownFlag(name.Span, call.Name.Text, parameter.Name, name.Text, names.Names);
                known = false;
            }
        }
        return known ? bits : null;
    }

    /// <summary>mmap's file: a declared file by name, or -1 for none (Name is then null).</summary>
    private (bool Ok, string? Name) FileArgument(ScenarioScope scope, CallSyntax call, ArgumentSyntax argument)
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
