using System.Globalization;

namespace ScenarioLang.Runtime;

/// <summary>A scenario file a shard searched, by its path as given (traces print it) and the SHA-256 of its bytes.</summary>
public sealed record ShardSource(string Path, string Sha256);

/// <summary>
/// What a shard's search was, apart from which shard: the kscn that ran it (its version, and the build of its runtime and
/// compiler, which decide every execution), the scenario files, the --variant values, and the options that shape the
/// search. A merge takes only shard files whose identity is its own: anything else would print a report of no search
/// that ever ran.
/// </summary>
/// <param name="Search">The options that decide which executions the search runs and how it reports them, each
/// as the command line spells it, with its value (null: not given; empty: a flag given). Not --jobs, which changes
/// nothing, nor --verify-independence, which only checks.</param>
public sealed record ShardIdentity(
    string Kscn,
    string Build,
    IReadOnlyList<ShardSource> Sources,
    IReadOnlyList<string> Variants,
    IReadOnlyList<KeyValuePair<string, string?>> Search)
{
    public static IReadOnlyList<KeyValuePair<string, string?>> SearchOf(ExploreOptions options) =>
    [
        new("--strategy", options.Strategy switch
        {
            ExploreStrategy.Exhaustive => "exhaustive",
            ExploreStrategy.Random => "random",
            ExploreStrategy.Pct => "pct",
            var other => throw new ArgumentOutOfRangeException(nameof(options), other, "a strategy without a name"),
        }),
        new("--reduction", options.Reduction switch
        {
            Reduction.Dpor => "dpor",
            Reduction.SleepSets => "sleep-sets",
            Reduction.None => "none",
            var other => throw new ArgumentOutOfRangeException(nameof(options), other, "a reduction without a name"),
        }),
        new("--max-executions", Number(options.MaxExecutions)),
        new("--seed", Number(options.Seed)),
        new("--pct-depth", Number(options.PctDepth)),
        new("--preemption-bound", options.PreemptionBound is { } p ? Number(p) : null),
        new("--buffer-bound", options.BufferBound is { } b ? Number(b) : null),
        new("--stop-at-first", options.StopAtFirst ? "" : null),
    ];

    /// <summary>
    /// Why a shard file of identity <paramref name="shard"/> cannot merge into this search (the merge's own), as the
    /// end of a sentence that starts with the file's name; null if it can.
    /// </summary>
    public string? Mismatch(ShardIdentity shard)
    {
        if (shard.Kscn != Kscn)
            return $"was written by kscn {shard.Kscn}, and this is kscn {Kscn}: shards merge only under the kscn that searched them";
        if (shard.Build != Build)
            return $"was written by another build of kscn {Kscn} (its runtime or compiler differs): shards merge only under the build that searched them";
        if (!shard.Sources.Select(s => s.Path).SequenceEqual(Sources.Select(s => s.Path), StringComparer.Ordinal))
            return $"searched {Files(shard.Sources)}, and this merge names {Files(Sources)}";
        if (shard.Sources.Zip(Sources).FirstOrDefault(p => p.First.Sha256 != p.Second.Sha256) is ({ } then, { } now))
            return $"searched another version of {now.Path}: it has changed since (SHA-256 {then.Sha256[..12]}…, now {now.Sha256[..12]}…)";
        if (!shard.Variants.SequenceEqual(Variants, StringComparer.Ordinal))
            return $"was written with {Variant(shard.Variants)}, and this merge has {Variant(Variants)}";
        foreach (var (theirs, mine) in shard.Search.Zip(Search))
        {
            if (theirs.Key != mine.Key || theirs.Value != mine.Value)
                return $"was searched with {Option(theirs)}, and this merge has {Option(mine)}";
        }
        return shard.Search.Count == Search.Count ? null : $"names {shard.Search.Count} search options, and this kscn {Search.Count}";
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Files(IReadOnlyList<ShardSource> sources) => string.Join(" ", sources.Select(s => s.Path));

    private static string Variant(IReadOnlyList<string> variants) => variants.Count == 0 ? "no --variant" : string.Join(" ", variants.Select(v => "--variant " + v));

    private static string Option(KeyValuePair<string, string?> option) => option.Value switch
    {
        null => "no " + option.Key,
        "" => option.Key,
        var value => $"{option.Key} {value}",
    };
}
