using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ScenarioLang.Compiler.Syntax;
using ScenarioLang.Compiler.Text;
using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Catalog;

namespace ScenarioLang.Compiler.Services;

public enum CompletionKind
{
    Keyword,
    Step,
    Mechanism,
    Variant,
    Property,
    Task,
    Cpu,
    PausePoint,
    ObjectKind,
    Result,
    Flag,
    /// <summary>A file, shared word, vmalloc area or register the scenario declares.</summary>
    Name,
}

/// <summary>
/// One proposal: its label, what it is, a one-line detail and a longer documentation (Markdown), and the text to
/// insert, a snippet (<c>${1:from}</c> placeholders, as LSP and VS Code write them) when <see cref="IsSnippet"/>.
/// </summary>
public sealed record CompletionItem(string Label, CompletionKind Kind, string? Detail, string? Documentation, string InsertText, bool IsSnippet = false);

/// <summary>The proposals at a position and the span of the text they replace (the word typed so far).</summary>
public sealed record CompletionList(TextSpan Replace, ImmutableArray<CompletionItem> Items);

/// <summary>
/// What may be written at a position, from the catalog and the scenario's own names. The context is read from the line
/// up to the position, since the line being typed rarely parses; the names come from the syntax tree of the rest.
/// </summary>
public static class Completion
{
    /// <summary>The words a statement starts with, after the CPUs (<c>cpu0</c>, which the scenario's count gives).</summary>
    public static readonly ImmutableArray<string> StatementKeywords = ["kernel", "memory", "cpus", "task", "shared", "file", "expect", "explore", "repeat", "for each"];

    private static readonly ImmutableArray<string> FindingKeywords = ["leak", "use-after-free", "double-free", "refcount-misuse", "warn", "oops"];

    private static readonly Regex KernelVariants = Make(@"^\s*kernel\s+(?<m>[A-Za-z_][\w.-]*)\s*=\s*(?:[\w.-]+\s*,\s*)*$");
    private static readonly Regex KernelLine = Make(@"^\s*kernel\b");
    private static readonly Regex KernelMechanism = Make(@"^\s*kernel\s+$");
    private static readonly Regex Memory = Make(@"^\s*memory\s+$");
    private static readonly Regex PropertyField = Make(@"(?<obj>[A-Za-z_]\w*)(?:\((?<arg>[^()]*)\))?(?:\[[^\]]*\])?\.$");
    private static readonly Regex Until = Make(@"\buntil\s+$");
    private static readonly Regex PreemptedAt = Make(@"\bpreempted\s+at\s+$");
    private static readonly Regex FailingAt = Make(@"\bfailing\s+at\s+$");
    private static readonly Regex Finding = Make(@"\b(?:leak|use-after-free|double-free|refcount-misuse|warn|oops)\s+$");
    private static readonly Regex Arrow = Make(@"->(?:[^|]*\|)*\s*#?$");
    private static readonly Regex InsideCall = Make(@":\s*(?<step>[A-Za-z_]\w*)\((?<args>[^()]*)$");
    private static readonly Regex Operand = Make(@"^\s*cpu\d+\s+[\w]+(?:\s+preempts\s+\w+)?\s*:\s*(?<step>[A-Za-z_]\w*)\s+$");
    private static readonly Regex SubjectArgument = Make(@"^\s*expect\b.*?\b(?<obj>[A-Za-z_]\w*)\($");
    private static readonly Regex StepName = Make(@"^\s*cpu\d+\s+(?<task>\w+)(?:\s+preempts\s+\w+)?\s*:\s*$");
    private static readonly Regex Preempts = Make(@"^\s*cpu\d+\s+\w+\s+preempts\s+$");
    private static readonly Regex SwitchTarget = Make(@"^\s*cpu\d+\s+switch\s+$");
    private static readonly Regex AfterCpu = Make(@"^\s*cpu\d+\s+$");
    private static readonly Regex ForEach = Make(@"^\s*for\s+each\s+$");
    private static readonly Regex ExpectStart = Make(@"^\s*expect\s+(?:(?:always|never|sometimes)\s+)?$|^\s*expect\b.*\band\s+$");
    private static readonly Regex IsRight = Make(@"^\s*expect\b.*\bis\s+(?:not\s+)?$");
    private static readonly Regex StatementStart = Make(@"^\s*$");
    private static readonly Regex StepOnLine = Make(@"^\s*cpu\d+\s+\w+(?:\s+preempts\s+\w+)?\s*:\s*(?<step>[A-Za-z_]\w*)");
    private static readonly Regex ContinueOnLine = Make(@"^\s*cpu(?<cpu>\d+)\s+continue\b");

