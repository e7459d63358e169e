namespace ScenarioLang.Runtime.Tracking;

/// <summary>
/// State outside the tracked cells that an explore block's executions change (memory words, store buffers, the
/// heap's books): saved whole where the block starts, put back before each next execution.
/// </summary>
public interface IBlockState
{
    void Save();

    void Rewind();
}

/// <summary>A tracked cell changed since the explore block started, which can put back its value from then.</summary>
internal interface IUndo
{
    void Undo();
}

/// <summary>
/// A dictionary of the model that is not one piece of tracked state (an inode table made as files are used): put
/// back whole where an explore block started.
/// </summary>
public sealed class RewindableDictionary<TKey, TValue> : Dictionary<TKey, TValue>, IBlockState
    where TKey : notnull
{
    [Bookkeeping]
    private KeyValuePair<TKey, TValue>[] _saved = [];

    public RewindableDictionary(StateTracker tracker) => tracker.Keep(this);

    void IBlockState.Save() => _saved = [.. this];

    void IBlockState.Rewind()
    {
        Clear();
        foreach (var (key, value) in _saved)
            Add(key, value);
    }
}

/// <summary>A list of the model that is not one piece of tracked state (the kernel log's notes): put back whole where an explore block started.</summary>
public sealed class RewindableList<T> : List<T>, IBlockState
{
    [Bookkeeping]
    private T[] _saved = [];

    public RewindableList(StateTracker tracker) => tracker.Keep(this);

    void IBlockState.Save() => _saved = [.. this];

    void IBlockState.Rewind()
    {
        Clear();
        AddRange(_saved);
    }
}

/// <summary>
/// Model state kept in tables of its own (memory's words by their location's number, a store buffer's array) that a
/// comparison of states (the explorer's <c>StateSnapshot</c>) reads as the collection it stands for, not as its arrays,
/// whose spare slots and sizes depend on what the process ran before.
/// </summary>
internal interface IStateView
{
    /// <summary>The state as a collection of the base library: a dictionary, a list.</summary>
    System.Collections.IEnumerable View();
}

/// <summary>
/// A field (or a type) that holds no state of the model but what is kept to rewind it (a value where an explore block
/// started, the execution a cell last changed in) or to name it: two runs in the same state may differ there, so a
/// comparison of states (the explorer's <c>StateSnapshot</c>) leaves it out.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Class)]
internal sealed class BookkeepingAttribute : Attribute;
