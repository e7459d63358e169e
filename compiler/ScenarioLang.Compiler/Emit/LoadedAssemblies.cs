using System.Security.Cryptography;

namespace ScenarioLang.Compiler.Emit;

/// <summary>
/// The scenario assemblies this process has loaded from the compile cache, by the bytes of their image: a kscn server
/// asked for the same scenarios again, which the cache answers with the same image, runs the code it loaded and
/// JIT-compiled for the last request instead of loading and compiling it anew. The cache still decides what runs (an
/// entry replaced or damaged on disk is another image, or none). The generated code keeps no state between runs
/// (each run makes its own scenario object), so runs may share it, at once too. Holds <see cref="Kept"/> assemblies at
/// most; one pushed out is unloaded as soon as no run uses it.
/// </summary>
public static class LoadedAssemblies
{
    public const int Kept = 8;

    private static readonly Lock Gate = new();
    // Least recently used first.
    private static readonly List<Entry> Recent = [];

    /// <summary>The loaded assembly of <paramref name="image"/>; dispose the lease when done.</summary>
    public static Lease Acquire(AssemblyImage image)
    {
        var key = KeyOf(image);
        lock (Gate)
        {
            var entry = Recent.Find(e => e.Key == key);
            if (entry is null)
            {
                entry = new Entry(key, image.Load());
                if (Recent.Count == Kept)
                {
                    var oldest = Recent[0];
                    Recent.RemoveAt(0);
                    oldest.Dropped = true;
                    oldest.UnloadIfUnused();
                }
            }
            else
            {
                Recent.Remove(entry);
            }
            Recent.Add(entry);
            entry.Users++;
            return new Lease(entry.Assembly, entry);
        }
    }

    /// <summary>An assembly no other run will use (compiled without the cache): the lease unloads it.</summary>
    public static Lease Alone(LoadedScenarioAssembly assembly) => new(assembly, null);

    private static string KeyOf(AssemblyImage image)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(image.Pe);
        hash.AppendData(image.Pdb);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    internal sealed class Entry(string key, LoadedScenarioAssembly assembly)
    {
        public string Key { get; } = key;

        public LoadedScenarioAssembly Assembly { get; } = assembly;

        public int Users { get; set; }

        /// <summary>Pushed out of <see cref="Recent"/>: unloaded when its last user is done.</summary>
        public bool Dropped { get; set; }

        public void UnloadIfUnused()
        {
            if (Dropped && Users == 0)
                Assembly.Dispose();
        }
    }

    /// <summary>A run's use of an assembly, kept (<paramref name="entry"/>) or not.</summary>
    public sealed class Lease : IDisposable
    {
        private readonly Entry? _entry;
        private LoadedScenarioAssembly? _assembly;

        internal Lease(LoadedScenarioAssembly assembly, Entry? entry) => (_assembly, _entry) = (assembly, entry);

        public LoadedScenarioAssembly Assembly => _assembly ?? throw new ObjectDisposedException(nameof(Lease));

        public void Dispose()
        {
            lock (Gate)
            {
                if (_assembly is not { } assembly)
                    return;
                _assembly = null;
                if (_entry is null)
                {
                    assembly.Dispose();
                    return;
                }
                _entry.Users--;
                _entry.UnloadIfUnused();
            }
        }
    }
}
