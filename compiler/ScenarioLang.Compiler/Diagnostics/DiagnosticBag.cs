using System.Collections;
using System.Collections.Immutable;
using System.Globalization;
using ScenarioLang.Compiler.Text;

namespace ScenarioLang.Compiler.Diagnostics;

/// <summary>
/// Collects the diagnostics of one source. One method per message, each with its stable code:
/// KSC00xx for syntax, KSC01xx for declarations and settings, KSC02xx for steps and the schedule,
/// KSC03xx for expectations. docs/language.md lists them all.
/// </summary>
public sealed class DiagnosticBag(SourceText source) : IEnumerable<Diagnostic>
{
    private readonly List<Diagnostic> _diagnostics = [];

    public bool HasErrors => ErrorCount > 0;

    public int ErrorCount { get; private set; }

    public IEnumerator<Diagnostic> GetEnumerator() => _diagnostics.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The most errors a file reports; KSC0006 says how many more there were.</summary>
    public const int MaxErrorsPerFile = 100;

    /// <summary>
    /// A file's diagnostics, in order, cut after <see cref="MaxErrorsPerFile"/> errors: the rest are counted in one KSC0006
    /// at the first one left out, so that a garbled file cannot print without bound.
    /// </summary>
    public static ImmutableArray<Diagnostic> Capped(SourceText source, IEnumerable<Diagnostic> ordered)
    {
        var kept = ImmutableArray.CreateBuilder<Diagnostic>();
        var errors = 0;
        Diagnostic? firstLeftOut = null;
        var leftOut = 0;
        foreach (var diagnostic in ordered)
        {
            if (diagnostic.IsError && errors == MaxErrorsPerFile)
            {
                firstLeftOut ??= diagnostic;
                leftOut++;
                continue;
            }
            if (firstLeftOut is not null)
                continue;
            errors += diagnostic.IsError ? 1 : 0;
            kept.Add(diagnostic);
        }
        if (firstLeftOut is not null)
            kept.Add(MoreErrors(source, firstLeftOut.Span, leftOut, MaxErrorsPerFile));
        return kept.ToImmutable();
    }

    /// <summary><paramref name="closest"/>: the spelling a "did you mean" names, which becomes the diagnostic's fix of the span.</summary>
    private void Error(string code, TextSpan span, string message, string? closest = null, TextSpan? replaced = null)
    {
        _diagnostics.Add(new Diagnostic(code, DiagnosticSeverity.Error, message, source, span)
        {
            Fix = closest is null ? null : new DiagnosticFix(replaced ?? span, closest),
        });
        ErrorCount++;
    }

    // Syntax: KSC00xx

    /// <summary>A close spelling replaces the list of what was expected: the one word the writer meant, not twenty.</summary>
    public void ReportUnexpectedToken(TextSpan span, string found, string expected, string? closest = null) =>
        Error("KSC0001", span, closest is null ? $"expected {expected}, found {found}" : $"unexpected {found}; did you mean '{closest}'?", closest);

    public void ReportUnterminatedString(TextSpan span) =>
        Error("KSC0002", span, "unterminated string: a string ends with '\"' on the same line");

    /// <summary><paramref name="replaced"/>: what <paramref name="closest"/> would replace, when more than the character ('#gp').</summary>
    public void ReportUnexpectedCharacter(TextSpan span, string character, string? closest = null, TextSpan? replaced = null) =>
        Error("KSC0003", span, $"unexpected character '{character}'" + (closest is null ? "" : $"; did you mean '{closest}'?"), closest, replaced);

    public void ReportNumberTooLarge(TextSpan span, string text) =>
        Error("KSC0004", span, $"the number {text} does not fit in 64 bits");

    public void ReportNestingTooDeep(TextSpan span, int max) =>
        Error("KSC0005", span, $"blocks nest too deep here: repeat and explore blocks nest at most {max} levels inside a scenario");

    /// <summary>Closes a file's diagnostics once <paramref name="shown"/> errors are printed, so a garbled file cannot flood the output.</summary>
    public static Diagnostic MoreErrors(SourceText source, TextSpan span, int more, int shown) =>
        new("KSC0006", DiagnosticSeverity.Error, $"{more} more {(more == 1 ? "error" : "errors")} in this file not shown: only the first {shown} are; fix those and check again", source, span);

    public void ReportGroupSizeOutOfRange(TextSpan span, string text, int max) =>
        Error("KSC0007", span, $"a task group has 1 to {max.ToString("N0", CultureInfo.InvariantCulture)} members, not {text}");

