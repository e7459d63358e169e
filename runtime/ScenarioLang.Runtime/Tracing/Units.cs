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
            return "byte".ToQuantity(bytes);
        var size = ByteSize.FromBytes(bytes);
        // Humanizer's symbols are binary multiples named KB/MB/GB; print the IEC names.
        var symbol = size.LargestWholeNumberSymbol.Replace("B", "iB", StringComparison.Ordinal);
        return size.LargestWholeNumberValue.ToString("0.##", CultureInfo.InvariantCulture) + " " + symbol;
    }

    public static string Count(long count, string noun) => noun.ToQuantity(count);

    public static string Port(long port) => Hex(port);

    public static string Hex(long value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);
}