    // 'known failure under ptshare=rfc-v2, ': the variants a mark can name, with the mechanism typed before '=' if any.
    private static readonly Regex KnownVariants = Make(@"\bknown\s+failure\s+under\s+(?:(?:[\w.-]+\s*=\s*)?[\w.-]+\s*,\s*)*(?:(?<m>[A-Za-z_][\w.-]*)\s*=\s*)?$");
    // What a mark can follow: a whole expectation (not one ending in an operator or a keyword) or a step's result.
    private static readonly Regex MarkableLine = Make(@"^\s*(?:expect\b.*[\w)\]]|cpu\d+\s+.*->\s*\S+)\s+$");
    private static readonly Regex EndsInWord = Make(@"\b(?:expect|always|never|sometimes|and|is|not|leak|use-after-free|double-free|refcount-misuse|warn|oops|known|failure|under)\s+$");

    private static Regex Make(string pattern) => new(pattern, RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);

    public static CompletionList At(CompilationUnit unit, int offset)
    {
        var text = unit.Source.Text;
        offset = Math.Clamp(offset, 0, text.Length);
        var lineStart = LineStart(text, offset);
        // A dot is part of a variant's name (pre-5.5), and elsewhere the start of a property's field.
        var dots = KernelLine.IsMatch(text[lineStart..offset]) || text[lineStart..offset].Contains("known failure under", StringComparison.Ordinal);
        var wordStart = offset;
        while (wordStart > lineStart && IsWordChar(text[wordStart - 1], dots))
            wordStart--;
        var before = text[lineStart..wordStart];
        var replace = TextSpan.FromBounds(wordStart, offset);
        // In a comment, or in a scenario's name, nothing is proposed.
        if (before.Contains("//", StringComparison.Ordinal) || before.Count(c => c == '"') % 2 == 1)
            return new CompletionList(replace, []);
        // The line being typed rarely parses, and the parser's recovery from it may lose the rest of the scenario: the
        // scenario and its names are read from the text without that line.
        var lineEnd = offset;
        while (lineEnd < text.Length && text[lineEnd] is not ('\n' or '\r'))
            lineEnd++;
        var withoutLine = string.Concat(text.AsSpan(0, lineStart), new string(' ', lineEnd - lineStart), text.AsSpan(lineEnd));
        var scenario = Locate.ScenarioAt(SyntaxTree.Parse(SourceText.From(withoutLine, unit.Source.Path)), offset);
        var items = scenario is null
            ? StatementStart.IsMatch(before) ? [new CompletionItem("scenario", CompletionKind.Keyword, "a scenario", null, "scenario \"${1:name}\" {\n  $0\n}", IsSnippet: true)] : []
            : Items(before, text, lineStart, scenario);
        return new CompletionList(replace, [.. items]);
    }

