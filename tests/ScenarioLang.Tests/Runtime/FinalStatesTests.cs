using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Exploration;

namespace ScenarioLang.Tests.Runtime;

/// <summary>
/// A search's final states are kept as codes of their parts: they must print, count and sort exactly as their texts
/// do under the ordinal order, whatever they came from.
/// </summary>
public sealed class FinalStatesTests
{
    [Fact]
    public void States_sort_in_the_ordinal_order_of_their_text()
    {
        // A part that is a prefix of another (r1=1, r1=10), values around the separator's ';' (0x3B), a part that
        // differs only after a shared prefix of parts, fewer and more parts, an empty part and the empty text.
        string[][] observed =
        [
            ["r0=0", "r1=10"], ["r0=0", "r1=1"], ["r0=0", "r1=1:"], ["r0=0", "r1=1;"], ["r0=0", "r1=1", "r2=0"],
            ["r0=0"], ["r0=00"], ["r0=0", "r1=0"], ["r1=0"], ["a=b=c"], ["a=b", "c=d"], ["r0=", "r1=1"], [],
        ];
        var states = new FinalStates();
        foreach (var state in observed)
            states.Add([.. state.Select(Pair)], 1);
        states.Add("deadlock: cpu0 spins on lock", 2);

        var expected = observed.Select(s => string.Join("; ", s)).Append("deadlock: cpu0 spins on lock").Order(StringComparer.Ordinal);
        Assert.Equal(expected, states.Sorted().Select(s => s.State));
    }

    [Fact]
    public void One_text_is_one_state_whatever_it_came_from()
    {
        var states = new FinalStates();
        states.Add([("r0", "1"), ("r1", "0")], 2);
        states.Add("r0=1; r1=0", 3);
        // A subject or value holding the separator is kept by its text, which splits elsewhere.
        states.Add([("x", "a; b")], 1);
        states.Add("x=a; b", 1);
        Assert.False(states.TryAdd("r0=1; r1=0", 1));
        Assert.True(states.TryAdd("r0=1; r1=1", 4));

        Assert.Equal([new FinalState("r0=1; r1=0", 5), new FinalState("r0=1; r1=1", 4), new FinalState("x=a; b", 2)], states.Sorted());
    }

    [Fact]
    public void States_added_from_another_set_keep_their_text_and_add_their_counts()
    {
        var part = new FinalStates();
        part.Add([("r1", "1")], 1);
        part.Add([("r0", "0"), ("r1", "1")], 2);
        var total = new FinalStates();
        total.Add([("r0", "0"), ("r1", "1")], 1);
        total.Add(part);
        Assert.Equal([new FinalState("r0=0; r1=1", 3), new FinalState("r1=1", 1)], total.Sorted());
    }

    [Fact]
    public void More_parts_than_one_char_can_code_still_sort_and_print()
    {
        // 40,000 distinct parts: the later ones take two chars of a key.
        var states = new FinalStates();
        var texts = new List<string>();
        for (var i = 0; i < 40_000; i++)
        {
            var text = $"v{i}={i % 7}; w=1";
            texts.Add(text);
            states.Add([($"v{i}", (i % 7).ToString(System.Globalization.CultureInfo.InvariantCulture)), ("w", "1")], 1);
        }
        Assert.Equal(texts.Order(StringComparer.Ordinal), states.Sorted().Select(s => s.State));
    }

    private static (string, string) Pair(string part) => (part[..part.IndexOf('=')], part[(part.IndexOf('=') + 1)..]);
}
