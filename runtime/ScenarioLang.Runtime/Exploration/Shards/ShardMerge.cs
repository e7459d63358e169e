using ScenarioLang.Runtime.Exploration;

namespace ScenarioLang.Runtime;

/// <summary>
/// Every shard's file of one search, put together: for each explore block, in the order the searches ran, the tallies
/// of all its parts. The explorer appends them as it appends the parts it searches itself, so a merge prints what the
/// whole search prints. Built only from a full set: every shard of the split exactly once, all of this search.
/// </summary>
public sealed class ShardMerge
{
    private readonly Queue<ShardBlock> _blocks;

    private ShardMerge(Queue<ShardBlock> blocks) => _blocks = blocks;

    /// <summary>
    /// The merge of <paramref name="shards"/> (each with the path it was read from) into the search <paramref name="identity"/>
    /// describes; throws <see cref="ShardFileException"/> naming the file and what is wrong: another search, another
    /// split, a shard twice or missing.
    /// </summary>
    public static ShardMerge Combine(ShardIdentity identity, IReadOnlyList<(string Path, ShardFile File)> shards)
    {
        foreach (var (path, file) in shards)
        {
            if (identity.Mismatch(file.Identity) is { } why)
                throw new ShardFileException($"'{path}' {why}");
        }
        var (firstPath, first) = shards[0];
        var count = first.Shard.Count;
        if (shards.FirstOrDefault(s => s.File.Shard.Count != count) is ({ } otherPath, { } other))
            throw new ShardFileException($"'{firstPath}' is shard {first.Shard} and '{otherPath}' is shard {other.Shard}: the shards of a merge split the search the same way");
        var byIndex = new SortedDictionary<int, (string Path, ShardFile File)>();
        foreach (var shard in shards)
        {
            if (!byIndex.TryAdd(shard.File.Shard.Index, shard))
                throw new ShardFileException($"'{byIndex[shard.File.Shard.Index].Path}' and '{shard.Path}' are both shard {shard.File.Shard}: a merge takes each shard once");
        }
        var missing = Enumerable.Range(1, count).Where(i => !byIndex.ContainsKey(i)).ToList();
        if (missing.Count > 0)
        {
            var which = missing.Count == 1 ? $"shard {missing[0]} of {count} is" : $"shards {string.Join(", ", missing)} of {count} are";
            throw new ShardFileException($"{which} missing: without every shard's part of the search, the merge cannot say what the search found");
        }
        var blocks = new Queue<ShardBlock>();
        for (var b = 0; b < first.Blocks.Count; b++)
        {
            var block = first.Blocks[b];
            var tallies = new SortedDictionary<int, ExplorationTally>();
            foreach (var (path, file) in byIndex.Values)
            {
                if (file.Blocks.Count != first.Blocks.Count || file.Blocks[b].Key != block.Key || file.Blocks[b].Parts != block.Parts)
                    throw new ShardFileException($"'{path}' and '{firstPath}' ran other searches, though the same files and options: they were not written by one kscn explore command line");
                foreach (var (part, tally) in file.Blocks[b].Tallies)
                    tallies.Add(part, tally);
            }
            blocks.Enqueue(block with { Tallies = tallies });
        }
        return new ShardMerge(blocks);
    }

    /// <summary>
    /// The tallies of every part of the next explore block's search, which must be the scenario and configuration that
    /// the shards ran next, split into as many parts: the same files and options make the same searches.
    /// </summary>
    internal SortedDictionary<int, ExplorationTally> Tallies(ScenarioDescription scenario, KernelConfig config, int parts)
    {
        var key = ShardBlock.KeyOf(scenario, config);
        if (!_blocks.TryDequeue(out var block) || block.Key != key || block.Parts != parts)
            throw new InvalidOperationException($"the shards' files have no search of {key} in {parts} parts next, though they were written for these files and options");
        return block.Tallies;
    }
}
