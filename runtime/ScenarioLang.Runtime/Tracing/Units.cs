using System.Globalization;
using Humanizer;

namespace ScenarioLang.Runtime.Tracing;

/// <summary>Numbers as people read them: "8 KiB", "24 bytes", "3 tasks", "0x3f8".</summary>
public static class Units
{
    private static readonly string[] BinaryUnits = ["KiB", "MiB", "GiB", "TiB"];

    /// <summary>"24 bytes", "8 KiB", "7.82 MiB": the largest binary unit the size has one whole of, two decimals at most.</summary>
    public static string Bytes(long bytes)
    {
        if (Math.Abs(bytes) < 1024)
            return Count(bytes, "byte");
        var value = bytes / 1024.0;
        var unit = 0;
        while (Math.Abs(value) >= 1024 && unit < BinaryUnits.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return value.ToString("0.##", CultureInfo.InvariantCulture) + " " + BinaryUnits[unit];
    }

    /// <summary>
    /// "1 execution", "3 executions". The nouns kscn prints have their plurals here, because Humanizer's first plural
    /// builds its whole vocabulary of regexes (about 0.1 s of every kscn process); another noun's is Humanizer's, looked
    /// up once.
    /// </summary>
    public static string Count(long count, string noun) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? noun : Plurals.GetOrAdd(noun, n => n.Pluralize(inputIsKnownToBeSingular: true)));

    /// <summary>Every noun passed to <see cref="Count"/> in this repository; a test checks that Humanizer agrees with "+s".</summary>
    internal static readonly string[] KnownNouns =
    [
        "byte", "CPU", "I/O bitmap", "buffered store", "deadlock", "event", "execution", "expectation", "final state",
        "finding", "iteration", "known failure", "mapping", "page", "part", "preemption", "store", "task", "vma",
    ];

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Plurals =
        new(KnownNouns.Select(n => KeyValuePair.Create(n, n + "s")), StringComparer.Ordinal);

    public static string Port(long port) => Hex(port);

    public static string Hex(long value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);
}
