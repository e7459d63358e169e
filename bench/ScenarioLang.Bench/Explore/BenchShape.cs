using System.Text.RegularExpressions;
using ScenarioLang.Bench.Shapes;

namespace ScenarioLang.Bench.Explore;

/// <summary>A .kscn file the bench explores: a generated litmus shape or a seed sample as it is.</summary>
/// <param name="RingSize">The n of an SB ring: larger rings are skipped once a smaller one ran out of time.</param>
public sealed partial record BenchShape(string Name, int Cpus, string File, int? RingSize)
{
    /// <summary>
    /// The seed samples of issue 6, explored without their known-failure marks: a mark on the whole scenario stops its
    /// search at the first violation (issue 22), and the bench measures the search.
    /// </summary>
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

    /// <summary>The sample as a copy in <paramref name="directory"/> with its known-failure marks blanked (lines and columns kept).</summary>
    public static BenchShape Sample(string repoRoot, string relativePath, string directory)
    {
        var original = Path.Combine(repoRoot, relativePath);
        if (!System.IO.File.Exists(original))
            throw new BenchException($"sample {relativePath} is missing");
        var text = KnownFailureMark().Replace(System.IO.File.ReadAllText(original), m => new string(' ', m.Length));
        var cpus = CpusSetting().Matches(text).Select(m => int.Parse(m.Groups[1].Value)).DefaultIfEmpty(1).Max();
        var name = Path.ChangeExtension(relativePath, null)["samples/".Length..];
        var file = Path.Combine(directory, name.Replace('/', '-') + ".kscn");
        System.IO.File.WriteAllText(file, text);
        return new BenchShape(name, cpus, file, null);
    }

    /// <summary>Whether the shape's name contains one of the comma-separated parts of <paramref name="filter"/> (every shape when null).</summary>
    public bool Matches(string? filter) =>
        filter is null || filter.Split(',', StringSplitOptions.RemoveEmptyEntries).Any(f => Name.Contains(f, StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex(@"^\s*cpus\s+(\d+)", RegexOptions.Multiline)]
    private static partial Regex CpusSetting();

    [GeneratedRegex(@"known failure under [^/\n]*?(?=\s*(?://|\n))")]
    private static partial Regex KnownFailureMark();
}
