namespace ScenarioLang.Compiler.Emit;

/// <summary>
/// Scenario assemblies kept loaded between the invocations of one long-lived process (<c>kscn server</c>), by compile
/// cache key: a request that runs the same scenarios again finds their code loaded and already compiled by the JIT,
/// where loading the image afresh into a new context would make the JIT compile every method again. Off (capacity 0)
/// in a process that runs one invocation: each load is then unloaded when its user is done, as before.
/// The generated scenario classes hold no state between runs (each run instantiates them), so reuse is safe.
/// </summary>
public static class WarmAssemblies
{
    private static readonly Lock Gate = new();
    private static readonly LinkedList<Entry> Recent = new(); // most recently used first
    private static int capacity;

    /// <summary>Keeps up to <paramref name="assemblies"/> loaded from now on; the least recently used beyond are unloaded.</summary>
    public static void Keep(int assemblies)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(assemblies);
        lock (Gate)
        {
            capacity = assemblies;
            Evict();
        }
    }

    /// <summary>The loaded assembly of <paramref name="key"/>, loaded by <paramref name="load"/> when none is kept; dispose the lease when done.</summary>
    public static Lease Acquire(string key, Func<LoadedScenarioAssembly> load)
    {
        lock (Gate)
        {
            for (var node = Recent.First; node is not null; node = node.Next)
            {
                if (node.Value.Key != key)
                    continue;
                Recent.Remove(node);
                Recent.AddFirst(node);
                node.Value.Users++;
                return new Lease(node.Value);
            }
        }
        var entry = new Entry(key, load()) { Users = 1 };
        lock (Gate)
        {
            if (capacity == 0)
                entry.Evicted = true;
            else
            {
                Recent.AddFirst(entry);
                Evict();
            }
        }
        return new Lease(entry);
    }

    /// <summary>How many assemblies are kept loaded now (for tests).</summary>
    public static int Count
    {
        get
        {
            lock (Gate)
                return Recent.Count;
        }
    }

    private static void Evict()
    {
        while (Recent.Count > capacity)
        {
            var oldest = Recent.Last!.Value;
            Recent.RemoveLast();
            oldest.Evicted = true;
            if (oldest.Users == 0)
                oldest.Assembly.Dispose();
        }
    }

    internal sealed class Entry(string key, LoadedScenarioAssembly assembly)
    {
        public string Key { get; } = key;
        public LoadedScenarioAssembly Assembly { get; } = assembly;
        public int Users { get; set; }
        public bool Evicted { get; set; }
    }

    /// <summary>One user's hold on a loaded assembly: it stays loaded at least until disposed.</summary>
    public sealed class Lease : IDisposable
    {
        private Entry? _entry;

        internal Lease(Entry entry) => _entry = entry;

        public LoadedScenarioAssembly Assembly => (_entry ?? throw new ObjectDisposedException(nameof(Lease))).Assembly;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _entry, null) is not { } entry)
                return;
            lock (Gate)
            {
                entry.Users--;
                if (entry.Users == 0 && entry.Evicted)
                    entry.Assembly.Dispose();
            }
        }
    }
}
