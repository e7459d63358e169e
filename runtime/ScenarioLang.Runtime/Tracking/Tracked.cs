using System.Collections;
using ScenarioLang.Runtime.Scheduling;

namespace ScenarioLang.Runtime.Tracking;

/// <summary>
/// A field of kernel state another CPU can reach (task->mm, mm->mm_users, a vma's bounds): every read and write goes
/// through <see cref="Value"/> and is recorded in the current event's footprint as an access to <see cref="Location"/>.
/// </summary>
public sealed class Tracked<T>(StateTracker tracker, MemoryLocation location, T value) : IUndo
{
    private T _value = value;
    // The value where the explore block started, kept at the first change since (StateTracker.Changing).
    [Bookkeeping]
    private T _saved = value;
    [Bookkeeping]
    private int _epoch = tracker.Epoch;

    public T Value
    {
        get
        {
            tracker.Read(location);
            return _value;
        }
        set
        {
            tracker.Write(location);
            if (tracker.Changing(this, ref _epoch))
                _saved = _value;
            _value = value;
        }
    }

    void IUndo.Undo() => _value = _saved;

    public override string ToString() => $"{location} = {_value}";
}

/// <summary>
/// A list of kernel state (the task list, an mm's vmas), tracked slot by slot as an RCU list is read: <c>tasks[3]</c>
/// is the fourth element, and <c>tasks[end]</c> the end a walk stops at (the last element's next pointer). Appending
/// writes the new slot and the end, so a walker that has not reached the end does not depend on it, while two appends
/// and a walker at the end do; inserting or removing writes every slot from there on and the end.
/// </summary>
public sealed class TrackedList<T>(StateTracker tracker, MemoryLocation location) : IReadOnlyList<T>, IUndo
{
    private readonly List<T> _items = [];
    [Bookkeeping]
    private T[] _saved = [];
    [Bookkeeping]
    private int _epoch = tracker.Epoch;
    // The slots' names, made once each: a walk reads them on every event.
    [Bookkeeping]
    private readonly List<MemoryLocation> _slots = [];
    private readonly MemoryLocation _end = new($"{location.Name}[end]");

    public MemoryLocation Location => location;

    /// <summary>Reads every slot and the end.</summary>
    public int Count
    {
        get
        {
            ReadAll();
            return _items.Count;
        }
    }

    public T this[int index]
    {
        get
        {
            // The slot's name only when it is recorded: a search of an mm's vmas reads thousands outside explore blocks.
            if (tracker.Recording)
                tracker.Read(Slot(index));
            return _items[index];
        }
    }

    /// <summary>The element at <paramref name="index"/>, or false at or past the end: reads that slot only.</summary>
    public bool TryGet(int index, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T item)
    {
        var found = index < _items.Count;
        tracker.Read(found ? Slot(index) : _end);
        item = found ? _items[index] : default;
        return found;
    }

    public void Add(T item)
    {
        tracker.Write(Slot(_items.Count));
        tracker.Write(_end);
        Changing().Add(item);
    }

    public void Insert(int index, T item)
    {
        WriteFrom(index);
        Changing().Insert(index, item);
    }

    public bool Remove(T item)
    {
        var index = _items.IndexOf(item);
        WriteFrom(index < 0 ? _items.Count : index);
        return index >= 0 && Changing().Remove(item);
    }

    public void Clear()
    {
        WriteFrom(0);
        Changing().Clear();
    }

    /// <summary>list_replace_rcu(): <paramref name="replacement"/> takes <paramref name="old"/>'s slot.</summary>
    public void Replace(T old, T replacement)
    {
        var index = _items.IndexOf(old);
        tracker.Write(Slot(index));
        Changing()[index] = replacement;
    }

    void IUndo.Undo()
    {
        _items.Clear();
        _items.AddRange(_saved);
    }

    /// <summary>The items, about to change: their state where the explore block started is kept first.</summary>
    private List<T> Changing()
    {
        if (tracker.Changing(this, ref _epoch))
            _saved = [.. _items];
        return _items;
    }

    public int FindIndex(Predicate<T> match)
    {
        ReadAll();
        return _items.FindIndex(match);
    }

    public IEnumerator<T> GetEnumerator()
    {
        ReadAll();
        return _items.GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private MemoryLocation Slot(int index)
    {
        while (_slots.Count <= index)
            _slots.Add(new($"{location.Name}[{_slots.Count}]"));
        return _slots[index];
    }

    private void ReadAll()
    {
        if (!tracker.Recording)
            return;
        for (var i = 0; i < _items.Count; i++)
            tracker.Read(Slot(i));
        tracker.Read(_end);
    }

    private void WriteFrom(int index)
    {
        if (!tracker.Recording)
            return;
        for (var i = index; i < _items.Count; i++)
            tracker.Write(Slot(i));
        tracker.Write(_end);
    }
}

/// <summary>
/// A fixed-size array of kernel state (a page table's entries, an I/O bitmap's longs): the whole array is one location,
/// read through <see cref="Read"/> or an element, written through <see cref="Write"/> or an element.
/// </summary>
public sealed class TrackedArray<T>(StateTracker tracker, MemoryLocation location, T[] items) : IEnumerable<T>, IUndo
{
    private T[] _items = items;
    // The array is a shared initial value (every CPU's all-ones TSS bitmap, a zeroed page), copied at the first
    // write: most executions never write most of a machine's arrays. The array an explore block started with is
    // kept the same way: the block's first write copies it.
    [Bookkeeping]
    private bool _shared;
    [Bookkeeping]
    private T[] _saved = items;
    [Bookkeeping]
    private int _epoch = tracker.Epoch;

    /// <summary>An array that starts as <paramref name="initial"/>, which it never writes: it copies it at its first write.</summary>
    public static TrackedArray<T> CopyOnWrite(StateTracker tracker, MemoryLocation location, T[] initial) =>
        new(tracker, location, initial) { _shared = true };

    /// <summary>
    /// An array of <paramref name="length"/> default values, a zeroed page's entries, allocated at its first write: a
    /// search allocates page-table pages in every execution, and many are never written.
    /// </summary>
    public static TrackedArray<T> Zeroed(StateTracker tracker, MemoryLocation location, int length) =>
        CopyOnWrite(tracker, location, ZeroedArrays.GetOrAdd(length, static n => new T[n]));

    // Shared by every zeroed array of a length: never written (Own copies it first).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, T[]> ZeroedArrays = new();

    public int Length => _items.Length;

    /// <summary>Whether the array is still the shared one <see cref="Zeroed"/> made it with: every element default, none written.</summary>
    public bool IsZeroed
    {
        get
        {
            tracker.Read(location);
            return _shared && ZeroedArrays.TryGetValue(_items.Length, out var zeroed) && ReferenceEquals(_items, zeroed);
        }
    }

    public T this[int index]
    {
        get
        {
            tracker.Read(location);
            return _items[index];
        }
        set
        {
            tracker.Write(location);
            Own()[index] = value;
        }
    }

    public ReadOnlySpan<T> Read()
    {
        tracker.Read(location);
        return _items;
    }

    public Span<T> Write()
    {
        tracker.Write(location);
        return Own();
    }

    public IEnumerator<T> GetEnumerator()
    {
        tracker.Read(location);
        return ((IEnumerable<T>)_items).GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    void IUndo.Undo()
    {
        _items = _saved;
        _shared = true;
    }

    private T[] Own()
    {
        if (tracker.Changing(this, ref _epoch))
        {
            _saved = _items;
            _shared = true;
        }
        if (_shared)
        {
            _items = (T[])_items.Clone();
            _shared = false;
        }
        return _items;
    }
}