    private static IEnumerable<CompletionItem> Items(string before, string text, int lineStart, ScenarioSyntax scenario)
    {
        var names = ScenarioNames.Of(scenario);
        Match m;
        if ((m = KnownVariants.Match(before)).Success)
            return KnownVariantItems(scenario, m.Groups["m"].Success ? m.Groups["m"].Value : null);
        if (MarkableLine.IsMatch(before) && !EndsInWord.IsMatch(before))
            return [KnownFailureKeyword()];
        if ((m = KernelVariants.Match(before)).Success)
            return KernelCatalog.Find(m.Groups["m"].Value) is { } mechanism ? Variants(mechanism, listed: !before.TrimEnd().EndsWith('=')) : [];
        if (KernelMechanism.IsMatch(before))
            return KernelCatalog.Mechanisms.Select(k => new CompletionItem(k.Name, CompletionKind.Mechanism, k.Summary, VariantList(k), k.Name));
        if (Memory.IsMatch(before))
            return [Keyword("sc", "sequential consistency"), Keyword("tso", "x86-TSO: stores wait in a store buffer (the default)")];
        if ((m = PropertyField.Match(before)).Success && !before.TrimStart().StartsWith("cpu", StringComparison.Ordinal))
            return Fields(m.Groups["obj"].Value, m.Groups["arg"].Success);
        if (Until.IsMatch(before))
            return PausePointsFor(PausedStep(before, text, lineStart));
        if (PreemptedAt.IsMatch(before))
            return KernelCatalog.PreemptionPoints.Where(p => p.Step == StepOnLine.Match(before).Groups["step"].Value).Select(Point);
        if (FailingAt.IsMatch(before))
            return KernelCatalog.FindStep(StepOnLine.Match(before).Groups["step"].Value) is { } failing
                ? failing.FaultPoints.Select(p => new CompletionItem(p, CompletionKind.PausePoint, $"{failing.Name} fails at {p}", null, p))
                : [];
        if (Finding.IsMatch(before))
            return KernelCatalog.ObjectKinds.Select(k => new CompletionItem(k.Name, CompletionKind.ObjectKind, k.Meaning, OwnerNote(KernelCatalog.OwnerOfObjectKind(k.Name)), k.Name));
        if (Arrow.IsMatch(before))
            return KernelCatalog.FindStep(StepOnLine.Match(before).Groups["step"].Value) is { } resulting ? Results(resulting) : [];
        if ((m = InsideCall.Match(before)).Success)
            return KernelCatalog.FindStep(m.Groups["step"].Value) is { } called ? Arguments(called, m.Groups["args"].Value, names) : [];
        if ((m = Operand.Match(before)).Success)
            return KernelCatalog.FindStep(m.Groups["step"].Value) is { Form: StepForm.Instruction, Parameters: [var operand, ..] } ? ArgumentValues(operand, names) : [];
        if ((m = SubjectArgument.Match(before)).Success)
            return SubjectArguments(m.Groups["obj"].Value, names, scenario);
        if ((m = StepName.Match(before)).Success)
            return Steps(inKernelContext: m.Groups["task"].Value == StepStatementSyntax.KernelContext);
        if (Preempts.IsMatch(before))
            return Tasks(names);
        if (SwitchTarget.IsMatch(before))
            return [.. Tasks(names), Keyword("idle", "leave the CPU idle")];
        if (AfterCpu.IsMatch(before))
            return [.. Tasks(names), Keyword("kernel", "a step in kernel context, with no task"), Keyword("switch", "a context switch"),
                Keyword("continue", "the step paused on this CPU goes on"), Keyword("drain", "the oldest store of the store buffer reaches memory")];
        if (ForEach.IsMatch(before))
            return names.DeclaredNames(NameKind.TaskGroup).Select(g => new CompletionItem(g, CompletionKind.Task, "a task group", null, g));
        if (ExpectStart.IsMatch(before))
            return [.. Subjects(names), .. FindingKeywords.Select(f => Keyword(f, "a finding of the object checker")),
                .. (before.TrimStart() is var t && Regex.IsMatch(t, @"^expect\s+$", RegexOptions.CultureInvariant)
                    ? new[] { "always", "never", "sometimes" }.Select(q => Keyword(q, "over the executions of an explore block")) : [])];
        if (IsRight.IsMatch(before))
            return [.. Subjects(names), Keyword("none", "no object")];
        if (StatementStart.IsMatch(before))
            return [.. StatementKeywords.Select(k => Keyword(k, null)), .. Cpus(scenario), .. scenario.Statements.Any(st => st.Span.Start < lineStart) ? [] : new[] { KnownFailureKeyword() }];
        return [];
    }

    private static CompletionItem KnownFailureKeyword() =>
        new("known failure under", CompletionKind.Keyword, "the kernel variants under which this is known to fail",
            "After an expectation, or first in a scenario for the whole of it: a documented bug kept as a regression test.", "known failure under ");

    /// <summary>
    /// After <c>known failure under</c>: every variant of the mechanisms the scenario uses, as <c>ptshare=rfc-v2</c>; after
    /// <c>ptshare=</c>, that mechanism's variants.
    /// </summary>
    private static IEnumerable<CompletionItem> KnownVariantItems(ScenarioSyntax scenario, string? typed)
    {
        if (typed is not null)
            return KernelCatalog.Find(typed) is { } mechanism ? Variants(mechanism, listed: true) : [];
        return Binding.MechanismUse.Of(scenario.Statements).Select(KernelCatalog.Find).OfType<MechanismDeclaration>()
            .SelectMany(m => m.Variants.Select(v => new CompletionItem($"{m.Name}={v.Name}", CompletionKind.Variant,
                $"{m.Name} variant{(v.Name == m.Default ? " (default)" : "")}", v.Models, $"{m.Name}={v.Name}")));
    }

