using System.CommandLine;
using ScenarioLang.Runtime.Catalog;

namespace ScenarioLang.Cli.Commands;

/// <summary>
/// --variant mechanism=value, checked against the variant catalog. The value may also be a comma-separated
/// list or <c>*</c> for every variant of the mechanism; then the scenarios run once per combination.
/// </summary>
internal static class VariantOption
{
    public static Option<string[]> Create()
    {
        // The examples are the catalog's first mechanism, so the help reads as the kernel kscn models today.
        var m = KernelCatalog.Mechanisms[0];
        var option = new Option<string[]>("--variant")
        {
            Description = $"Run against other kernel variants: --variant {m.Name}={m.Variants[^1].Name}, a list ({m.Name}={m.Variants[0].Name},{m.Default}) " +
                          $"or every one ({m.Name}=*), which runs each scenario once per variant. Repeat for other mechanisms. " +
                          "Known: " + string.Join("; ", KernelCatalog.Mechanisms.Select(k => $"{k.Name}={string.Join("|", k.Variants.Select(v => v.Name))}")),
            HelpName = "mechanism=value",
        };
        // Shell completion (kscn completion): every mechanism=variant of the catalog, and mechanism=* for all of them.
        option.CompletionSources.Add(context => KernelCatalog.Mechanisms
            .SelectMany(k => k.Variants.Select(v => $"{k.Name}={v.Name}").Append($"{k.Name}=*"))
            .Where(value => value.StartsWith(context.WordToComplete, StringComparison.Ordinal))
            .Select(value => new System.CommandLine.Completions.CompletionItem(value)));
        return option;
    }

    /// <summary>
    /// The override sets to run with, one per combination of the values named (a single empty set without
    /// --variant), or null after reporting a malformed or unknown one.
    /// </summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>>? Parse(string[]? values, CliConsole console)
    {
        var chosen = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var value in values ?? [])
        {
            if (Choose(value, chosen) is not { } problem)
                continue;
            console.Error.Write($"kscn: --variant: {problem}\n");
            return null;
        }
        IEnumerable<IReadOnlyDictionary<string, string>> combinations = [new SortedDictionary<string, string>(StringComparer.Ordinal)];
        foreach (var (mechanism, names) in chosen)
            combinations = combinations.SelectMany(c => names.Select(n => (IReadOnlyDictionary<string, string>)new SortedDictionary<string, string>(c.ToDictionary(), StringComparer.Ordinal) { [mechanism] = n }));
        return combinations.ToList();
    }

    /// <summary>Adds one mechanism=value(s) to <paramref name="chosen"/>; returns what is wrong with it, if anything.</summary>
    private static string? Choose(string value, SortedDictionary<string, IReadOnlyList<string>> chosen)
    {
        var parts = value.Split('=', 2);
        if (parts.Length != 2)
            return $"'{value}' is not of the form mechanism=value";
        if (KernelCatalog.Find(parts[0]) is not { } mechanism)
            return $"unknown mechanism '{parts[0]}'; known: {string.Join(", ", KernelCatalog.Mechanisms.Select(m => m.Name))}";
        var known = mechanism.Variants.Select(v => v.Name).ToList();
        var names = parts[1] == "*" ? known : parts[1].Split(',').ToList();
        if (names.FirstOrDefault(n => !known.Contains(n)) is { } unknown)
            return $"'{unknown}' is not a variant of {mechanism.Name}; choose one of {string.Join(", ", known)}, or * for all";
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
            return $"--variant names a variant of {mechanism.Name} twice";
        return chosen.TryAdd(mechanism.Name, names) ? null : $"--variant names {mechanism.Name} more than once";
    }
}
