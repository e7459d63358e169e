using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime.Tracking;

namespace ScenarioLang.Runtime.Exploration;

/// <summary>
/// The happens-before relation of one execution, built an event at a time, and the races of each new event: the
/// earlier events of other CPUs (or of the other task of its CPU) it conflicts with that no other event orders before it (Abdulla, Aronis, Jonsson,
/// Sagonas, "Optimal Dynamic Partial Order Reduction", POPL 2014, §3; for TSO with drains as events of their own,
/// Abdulla, Atig, Jonsson, Leonardsson, "Stateless Model Checking for TSO and PSO", TACAS 2015).
/// </summary>
/// <remarks>
/// An event happens after: the previous event of its process; for a drain, the step that put its store into the
/// buffer; for a fence or locked instruction, its CPU's last drain; for a step that waited for room in a bounded
/// buffer, the drain that made room; for spin_lock(), the drain of the spin_unlock() that freed the lock; and every
/// earlier event of another CPU it conflicts with on a word or a piece of tracked kernel state (its whole footprint). Races are the conflicts among those, except that a lock is not
/// raced by the unlock that enabled it (the two are never both enabled) but by the previous spin_lock() of the word.
/// A preempting task's switch in is such a lock too: it races with the step that last made the preempted task
/// unpreemptible, not with the one that made it preemptible again (ProgramExecution's PreemptCount).
/// </remarks>
internal sealed class HappensBefore(IReadOnlyList<int> bufferedAtStart, int? bufferBound)
{
    private readonly List<Transition> _events = [];
    // The events before each index's event. A set outlives its event when the search goes back before it: the event
    // added there next fills it again.
    private readonly List<EventSet> _sets = [];
    // The index of each process's last event (-1: none yet), by ProcessIndex.
    private int[] _lastOfProcess = [];
    // The indices of the events that touch each location, and the lists made, one per location touched.
    private readonly LocationTable<List<int>?> _accessesOf = new();
    private readonly List<List<int>> _located = [];
    private readonly Dictionary<MemoryLocation, int> _lastAcquire = [];
    private CpuBuffer?[] _buffers = [];
    // Add()'s working sets, cleared at each call: an execution adds every one of its events.
    private readonly List<int> _predecessors = [];
    private readonly EventSet _candidates = new(64);
    private readonly List<int> _races = [];

    public int Count => _events.Count;

    public ExploreEvent EventAt(int index) => _events[index].Event;

    /// <summary>The index of the last event that took <paramref name="word"/>, if one did.</summary>
    public int? LastAcquire(MemoryLocation word) => _lastAcquire.TryGetValue(word, out var index) ? index : null;

    /// <summary>The events that happen before the one at <paramref name="index"/>.</summary>
    public EventSet Before(int index) => _sets[index];

    /// <summary>
    /// Adds the next event of the execution; returns its races, the earlier events it races with, in order (a list
    /// that holds until the next call).
    /// </summary>
    public List<int> Add(Transition transition)
    {
        var index = _events.Count;
        var (e, effect) = (transition.Event, transition.Effect);
        var (predecessors, candidates, races) = (_predecessors, _candidates, _races);
        predecessors.Clear();
        candidates.Clear();
        races.Clear();
        if (LastOfProcess(e) is var previous and >= 0)
            predecessors.Add(previous);
        var buffer = Buffer(e.Cpu);
        if (e.Kind == EventKind.Drain && buffer.Drained(index) is { } store)
            predecessors.Add(store);
        if (effect.NeedsEmptyStoreBuffer && buffer.LastDrain is { } drain)
            predecessors.Add(drain);
        if (effect.Buffers && buffer.Stored(index, bufferBound) is { } madeRoom)
            predecessors.Add(madeRoom);
        foreach (var access in effect.Accesses)
        {
            foreach (var earlier in Accesses(access.Location))
            {
                var other = _events[earlier];
                if (other.Event.Cpu == e.Cpu && !other.Event.OtherTaskOnCpu(e))
                    continue;
                var theirs = AccessTo(other.Effect, access.Location);
                if (!theirs.Writes && !access.Writes)
                    continue;
                predecessors.Add(earlier);
                if (!(theirs.Access == Access.Release && access.Access == Access.Acquire))
                    candidates.Add(earlier);
            }
        }
        var before = Set(index);
        // Latest first: an event some later predecessor already follows is ordered through it, not a race (nor is
        // a predecessor found twice).
        predecessors.Sort(static (a, b) => b.CompareTo(a));
        foreach (var predecessor in predecessors)
        {
            if (before.Contains(predecessor))
                continue;
            if (candidates.Contains(predecessor))
                races.Add(predecessor);
            before.Add(predecessor);
            before.UnionWith(_sets[predecessor]);
        }
        foreach (var access in effect.Accesses)
        {
            if (access.Access == Access.Acquire && _lastAcquire.TryGetValue(access.Location, out var acquired) &&
                (_events[acquired].Event.Cpu != e.Cpu || _events[acquired].Event.OtherTaskOnCpu(e)) && !races.Contains(acquired))
                races.Add(acquired);
        }
        Record(transition);
        races.Sort();
        return races;
    }