    public void ReportNotAGroup(TextSpan span, string name, bool isTask, IEnumerable<string> groups) =>
        Error("KSC0008", span, (isTask ? $"{name} is one task, not a group: " : $"no task group named {name}; ")
            + (Spelling.Closest(name, groups) is { } closest ? $"did you mean '{closest}'?" : $"'for each' runs through a group declared as 'task {name}[N] user'"),
            Spelling.Closest(name, groups));

    // Declarations and settings: KSC01xx

    public void ReportDuplicateScenario(TextSpan span, string name) =>
        Error("KSC0101", span, $"a scenario named \"{name}\" is already defined in this file");

    public void ReportUnknownMechanism(TextSpan span, string name, IEnumerable<string> known) =>
        Error("KSC0102", span, $"unknown kernel mechanism '{name}'; {Spelling.Suggest(name, [.. known], "known mechanisms:")}", Spelling.Closest(name, known));

    public void ReportUnknownVariant(TextSpan span, string mechanism, string name, IEnumerable<string> known) =>
        Error("KSC0103", span, $"'{name}' is not a variant of {mechanism}; {Spelling.Suggest(name, [.. known], "choose one of")}", Spelling.Closest(name, known));

    public void ReportDuplicateSetting(TextSpan span, string setting) =>
        Error("KSC0104", span, $"{setting} is set more than once in this scenario");

    public void ReportCpuCountOutOfRange(TextSpan span, string text, int max) =>
        Error("KSC0105", span, $"cpus must be between 1 and {max}, not {text}");

    public void ReportUnknownMemoryModel(TextSpan span, string name) =>
        Error("KSC0106", span, $"unknown memory model '{name}'; choose sc or tso");

    public void ReportDuplicateTask(TextSpan span, string name) =>
        Error("KSC0107", span, $"a task named {name} already exists in this scenario");

    public void ReportUndefinedTask(TextSpan span, string name, IEnumerable<string> known) =>
        Error("KSC0108", span, Spelling.Closest(name, known) is { } closest
            ? $"no task named {name}; did you mean '{closest}'?"
            : $"no task named {name}; declare it with 'task {name} root' or create it with 'fork -> {name}'",
            Spelling.Closest(name, known));

    public void ReportInvalidTaskName(TextSpan span, string name) =>
        Error("KSC0109", span, $"'{name}' cannot name a task: task names are letters, digits and '_'");

    public void ReportNotRepeatable(TextSpan span, string statement) =>
        Error("KSC0110", span, $"{statement} cannot appear inside repeat: it describes the scenario, not a step; move it before the repeat");

    public void ReportDuplicateName(TextSpan span, string kind, string name) =>
        Error("KSC0111", span, $"a {kind} named {name} already exists in this scenario");

    public void ReportUndefinedSharedWord(TextSpan span, string name) =>
        Error("KSC0112", span, $"no shared word named {name}; declare it with 'shared {name}'");

    public void ReportUndefinedFile(TextSpan span, string name) =>
        Error("KSC0113", span, $"no file named {name}; declare it with 'file {name} = 4 MiB'");

    public void ReportUnknownFileSystem(TextSpan span, string name) =>
        Error("KSC0114", span, $"'{name}' is not a file system a file can be on: write 'hugetlbfs' after the size, or nothing for an ordinary file");

    public void ReportFileSizeOutOfRange(TextSpan span, string text) =>
        Error("KSC0115", span, $"a file's size must be from 1 byte to 2^63 - 1 bytes, not {text}");

    public void ReportVariantListedTwice(TextSpan span, string mechanism, string variant) =>
        Error("KSC0116", span, $"kernel {mechanism} lists '{variant}' twice");

    // Steps and the schedule: KSC02xx

    public void ReportCpuOutOfRange(TextSpan span, int cpu, int cpus) =>
        Error("KSC0201", span, $"cpu{cpu} does not exist: this machine has {(cpus == 1 ? "only cpu0" : $"cpu0 to cpu{cpus - 1}")}");

    public void ReportTaskNotCurrent(TextSpan span, string task, int cpu, string current) =>
        Error("KSC0202", span, $"{task} is not running on cpu{cpu} ({current} is); add 'cpu{cpu} switch {task}' before this step");

    public void ReportTaskOnOtherCpu(TextSpan span, string task, int cpu) =>
        Error("KSC0203", span, $"{task} is running on cpu{cpu}; switch cpu{cpu} to another task first");

    public void ReportTaskExited(TextSpan span, string task, int line) =>
        Error("KSC0204", span, $"{task} exited on line {line} and can no longer run");

