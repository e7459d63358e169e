using System.Reflection;
using System.Runtime.Loader;
using ScenarioLang.Runtime;

namespace ScenarioLang.Compiler.Emit;

/// <summary>A compiled scenario assembly as bytes: its PE image and portable PDB, from Roslyn or from the compile cache.</summary>
public sealed record AssemblyImage(byte[] Pe, byte[] Pdb)
{
    /// <summary>
    /// Loads the image into a collectible <see cref="AssemblyLoadContext"/> that shares ScenarioLang.Runtime with
    /// the host. Nothing here touches Roslyn, so a cache hit never loads it.
    /// </summary>
    public LoadedScenarioAssembly Load()
    {
        var context = new ScenarioLoadContext();
        using var pe = new MemoryStream(Pe, writable: false);
        using var pdb = new MemoryStream(Pdb, writable: false);
        return new LoadedScenarioAssembly(context, context.LoadFromStream(pe, pdb));
    }

    /// <summary>Collectible, and resolving everything else (our runtime above all) from the host's context.</summary>
    private sealed class ScenarioLoadContext() : AssemblyLoadContext("kscn-scenarios", isCollectible: true)
    {
        protected override Assembly? Load(AssemblyName assemblyName) => null;
    }
}

/// <summary>A loaded assembly of scenarios; disposing it unloads the context.</summary>
public sealed class LoadedScenarioAssembly(AssemblyLoadContext context, Assembly assembly) : IDisposable
{
    // One instance per class and path: a generated scenario keeps nothing between its runs, and a search can leave a
    // run of it for the next search of the same object (RunPool), a warm server's next request for the file.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Type, string File), IScenario> _scenarios = new();

    /// <summary>The instance of a generated scenario class told the path of its .kscn file as the user gave it: one per class and path.</summary>
    public IScenario CreateScenario(string typeName, string file) =>
        _scenarios.GetOrAdd((typeName, file), key => (IScenario)Activator.CreateInstance(assembly.GetType(key.Type, throwOnError: true)!, key.File)!);

    public void Dispose() => context.Unload();
}