    private static bool IsWordChar(char c, bool dots) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '#' || (dots && c == '.');

    private static int LineStart(string text, int offset)
    {
        var i = offset;
        while (i > 0 && text[i - 1] is not ('\n' or '\r'))
            i--;
        return i;
    }

    private static CompletionItem Keyword(string word, string? detail) => new(word, CompletionKind.Keyword, detail, null, word);

    private static string? OwnerNote(MechanismDeclaration? owner) => owner is null ? "the shared kernel" : $"mechanism `{owner.Name}`";

    /// <summary>A mechanism's variants as a Markdown list: each name and the code it models.</summary>
    internal static string VariantList(MechanismDeclaration mechanism) =>
        string.Concat(mechanism.Variants.Select(v => $"- `{v.Name}`{(v.Name == mechanism.Default ? " (default)" : "")}: {v.Models}\n"));

    private static IEnumerable<CompletionItem> Variants(MechanismDeclaration mechanism, bool listed)
    {
        var items = mechanism.Variants.Select(v => new CompletionItem(v.Name, CompletionKind.Variant,
            $"{mechanism.Name} variant{(v.Name == mechanism.Default ? " (default)" : "")}", v.Models, v.Name));
        return listed ? items : [.. items, new CompletionItem("*", CompletionKind.Variant, $"every variant of {mechanism.Name}: a matrix", null, "*")];
    }

    private static IEnumerable<CompletionItem> Fields(string obj, bool withArgument) =>
        KernelCatalog.Properties
            .Where(p => p.Object == obj && p.Field is not null && (p.Argument != PropertyArgument.None) == withArgument)
            .Select(p => new CompletionItem(p.Field!, CompletionKind.Property, $"{p.Display}: {TypeName(p)}", $"{p.Meaning}\n\n{OwnerNote(KernelCatalog.OwnerOf(p))}", p.Field!));

    internal static string TypeName(PropertyDeclaration property) => property.Type switch
    {
        PropertyType.Name => string.Join(" | ", property.Names),
        var type => type.ToString().ToLowerInvariant(),
    };