    public void ReportWrongArgumentCount(TextSpan span, string call, string signature) =>
        Error("KSC0205", span, $"{call} takes {signature}");

    public void ReportArgumentKind(TextSpan span, string call, string parameter, string expected) =>
        Error("KSC0206", span, $"the {parameter} of {call} must be {expected}");

    public void ReportValueOutOfRange(TextSpan span, string call, string parameter, string text, string range) =>
        Error("KSC0207", span, $"{text} is out of range for the {parameter} of {call}: {range}");

    public void ReportResultDoesNotFit(TextSpan span, string action, string result, string allowed) =>
        Error("KSC0208", span, $"{action} cannot result in {result}; it results in {allowed}");

    public void ReportUnknownErrno(TextSpan span, string name, IEnumerable<string> known) =>
        Error("KSC0209", span, $"unknown error '{name}'; {Spelling.Suggest(name, [.. known], "the modelled syscalls return")}", Spelling.Closest(name, known));

    public void ReportForkNeedsChild(TextSpan span, string call) =>
        Error("KSC0210", span, $"{call} names the child it creates: write '{call} -> NAME'");

    public void ReportSwitchToCurrent(TextSpan span, string task, int cpu) =>
        Error("KSC0211", span, $"cpu{cpu} already runs {task}");

    public void ReportModifierNotAllowed(TextSpan span, string call, string modifier, string allowed) =>
        Error("KSC0212", span, $"{call} cannot be {modifier}: only {allowed} can");

    public void ReportUnknownPoint(TextSpan span, string call, string modifier, string point, IEnumerable<string> known) =>
        Error("KSC0213", span, $"'{point}' is not a point {call} can be {modifier} at; {Spelling.Suggest(point, [.. known], "its points are")}", Spelling.Closest(point, known));

    public void ReportTaskPreempted(TextSpan span, string task, string call, int line) =>
        Error("KSC0214", span, $"{task} is preempted inside {call} (line {line}); switch to {task} so the syscall can finish first");

    public void ReportPreemptedAtEnd(TextSpan span, string task, string call, int line) =>
        Error("KSC0215", span, $"{task} is still preempted inside {call} (line {line}) when the scenario ends; switch to {task} so the syscall can finish");

    public void ReportRepeatCountOutOfRange(TextSpan span, string text, int max) =>
        Error("KSC0216", span, $"repeat takes a count from 1 to {max}, not {text}");

    public void ReportCreatesTaskInRepeat(TextSpan span, string call) =>
        Error("KSC0217", span, $"{call} cannot be repeated: every task it creates needs a name of its own");

    public void ReportRepeatCannotContinue(TextSpan span, string reason) =>
        Error("KSC0218", span, $"the body of this repeat cannot run a second time: {reason}");

    public void ReportNeedsTask(TextSpan span, string action) =>
        Error("KSC0219", span, $"{action} runs in a task: write 'cpuN TASK: {action}', not 'kernel'");

    public void ReportCpuPaused(TextSpan span, int cpu, string call, int line) =>
        Error("KSC0220", span, $"cpu{cpu} is paused inside {call} (line {line}); write 'cpu{cpu} continue' first");

    public void ReportNothingToContinue(TextSpan span, int cpu) =>
        Error("KSC0221", span, $"cpu{cpu} has no paused step to continue");

    public void ReportPausedAtEnd(TextSpan span, int cpu, string call, int line) =>
        Error("KSC0222", span, $"cpu{cpu}'s {call} (line {line}) is still paused when the scenario ends; add 'cpu{cpu} continue'");

    public void ReportNotInExplore(TextSpan span, string what, string reason) =>
        Error("KSC0223", span, $"{what} cannot appear in an explore block: {reason}");

    public void ReportExploreMisplaced(TextSpan span, string reason) =>
        Error("KSC0224", span, $"this explore block cannot be here: {reason}");

    public void ReportAfterExplore(TextSpan span, string statement) =>
        Error("KSC0225", span, $"{statement} cannot follow an explore block: every execution ends there; only 'expect always|never|sometimes …' can");

    public void ReportExploreProgram(TextSpan span, string reason) =>
        Error("KSC0226", span, $"in an explore block {reason}");

    public void ReportNeedsRegister(TextSpan span, string mnemonic) =>
        Error("KSC0227", span, $"{mnemonic} names the register it reads into: write '{mnemonic} x -> r0'");

