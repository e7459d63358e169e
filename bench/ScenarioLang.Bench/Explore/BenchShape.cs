using System.Text.RegularExpressions;
using ScenarioLang.Bench.Shapes;

namespace ScenarioLang.Bench.Explore;

/// <summary>A .kscn file the bench explores: a generated litmus shape or a seed sample as it is.</summary>
/// <param name="RingSize">The n of an SB ring: larger rings are skipped once a smaller one ran out of time.</param>
public sealed partial record BenchShape(string Name, int Cpus, string File, int? RingSize)
{
    /// <summary>The seed samples of issue 6, explored as they are.</summary>
    public static readonly string[] Samples =
    [
        "samples/pgd/late-mb.kscn",
        "samples/pgd/late-wmb.kscn",
        "samples/pgd/locked-list.kscn",
        "samples/ptshare/creation-race.kscn",
        "samples/ptshare/removal-race.kscn",
    ];

    public static BenchShape Generated(LitmusShape shape, string directory)
    {
        var file = Path.Combine(directory, shape.Name.ToLowerInvariant() + ".kscn");
        System.IO.File.WriteAllText(file, KscnWriter.Write(shape));
        int? ring = shape.Name.StartsWith("SB-ring-", StringComparison.Ordinal) ? shape.Cpus : null;
        return new BenchShape(shape.Name, shape.Cpus, file, ring);
    }

    public static BenchShape Sample(string repoRoot, string relativePath)
    {
        var file = Path.Combine(repoRoot, relativePath);
        if (!System.IO.File.Exists(file))
            throw new BenchException($"sample {relativePath} is missing");
        var cpus = CpusSetting().Matches(System.IO.File.ReadAllText(file)).Select(m => int.Parse(m.Groups[1].Value)).DefaultIfEmpty(1).Max();
        var name = Path.ChangeExtension(relativePath, null)["samples/".Length..];
        return new BenchShape(name, cpus, file, null);
    }

    /// <summary>Whether the shape's name contains one of the comma-separated parts of <paramref name="filter"/> (every shape when null).</summary>
    public bool Matches(string? filter) =>
        filter is null || filter.Split(',', StringSplitOptions.RemoveEmptyEntries).Any(f => Name.Contains(f, StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex(@"^\s*cpus\s+(\d+)", RegexOptions.Multiline)]
    private static partial Regex CpusSetting();
}