    private static IEnumerable<CompletionItem> Subjects(ScenarioNames names)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in KernelCatalog.Properties)
        {
            if (!seen.Add(property.Object))
                continue;
            var insert = property.Argument switch
            {
                PropertyArgument.Cpu => property.Object + "(${1:cpu0})",
                PropertyArgument.Task => property.Object + "(${1:TASK})",
                PropertyArgument.File => property.Object + "(${1:FILE})",
                _ => property.Object,
            };
            var all = KernelCatalog.Properties.Where(p => p.Object == property.Object).Select(p => $"- `{p.Display}`: {p.Meaning}\n");
            yield return new CompletionItem(property.Object, CompletionKind.Property, property.Display, string.Concat(all), insert, IsSnippet: insert != property.Object);
        }
        foreach (var register in names.DeclaredNames(NameKind.Register))
            yield return new CompletionItem(register, CompletionKind.Name, "a register", null, register);
        foreach (var word in names.DeclaredNames(NameKind.SharedWord))
            yield return new CompletionItem(word, CompletionKind.Name, "a shared word", null, word);
    }

    private static IEnumerable<CompletionItem> Tasks(ScenarioNames names) =>
        names.DeclaredNames(NameKind.Task).Select(t => new CompletionItem(t, CompletionKind.Task, "a task", null, t));

    private static IEnumerable<CompletionItem> Cpus(ScenarioSyntax scenario)
    {
        var count = scenario.Statements.OfType<CpusStatementSyntax>().Select(c => c.Count.Value).FirstOrDefault() is { } n and >= 1 and <= 64 ? (int)n : 1;
        return Enumerable.Range(0, count).Select(i => new CompletionItem("cpu" + i.ToString(CultureInfo.InvariantCulture), CompletionKind.Cpu, "a CPU", null, "cpu" + i.ToString(CultureInfo.InvariantCulture)));
    }

    private static IEnumerable<CompletionItem> SubjectArguments(string obj, ScenarioNames names, ScenarioSyntax scenario) =>
        KernelCatalog.Properties.FirstOrDefault(p => p.Object == obj)?.Argument switch
        {
            PropertyArgument.Cpu => Cpus(scenario),
            PropertyArgument.Task => Tasks(names),
            PropertyArgument.File => names.DeclaredNames(NameKind.File).Select(f => new CompletionItem(f, CompletionKind.Name, "a file", null, f)),
            _ => [],
        };

    private static IEnumerable<CompletionItem> Steps(bool inKernelContext) =>
        KernelCatalog.Steps.Where(s => !inKernelContext || s.RunsWithoutTask).Select(StepItem);

    internal static CompletionItem StepItem(StepDeclaration step) =>
        new(step.Name, CompletionKind.Step, step.Signature, $"{step.Models}\n\n{OwnerNote(KernelCatalog.OwnerOf(step))}", Snippet(step), IsSnippet: true);

    /// <summary>The step as a snippet: its required parameters as placeholders, and the name its result binds.</summary>
    public static string Snippet(StepDeclaration step)
    {
        var b = new StringBuilder(step.Name);
        var parameters = step.Parameters.Take(step.Required).Select((p, i) => $"${{{i + 1}:{Placeholder(p)}}}").ToList();
        if (parameters.Count > 0)
            b.Append(step.Form == StepForm.Call ? $"({string.Join(", ", parameters)})" : " " + string.Join(" = ", parameters));
        var next = parameters.Count + 1;
        var bound = step.Result switch
        {
            ResultKind.NewTask => "CHILD",
            ResultKind.NewArea => "AREA",
            ResultKind.Register => "r0",
            _ => null,
        };
        if (bound is not null)
            b.Append($" -> ${{{next}:{bound}}}");
        return b.ToString();
    }

    private static string Placeholder(ParameterDeclaration parameter) => parameter.Kind switch
    {
        ParameterKind.Switch => "on",
        ParameterKind.File => "file",
        ParameterKind.SharedWord => "x",
        ParameterKind.Area => "AREA",
        ParameterKind.Flags => parameter.Flags.Count > 0 ? parameter.Flags.NameAt(0) : parameter.Name,
        ParameterKind.Number or ParameterKind.Address => parameter.Name,
        _ => throw new ArgumentOutOfRangeException(nameof(parameter), parameter.Kind, "a parameter kind with no placeholder"),
    };

    private static IEnumerable<CompletionItem> Arguments(StepDeclaration step, string written, ScenarioNames names)
    {
        var index = written.Count(c => c == ',');
        return index < step.Parameters.Count ? ArgumentValues(step.Parameters[index], names) : [];
    }

    private static IEnumerable<CompletionItem> ArgumentValues(ParameterDeclaration parameter, ScenarioNames names) => parameter.Kind switch
    {
        ParameterKind.Flags => Enumerable.Range(0, parameter.Flags.Count).Select(i => new CompletionItem(parameter.Flags.NameAt(i), CompletionKind.Flag,
            string.Create(CultureInfo.InvariantCulture, $"{parameter.Name}: 0x{parameter.Flags.ValueAt(i):x}"), null, parameter.Flags.NameAt(i))),
        ParameterKind.Switch => [Keyword("on", parameter.Name), Keyword("off", parameter.Name)],
        ParameterKind.File => [.. names.DeclaredNames(NameKind.File).Select(f => new CompletionItem(f, CompletionKind.Name, "a file", null, f)),
            new CompletionItem("-1", CompletionKind.Keyword, "no file", null, "-1")],
        ParameterKind.SharedWord => names.DeclaredNames(NameKind.SharedWord).Select(w => new CompletionItem(w, CompletionKind.Name, "a shared word", null, w)),
        ParameterKind.Area => names.DeclaredNames(NameKind.Area).Select(a => new CompletionItem(a, CompletionKind.Name, "a vmalloc area", null, a)),
        ParameterKind.Number or ParameterKind.Address => [],
        _ => throw new ArgumentOutOfRangeException(nameof(parameter), parameter.Kind, "a parameter kind with no values"),
    };

    /// <summary>What <c>-&gt;</c> can say after the step, by its result kind.</summary>
    private static IEnumerable<CompletionItem> Results(StepDeclaration step)
    {
        IEnumerable<CompletionItem> Errnos() => Enum.GetNames<Errno>().Select(e => new CompletionItem(e, CompletionKind.Result, "an error", null, e));
        return step.Result switch
        {
            ResultKind.ReturnValue or ResultKind.Status => [new CompletionItem("0", CompletionKind.Result, "success", null, "0"), .. Errnos()],
            ResultKind.Address => Errnos(),
            ResultKind.Fault => [new CompletionItem("ok", CompletionKind.Result, "no fault", null, "ok"),
                new CompletionItem(FaultName(step.Fault), CompletionKind.Result, $"the fault {step.Name} raises", null, FaultName(step.Fault))],
            ResultKind.NewTask => [new CompletionItem("CHILD", CompletionKind.Result, "the name of the task it creates", null, "CHILD"), .. Errnos()],
            ResultKind.NewArea => [new CompletionItem("AREA", CompletionKind.Result, "the name of the area it creates", null, "AREA")],
            ResultKind.Register => [new CompletionItem("r0", CompletionKind.Result, "the register the value goes to", null, "r0")],
            ResultKind.Eflags => [new CompletionItem("0x202", CompletionKind.Result, "EFLAGS as user mode sees it (IF set)", null, "0x202")],
            ResultKind.None or ResultKind.NoReturn => [],
            _ => throw new ArgumentOutOfRangeException(nameof(step), step.Result, "a result kind with no completion"),
        };
    }

    /// <summary>How a fault is written after '->': <c>#GP</c>, <c>#PF</c>.</summary>
    public static string FaultName(Outcome? fault) => fault?.ToString() ?? throw new ArgumentException("a fault step declares its fault", nameof(fault));

    private static CompletionItem Point(PausePoint point)
    {
        var label = point.Indexed ? point.Name + "[N]" : point.Name;
        return new CompletionItem(label, CompletionKind.PausePoint, point.Description, null, point.Indexed ? point.Name + "[${1:0}]" : point.Name, IsSnippet: point.Indexed);
    }

    private static IEnumerable<CompletionItem> PausePointsFor(string? step) =>
        step is null
            ? []
            : [.. PausePoints.Of(step).Select(Point), new CompletionItem(PausePoints.Return, CompletionKind.PausePoint,
                "the body has run, the step has not returned: its stores are still buffered", null, PausePoints.Return)];

    /// <summary>The step an <c>until</c> pauses: the step on this line, or, after <c>cpuN continue</c>, the last step that CPU paused.</summary>
    private static string? PausedStep(string before, string text, int lineStart)
    {
        if (StepOnLine.Match(before) is { Success: true } own)
            return own.Groups["step"].Value;
        if (ContinueOnLine.Match(before) is not { Success: true } resumed)
            return null;
        var cpu = Make($@"^\s*cpu{resumed.Groups["cpu"].Value}\s+\w+(?:\s+preempts\s+\w+)?\s*:\s*(?<step>[A-Za-z_]\w*).*\buntil\b");
        var lines = text[..lineStart].Split('\n');
        return lines.Reverse().Select(l => cpu.Match(l)).FirstOrDefault(x => x.Success)?.Groups["step"].Value;
    }
}