    public void ReportUndefinedArea(TextSpan span, string name) =>
        Error("KSC0228", span, $"no vmalloc area named {name}; create it with 'vmalloc(4 MiB) -> {name}'");

    public void ReportTaskUnborn(TextSpan span, string task, int cpu, int line) =>
        Error("KSC0229", span, $"{task} does not exist until cpu{cpu}'s fork (line {line}) returns; 'cpu{cpu} continue' first");

    public void ReportDrainCountOutOfRange(TextSpan span, string text, int max) =>
        Error("KSC0230", span, $"drain takes a count from 1 to {max}, not {text}");

    public void ReportUnknownFlag(TextSpan span, string call, string parameter, string name, IEnumerable<string> known) =>
        Error("KSC0231", span, $"'{name}' is not a name the {parameter} of {call} takes; " + (Spelling.Closest(name, known) is { } closest
            ? $"did you mean '{closest}'?"
            : $"it takes {string.Join(", ", known)}, joined by '|'"), Spelling.Closest(name, known));

    public void ReportNegativeArgument(TextSpan span, string call, string text) =>
        Error("KSC0232", span, $"{call} takes no negative number here ({text}); the only one is -1 as the file of mmap (no file)");

    public void ReportResultUnborn(TextSpan span, string kind, string name, int cpu, string call, int line) =>
        Error("KSC0233", span, $"{kind} {name} does not exist until cpu{cpu}'s {call} (line {line}) returns; 'cpu{cpu} continue' first");

    public void ReportExecWithThreadInKernel(TextSpan span, string task, string thread, string where, string fix) =>
        Error("KSC0234", span, $"{task} cannot exec while its thread {thread} {where}: de_thread() would kill it inside the kernel; {fix} first");

    public void ReportWrongFault(TextSpan span, string action, string named, string fault, string why) =>
        Error("KSC0235", span, $"{action} gives ok or {fault}, not {named}: {why}");

    public void ReportExploredExecWithThreads(TextSpan span, string task, string thread) =>
        Error("KSC0237", span, $"{task} cannot exec in an explore block while its thread {thread} lives: de_thread() would kill {thread} while the explorer runs it; let {thread} exit before the block");

    public void ReportTooManySteps(TextSpan span, long max) =>
        Error("KSC0236", span, $"with this statement the scenario runs more than {max.ToString("N0", CultureInfo.InvariantCulture)} steps, counting every iteration of its repeats and a step per page of a read, write or vmalloc; lower a repeat count or a size");

    public void ReportPreemptsOutsideExplore(TextSpan span, string task, string preempted) =>
        Error("KSC0238", span, $"'{task} preempts {preempted}' lets the explorer choose where {preempted} is preempted, so it belongs in an explore block; in an explicit schedule write '… preempted at POINT', then 'switch {task}'");

    public void ReportPreemptedNotRunning(TextSpan span, string task, string preempted, int cpu, string? runner) =>
        Error("KSC0239", span, runner is null
            ? $"{task} preempts {preempted}, but cpu{cpu} has no program yet: write {preempted}'s steps on cpu{cpu} before those of {task}"
            : $"{task} preempts {preempted}, but cpu{cpu} runs {runner} in this block; write '{task} preempts {runner}'");

    public void ReportPreemptingTask(TextSpan span, string task, int cpu, string reason) =>
        Error("KSC0240", span, $"{task} cannot preempt a task on cpu{cpu}: {reason}");

    public void ReportPreemptionChangesTask(TextSpan span, string call, string task, string why) =>
        Error("KSC0241", span, $"{task} cannot {call} in this block: {why}");

    // Known-failure marks (known failure under ptshare=rfc-v2): from KSC0242

    public void ReportKnownFailureWithoutExpectation(TextSpan span, string step) =>
        Error("KSC0242", span, $"'{step}' states no result, so nothing in it can fail as marked: write its expected result ('-> …') before 'known failure', or put the mark first in the scenario for the whole of it");

    public void ReportKnownFailureOfUnusedMechanism(TextSpan span, string mechanism, IReadOnlyList<string> used) =>
        Error("KSC0243", span, $"this scenario does not use {mechanism}, so its variant cannot make it fail: the mark is pointless; " +
            (used.Count == 0 ? "it uses no kernel mechanism" : $"it uses {string.Join(", ", used)}"));

    public void ReportKnownFailureInRepeat(TextSpan span, string block) =>
        Error("KSC0244", span, $"an expectation inside '{block}' is judged once per iteration: mark the whole scenario instead (the mark first in its body)");

    public void ReportKnownVariantTwice(TextSpan span, string variant) =>
        Error("KSC0245", span, $"this mark names {variant} twice");

