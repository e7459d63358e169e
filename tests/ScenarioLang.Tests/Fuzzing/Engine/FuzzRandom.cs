namespace ScenarioLang.Tests.Fuzzing.Engine;

/// <summary>
/// SplitMix64: the same numbers for the same seed on every .NET version and platform (System.Random's seeded sequence
/// is an implementation detail), so a seed printed by a failing case reproduces it anywhere.
/// </summary>
internal sealed class FuzzRandom(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A number in [0, <paramref name="bound"/>); bound must be positive.</summary>
    public int Next(int bound) => (int)(NextUInt64() % (ulong)bound);

    /// <summary>A number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int Between(int min, int max) => min + Next(max - min + 1);

    public bool Chance(int percent) => Next(100) < percent;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>The seed of case <paramref name="index"/> of a run started with <paramref name="runSeed"/>: each case replays alone.</summary>
    public static ulong CaseSeed(ulong runSeed, int index) => new FuzzRandom(runSeed ^ ((ulong)index * 0xD1B54A32D192ED03UL)).NextUInt64();
}