/// <summary>Where a position is in a file's syntax.</summary>
internal static class Locate
{
    /// <summary>
    /// The scenario whose text holds <paramref name="offset"/>. A line being typed may make the parser end a scenario
    /// early (or never): then the last scenario starting before the offset, if its braces are still open there.
    /// </summary>
    public static ScenarioSyntax? ScenarioAt(SyntaxTree tree, int offset)
    {
        if (tree.Root.Scenarios.FirstOrDefault(s => s.Span.Start < offset && offset < s.Span.End) is { } within)
            return within;
        var last = tree.Root.Scenarios.LastOrDefault(s => s.Span.Start < offset);
        return last is not null && OpenBraces(tree.Source.Text, last.Span.Start, offset) > 0 ? last : null;
    }

    /// <summary>The braces opened and not closed between two offsets, outside comments and strings.</summary>
    private static int OpenBraces(string text, int from, int to)
    {
        var depth = 0;
        for (var i = from; i < to; i++)
        {
            switch (text[i])
            {
                case '/' when i + 1 < to && text[i + 1] == '/':
                    while (i < to && text[i] is not ('\n' or '\r'))
                        i++;
                    break;
                case '/' when i + 1 < to && text[i + 1] == '*':
                    var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                    i = end < 0 || end >= to ? to : end + 1;
                    break;
                case '"':
                    for (i++; i < to && text[i] is not ('"' or '\n' or '\r'); i++)
                    {
                        if (text[i] == '\\')
                            i++;
                    }
                    break;
                case '{':
                    depth++;
                    break;
                case '}':
                    depth--;
                    break;
            }
        }
        return depth;
    }
}