    public void ReportKnownVariantWithoutMechanism(TextSpan span, string variant, string? mechanism) =>
        Error("KSC0246", span, mechanism is null
            ? $"name the mechanism '{variant}' is a variant of: write 'MECHANISM={variant}'"
            : $"name the mechanism '{variant}' is a variant of: write '{mechanism}={variant}'", mechanism is null ? null : $"{mechanism}={variant}");

    public void ReportKnownFailureUnderMarkedScenario(TextSpan span, string variant, int line) =>
        Error("KSC0247", span, $"the whole scenario is a known failure under {variant} (line {line}), so this mark is pointless: remove one of them");

    // Expectations: KSC03xx

    /// <summary><paramref name="hint"/>: the closest property, or those of the object named, or where the docs list them all.</summary>
    /// <summary><paramref name="closest"/>: the object or field the hint's "did you mean" changes, at <paramref name="replaced"/>.</summary>
    public void ReportUnknownProperty(TextSpan span, string property, string hint, string? closest = null, TextSpan? replaced = null) =>
        Error("KSC0301", span, $"unknown property '{property}'; {hint}", closest, replaced);

    public void ReportPropertyArgument(TextSpan span, string property, string expected) =>
        Error("KSC0302", span, $"{property} takes {expected}");

    public void ReportValueDoesNotFit(TextSpan span, string property, string expected) =>
        Error("KSC0303", span, $"{property} is compared with {expected}");

    public void ReportOperatorNotAllowed(TextSpan span, string op, string property) =>
        Error("KSC0304", span, $"'{op}' does not apply to {property}; use == or !=");

    public void ReportNotAnObject(TextSpan span, string property) =>
        Error("KSC0305", span, $"{property} is a value, not a kernel object: compare it with ==, not 'is'");

    public void ReportUnquantifiedAfterExplore(TextSpan span, string expectation) =>
        Error("KSC0306", span, $"'{expectation}' follows an explore block: say over which executions, with 'expect always', 'expect never' or 'expect sometimes'");

    public void ReportPropertyIndex(TextSpan span, string property, string display) =>
        Error("KSC0307", span, $"{property} is written {display}");

    public void ReportFindingsMixed(TextSpan span, string condition) =>
        Error("KSC0308", span, $"'{condition}' cannot share an expectation with findings: findings are judged when the scenario ends, other conditions where they are written; write two expectations");

    public void ReportUnknownObjectKind(TextSpan span, string name, IEnumerable<string> known) =>
        Error("KSC0309", span, $"the object checker tracks no objects of kind '{name}'; {Spelling.Suggest(name, [.. known], "it tracks")}", Spelling.Closest(name, known));

    public void ReportPropertyIndexKind(TextSpan span, string display, string expected) =>
        Error("KSC0310", span, $"{display} is indexed by {expected}");

    public void ReportTaskHasNoMm(TextSpan span, string property, string task, int line) =>
        Error("KSC0311", span, $"{property} reads {task}'s mm, but {task} exited on line {line} and has none (exit_mm() cleared it)");

    public void ReportSubjectsOfDifferentTypes(TextSpan span, string left, string leftType, string right, string rightType) =>
        Error("KSC0312", span, $"{left} is {leftType} and {right} is {rightType}: the two sides of a comparison must be of one kind");

    public void ReportAlternativeTwice(TextSpan span, string call, string written, string outcome) =>
        Error("KSC0313", span, $"{call} already lists the result {outcome}" + (written == outcome ? "" : $" ({written} is the same result)") + ": write each alternative once");

    public void ReportGroupIsNotATask(TextSpan span, string group, int count) =>
        Error("KSC0314", span, $"{group} is a group of {count.ToString("N0", CultureInfo.InvariantCulture)} tasks, not one task: name a member ({group}0 to {group}{count - 1}), or write the step inside 'for each {group} {{ … }}'");

    public void ReportForEachCannotRun(TextSpan span, string group, string member, string reason) =>
        Error("KSC0315", span, $"the body of this for each {group} cannot run for {member}: {reason}");

    public void ReportUnknownStep(TextSpan span, string name, IEnumerable<string> known) =>
        Error("KSC0316", span, $"unknown step '{name}'; {Spelling.Suggest(name, [.. known], "the steps are")}", Spelling.Closest(name, known));

    public void ReportWrongStepForm(TextSpan span, string step, string form, string signature) =>
        Error("KSC0317", span, $"{step} is {form}: write {signature}");
}
