using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Exploration;

/// <summary>
/// The whole state a run ended in, as lines <c>path = value</c>, for <see cref="IndependenceVerifier"/> to compare two
/// runs that should end alike: everything reachable from the run (the machine's words, buffers, the kernel's objects
/// and their fields, private ones included, since what matters is the state tracked storage does not show), the step
/// outcomes of the explore block and what the expectations after it observed.
/// </summary>
/// <remarks>
/// The walk is by reflection over instance fields, in a fixed order (base class first, fields by name), so the same
/// state gives the same lines. An object is named by the first path that reaches it; a later reference prints that
/// path, so cycles end. Dictionaries and sets are walked in key order; the kernel log and the findings, which
/// independent events add to in either order, as sorted multisets. Left out: the <see cref="StateTracker"/>, delegates
/// and compiler-generated objects (iterators of paths, closures), the trace and the explorer's own records, and the
/// fields kept to rewind the machine (<see cref="BookkeepingAttribute"/>).
/// </remarks>
internal sealed class StateSnapshot
{
    private static readonly ConcurrentDictionary<Type, FieldInfo[]> FieldsOf = new();
    private static readonly ConcurrentDictionary<Type, bool> NamedTypes = new();
    private static readonly ConcurrentDictionary<Type, object> Defaults = new();

    // The explorer's bookkeeping and the trace, reachable from the run but no part of the machine's state.
    private static readonly Type[] Skipped =
        [typeof(StateTracker), typeof(Delegate), typeof(ExecutionDriver), typeof(ExecutionRecord), typeof(TraceEntry), typeof(ScenarioDescription), typeof(KernelConfig)];

    private readonly List<Line> _lines = [];
    private readonly Dictionary<object, string> _seen = new(ReferenceEqualityComparer.Instance);

    private StateSnapshot()
    {
    }

    /// <summary>The state <paramref name="run"/> ended in, with its explore block's <paramref name="record"/> and the run's <paramref name="result"/>.</summary>
    public static StateSnapshot Of(ScenarioRun run, ExecutionRecord record, ScenarioResult result)
    {
        var snapshot = new StateSnapshot();
        snapshot.Walk(run, "run", Owner.Root);
        // Judged as the steps returned, which independent events reorder: by the step's place in the file.
        foreach (var judgment in record.Programs.Judgments.OrderBy(j => j.Step.Line).ThenBy(j => j.Step.Column))
            snapshot.Emit($"judgment {judgment.Step.Line}:{judgment.Step.Column}", $"{judgment.Satisfied} {judgment.Detail}", Owner.Root);
        snapshot.Emit("observed", record.State(run.Machine.Memory), Owner.Root);
        foreach (var entry in result.Entries.Skip(record.ExploreEntry + 1))
            snapshot.Emit($"after {entry.Step.Line}:{entry.Step.Column}", $"{entry.Verdict} {entry.Failure}", Owner.Root);
        return snapshot;
    }

    public int Count => _lines.Count;

    /// <summary>
    /// The first line where <paramref name="other"/> differs, as <c>TaskStruct C: _foo 0 -> 1</c> (this state's value,
    /// then the other's), or null when the two are the same.
    /// </summary>
    public string? FirstDifference(StateSnapshot other)
    {
        for (var i = 0; i < Math.Max(_lines.Count, other._lines.Count); i++)
        {
            if (i >= _lines.Count)
                return $"{other._lines[i].Where} = {other._lines[i].Value} is new";
            if (i >= other._lines.Count)
                return $"{_lines[i].Where} = {_lines[i].Value} is gone";
            var (mine, theirs) = (_lines[i], other._lines[i]);
            if (mine.Path == theirs.Path && mine.Value != theirs.Value)
                return $"{mine.Where} {mine.Value} -> {theirs.Value}";
            if (mine.Path != theirs.Path)
                return $"{mine.Where} = {mine.Value}, instead {theirs.Where} = {theirs.Value}";
        }
        return null;
    }

    /// <param name="unordered">The value is a field of an object whose collections independent events add to in either order.</param>
    private void Walk(object? value, string path, Owner owner, bool unordered = false)
    {
        if (value is null)
        {
            Emit(path, "null", owner);
            return;
        }
        var type = value.GetType();
        if (IsLeaf(type))
        {
            Emit(path, Format(value), owner);
            return;
        }
        if (IsSkipped(type))
            return;
        if (!type.IsValueType)
        {
            if (_seen.TryGetValue(value, out var first))
            {
                Emit(path, Reference(value, first), owner);
                return;
            }
            _seen.Add(value, path);
        }
        // A collection of the model's own (RewindableList) is one of the library's with bookkeeping; a table of its
        // own is the collection it stands for.
        if (value is IStateView view)
            WalkLibrary(view.View(), path, owner, unordered);
        else if (IsLibraryType(type) || type.BaseType is { IsGenericType: true } collection && IsLibraryType(collection))
            WalkLibrary(value, path, owner, unordered);
        else
            WalkFields(value, type, path, Named(value) ? new Owner(path, $"{type.Name} {value}") : owner);
    }

