using System.CommandLine;
using ScenarioLang.Runtime;

namespace ScenarioLang.Cli.Commands;

/// <summary>--variant mechanism=value, checked against the variant catalog.</summary>
internal static class VariantOption
{
    public static Option<string[]> Create() => new("--variant")
    {
        Description = "Run against another kernel variant, e.g. --variant ioperm=v2-06-16 (repeat for other mechanisms). " +
                      "Known: " + string.Join("; ", VariantCatalog.Mechanisms.Select(m => $"{m.Name}={string.Join("|", m.Values.Select(v => v.Name))}")),
        HelpName = "mechanism=value",
    };

    /// <summary>The overrides, or null after reporting a malformed or unknown one.</summary>
    public static IReadOnlyDictionary<string, string>? Parse(string[]? values, CliConsole console)
    {
        var overrides = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values ?? [])
        {
            var parts = value.Split('=', 2);
            var mechanism = parts.Length == 2 ? VariantCatalog.Find(parts[0]) : null;
            string? problem = null;
            if (parts.Length != 2)
                problem = $"'{value}' is not of the form mechanism=value";
            else if (mechanism is null)
                problem = $"unknown mechanism '{parts[0]}'; known: {string.Join(", ", VariantCatalog.Mechanisms.Select(m => m.Name))}";
            else if (mechanism.Values.All(v => v.Name != parts[1]))
                problem = $"'{parts[1]}' is not a variant of {mechanism.Name}; choose one of {string.Join(", ", mechanism.Values.Select(v => v.Name))}";
            else if (!overrides.TryAdd(mechanism.Name, parts[1]))
                problem = $"--variant names {mechanism.Name} more than once";
            if (problem is null)
                continue;
            console.Error.Write($"kscn: --variant: {problem}\n");
            return null;
        }
        return overrides;
    }
}
