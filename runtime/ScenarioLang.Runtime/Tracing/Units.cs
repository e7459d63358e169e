using System.Globalization;
using Humanizer;
using Humanizer.Bytes;

namespace ScenarioLang.Runtime.Tracing;

/// <summary>Numbers as people read them: "8 KiB", "24 bytes", "3 tasks", "0x3f8".</summary>
public static class Units
{
    public static string Bytes(long bytes)
    {
        if (Math.Abs(bytes) < 1024)
            return Count(bytes, "byte");
        var size = ByteSize.FromBytes(bytes);
        // Humanizer's symbols are binary multiples named KB/MB/GB; print the IEC names.
        var symbol = size.LargestWholeNumberSymbol.Replace("B", "iB", StringComparison.Ordinal);
        return size.LargestWholeNumberValue.ToString("0.##", CultureInfo.InvariantCulture) + " " + symbol;
    }

    /// <summary>"1 execution", "3 executions": Humanizer's plural, looked up once per noun (its rules are slow regexes).</summary>
    public static string Count(long count, string noun) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? noun : Plurals.GetOrAdd(noun, n => n.Pluralize(inputIsKnownToBeSingular: true)));

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Plurals = new(StringComparer.Ordinal);

    public static string Port(long port) => Hex(port);

    public static string Hex(long value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);
}