    private void WalkFields(object value, Type type, string path, Owner owner)
    {
        foreach (var field in FieldsOf.GetOrAdd(type, Fields))
        {
            if (!IsSkipped(field.FieldType) && !field.IsDefined(typeof(BookkeepingAttribute), inherit: false))
                Walk(field.GetValue(value), $"{path}.{Pretty(field.Name)}", owner, type == typeof(KernelLog));
        }
    }

    // A collection of the base library, walked as its elements; any other library object (a StringBuilder, a Lazy) by what it prints.
    private void WalkLibrary(object value, string path, Owner owner, bool unordered)
    {
        switch (value)
        {
            case IDictionary dictionary:
                Emit($"{path}.Count", Format(dictionary.Count), owner);
                var entries = new List<(string Key, object? Value)>();
                for (var entry = dictionary.GetEnumerator(); entry.MoveNext();)
                    entries.Add((Key(entry.Key), entry.Value));
                foreach (var (key, item) in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
                    Walk(item, $"{path}[{key}]", owner);
                return;
            case IEnumerable items when unordered || Unordered(value.GetType()):
                var sorted = items.Cast<object?>().Select(i => i is null ? "null" : IsLeaf(i.GetType()) ? Format(i) : i.ToString() ?? "").Order(StringComparer.Ordinal).ToList();
                Emit($"{path}.Count", Format(sorted.Count), owner);
                foreach (var item in sorted)
                    Emit($"{path}[]", item, owner);
                return;
            case IEnumerable items:
                var list = items.Cast<object?>().ToList();
                Emit($"{path}.Count", Format(list.Count), owner);
                // The count is printed: an element with its type's default value (an empty slot, a zero) adds nothing.
                for (var i = 0; i < list.Count; i++)
                {
                    if (list[i] is { } item && !IsDefault(item))
                        Walk(item, $"{path}[{i}]", owner);
                }
                return;
            default:
                Emit(path, value.ToString() ?? "", owner);
                return;
        }
    }

    private void Emit(string path, string value, Owner owner) => _lines.Add(new Line(path, value, owner));

    private string Key(object key) =>
        IsLeaf(key.GetType()) ? Format(key) : _seen.TryGetValue(key, out var path) && !Named(key) ? path : key.ToString() ?? "";

    private static string Reference(object value, string path) => Named(value) ? $"&{path} ({value})" : $"&{path}";

    /// <summary>
    /// Sets, and the collections independent events add to in either order: the object checker's findings (and the
    /// kernel log's notes, trace text, see <see cref="Walk"/>).
    /// </summary>
    private static bool Unordered(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() is var generic &&
        (generic == typeof(HashSet<>) || generic == typeof(SortedSet<>) || type.GetGenericArguments()[0] == typeof(Finding));

    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan);

    private static bool IsDefault(object value) =>
        value.GetType() is { IsValueType: true } type && IsLeaf(type) && value.Equals(Defaults.GetOrAdd(type, t => Activator.CreateInstance(t)!));

    private static bool IsSkipped(Type type) =>
        Array.Exists(Skipped, s => s.IsAssignableFrom(type)) || type.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false) ||
        (type.IsGenericType && type.GetGenericArguments() is [var element, ..] && typeof(IEnumerable).IsAssignableFrom(type) && IsSkipped(element));

    private static bool IsLibraryType(Type type) => type.Namespace?.StartsWith("System", StringComparison.Ordinal) == true;

    /// <summary>Objects that say which they are (a task's name, a CPU): a difference is shown on the nearest such object.</summary>
    private static bool Named(object value) => NamedTypes.GetOrAdd(value.GetType(), type =>
        !IsLibraryType(type) && type.Namespace != typeof(StateTracker).Namespace &&
        type.GetMethod(nameof(ToString), Type.EmptyTypes) is { } method && method.DeclaringType != typeof(object) && method.DeclaringType != typeof(ValueType) &&
        !method.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false));

    private static string Format(object value) => value switch
    {
        string text => $"\"{text}\"",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>The instance fields of the type and its bases, base first, each class's by name.</summary>
    private static FieldInfo[] Fields(Type type)
    {
        var chain = new List<Type>();
        for (var t = type; t is not null && t != typeof(object) && t != typeof(ValueType); t = t.BaseType)
            chain.Insert(0, t);
        return [.. chain.SelectMany(t => t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
            .OrderBy(f => f.Name, StringComparer.Ordinal))];
    }

    // <Mm>k__BackingField is the property Mm; <tracker>P a primary constructor's parameter kept as a field.
    private static string Pretty(string field) =>
        field.StartsWith('<') && field.IndexOf('>', StringComparison.Ordinal) is > 0 and var end ? field[1..end] : field;

    /// <summary>The nearest object that says which it is, and its path: lines are shown relative to it.</summary>
    private sealed record Owner(string Path, string Label)
    {
        public static Owner Root { get; } = new("", "state");
    }

    private sealed record Line(string Path, string Value, Owner Owner)
    {
        /// <summary>"TaskStruct C: _foo", or the whole path when no named object holds the line.</summary>
        public string Where => Owner.Path.Length == 0 ? Path : $"{Owner.Label}: {Path[Owner.Path.Length..].TrimStart('.')}";
    }
}
