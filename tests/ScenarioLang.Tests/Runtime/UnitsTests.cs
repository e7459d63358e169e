using System.Globalization;
using Humanizer;
using Humanizer.Bytes;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Tests.Runtime;

/// <summary>Units spells sizes and plurals without Humanizer at run time (its start-up cost); they must still be Humanizer's.</summary>
public sealed class UnitsTests
{
    public static TheoryData<string> KnownNouns => new(Units.KnownNouns);

    [Theory]
    [MemberData(nameof(KnownNouns))]
    public void A_known_plural_is_Humanizers(string noun) =>
        Assert.Equal(noun.Pluralize(inputIsKnownToBeSingular: true), Units.Count(2, noun)[2..]);

    [Theory]
    [InlineData(1024L)]
    [InlineData(8192L)]
    [InlineData(8193L)]
    [InlineData(1048575L)]
    [InlineData(1048576L)]
    [InlineData(8_200_000L)]
    [InlineData(5L << 30)]
    [InlineData(3L << 40)]
    [InlineData(-16384L)]
    public void A_size_is_spelled_as_Humanizers_largest_whole_unit(long bytes)
    {
        var size = ByteSize.FromBytes(bytes);
        var humanizer = size.LargestWholeNumberValue.ToString("0.##", CultureInfo.InvariantCulture) + " " +
            size.LargestWholeNumberSymbol.Replace("B", "iB", StringComparison.Ordinal);
        Assert.Equal(humanizer, Units.Bytes(bytes));
    }
}