    /// <summary>
    /// Forgets the events from <paramref name="count"/> on: the search goes another way there. The books keep their
    /// lists (each location's accesses lose their last indices) and are recounted from the events kept.
    /// </summary>
    public void Truncate(int count)
    {
        if (count >= _events.Count)
            return;
        _events.RemoveRange(count, _events.Count - count);
        foreach (var accesses in _located)
        {
            var kept = accesses.Count;
            while (kept > 0 && accesses[kept - 1] >= count)
                kept--;
            accesses.RemoveRange(kept, accesses.Count - kept);
        }
        Array.Fill(_lastOfProcess, -1);
        _lastAcquire.Clear();
        for (var cpu = 0; cpu < _buffers.Length; cpu++)
            _buffers[cpu]?.Reset(cpu < bufferedAtStart.Count ? bufferedAtStart[cpu] : 0);
        for (var index = 0; index < count; index++)
        {
            var transition = _events[index];
            var buffer = Buffer(transition.Event.Cpu);
            if (transition.Event.Kind == EventKind.Drain)
                buffer.Drained(index);
            if (transition.Effect.Buffers)
                buffer.Stored(index, bufferBound);
            SetLastOfProcess(transition.Event, index);
            Acquires(transition.Effect, index);
        }
    }

    // A process is a CPU's program, its buffer's drains, or its preempting task: one per kind of event, per CPU.
    private static readonly int Kinds = Enum.GetValues<EventKind>().Length;

    private static int ProcessIndex(ExploreEvent e) => e.Cpu * Kinds + (int)e.Kind;

    private int LastOfProcess(ExploreEvent e) => ProcessIndex(e) is var i && i < _lastOfProcess.Length ? _lastOfProcess[i] : -1;

    private void SetLastOfProcess(ExploreEvent e, int index)
    {
        var i = ProcessIndex(e);
        if (i >= _lastOfProcess.Length)
        {
            var grown = _lastOfProcess.Length;
            Array.Resize(ref _lastOfProcess, Math.Max(i + 1, grown * 2));
            Array.Fill(_lastOfProcess, -1, grown, _lastOfProcess.Length - grown);
        }
        _lastOfProcess[i] = index;
    }

    /// <summary>The empty set of the events before the one at <paramref name="index"/>, the one kept there if any.</summary>
    private EventSet Set(int index)
    {
        if (index < _sets.Count)
        {
            _sets[index].Clear();
            return _sets[index];
        }
        var set = new EventSet(index);
        _sets.Add(set);
        return set;
    }

    private static StateAccess AccessTo(Footprint effect, MemoryLocation location)
    {
        foreach (var access in effect.Accesses)
        {
            if (access.Location == location)
                return access;
        }
        return default;
    }

    private void Record(Transition transition)
    {
        var index = _events.Count;
        _events.Add(transition);
        SetLastOfProcess(transition.Event, index);
        foreach (var access in transition.Effect.Accesses)
            Accesses(access.Location).Add(index);
        Acquires(transition.Effect, index);
    }

    // An event can take two words: a step's spin_lock() and its CPU's preempt_count (ProgramExecution).
    private void Acquires(Footprint effect, int index)
    {
        foreach (var access in effect.Accesses)
        {
            if (access.Access == Access.Acquire)
                _lastAcquire[access.Location] = index;
        }
    }

    private List<int> Accesses(MemoryLocation word)
    {
        ref var accesses = ref _accessesOf.Slot(word);
        if (accesses is not { } list)
        {
            accesses = list = [];
            _located.Add(list);
        }
        return list;
    }

    private CpuBuffer Buffer(int cpu)
    {
        if (cpu >= _buffers.Length)
            Array.Resize(ref _buffers, cpu + 1);
        return _buffers[cpu] ??= new CpuBuffer(cpu < bufferedAtStart.Count ? bufferedAtStart[cpu] : 0);
    }

    /// <summary>
    /// A CPU's buffer as events: the step that buffered each store and the drain that took it out, FIFO. The stores
    /// buffered before the explore block drain first, with no step of the block before them.
    /// </summary>
    private sealed class CpuBuffer(int bufferedAtStart)
    {
        private readonly List<int> _stores = [];
        private readonly List<int> _drains = [];
        private int _initial = bufferedAtStart;

        public int? LastDrain { get; private set; }

        /// <summary>Back to the block's start, with <paramref name="bufferedAtStart"/> stores in the buffer.</summary>
        public void Reset(int bufferedAtStart)
        {
            _stores.Clear();
            _drains.Clear();
            _initial = bufferedAtStart;
            LastDrain = null;
        }

        /// <summary>Records a drain; returns the step whose store it moves, if that step is in the block.</summary>
        public int? Drained(int index)
        {
            LastDrain = index;
            if (_initial > 0)
            {
                _initial--;
                return null;
            }
            _drains.Add(index);
            return _stores[_drains.Count - 1];
        }

        /// <summary>Records a buffered store; returns the drain that made room for it in a buffer of <paramref name="bound"/> stores.</summary>
        public int? Stored(int index, int? bound)
        {
            _stores.Add(index);
            var waitedFor = _stores.Count - 1 - bound;
            return waitedFor >= 0 && waitedFor < _drains.Count ? _drains[waitedFor.Value] : null;
        }
    }
}
