using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Scheduling;

namespace ScenarioLang.Tests.Runtime;

/// <summary>
/// The machine keeps memory's words and each store buffer in arrays of its own (issue 21: every event of a search reads
/// or writes them): a buffer stays FIFO as its array slides and grows, and memory reads 0 for a word never written,
/// lists the words written (a 0 written too), and takes a location numbered beyond its array. The tables by location
/// cost the pages of the locations they hold, not the highest number the process has given out.
/// </summary>
public sealed class MachineTablesTests
{
    [Fact]
    public void A_store_buffer_drains_oldest_first_and_forwards_the_newest_store_while_its_array_slides_and_grows()
    {
        var buffer = new X86Machine(1, KernelConfig.Default, MemoryModel.Tso).Cpus[0].StoreBuffer;
        var (x, y) = (new MemoryLocation("x"), new MemoryLocation("y"));
        var expected = new Queue<BufferedStore>();
        var value = 0;
        // Three stores in, two out, again and again: the live stores move along the array, which slides back to its
        // start when they reach its end; then eleven in a row make it grow.
        for (var round = 0; round < 6; round++)
        {
            for (var i = 0; i < 3; i++)
            {
                var store = new BufferedStore(i % 2 == 0 ? x : y, ++value);
                buffer.Add(store);
                expected.Enqueue(store);
            }
            for (var i = 0; i < 2; i++)
                Assert.Equal(expected.Dequeue(), buffer.TakeOldest());
            Assert.Equal(expected, buffer.Stores);
        }
        for (var i = 0; i < 11; i++)
        {
            var store = new BufferedStore(x, ++value);
            buffer.Add(store);
            expected.Enqueue(store);
        }
        Assert.Equal(expected, buffer.Stores);
        Assert.Equal(expected.Count, buffer.Count);
        Assert.Equal(value, buffer.Forward(x));
        Assert.Equal(expected.Last(s => s.Location == y).Value, buffer.Forward(y));
        Assert.Null(buffer.Forward(new MemoryLocation("z")));
        while (expected.Count > 0)
            Assert.Equal(expected.Dequeue(), buffer.TakeOldest());
        Assert.True(buffer.IsEmpty);
        Assert.Throws<InvalidOperationException>(() => buffer.Oldest);
    }

    [Fact]
    public void Memory_reads_0_for_a_word_never_written_and_lists_every_word_written_once()
    {
        var memory = new X86Machine(1, KernelConfig.Default, MemoryModel.Sc).Memory;
        // More locations than the table's first array holds: numbered later, they make it grow.
        var words = Enumerable.Range(0, 200).Select(i => new MemoryLocation($"table_words_{i}")).ToArray();
        for (var i = 0; i < words.Length; i += 2)
            memory.Initialize(words[i], i);
        memory.Initialize(words[0], 7);
        memory.Initialize(words[1], 0);

        Assert.Equal(7, memory.Read(words[0]));
        Assert.Equal(198, memory.Read(words[198]));
        Assert.Equal(0, memory.Read(words[199]));
        var listed = memory.Words.Where(w => w.Key.Name.StartsWith("table_words_", StringComparison.Ordinal)).ToList();
        Assert.Equal(101, listed.Count);
        Assert.Equal(listed.OrderBy(w => w.Key.Name, StringComparer.Ordinal).Select(w => w.Key), listed.Select(w => w.Key));
        Assert.Contains(new KeyValuePair<MemoryLocation, long>(words[0], 7), listed);
        Assert.Contains(new KeyValuePair<MemoryLocation, long>(words[1], 0), listed);
        Assert.Contains(new KeyValuePair<MemoryLocation, long>(words[2], 2), listed);
    }

    [Fact]
    public void A_table_by_location_holds_the_pages_of_the_locations_set_not_of_the_highest_number_given()
    {
        // Numbered after every name made so far in this process, as a server's names are after a large scenario.
        var earlier = Enumerable.Range(0, 4 * 256).Select(i => new MemoryLocation($"location_table_{i}")).ToArray();
        var (a, b) = (new MemoryLocation("location_table_a"), new MemoryLocation("location_table_b"));
        var table = new LocationTable<long>();

        Assert.Equal(0, table.Get(a));
        Assert.Equal(0, table.Pages);
        table.Slot(a) = 7;
        table.Slot(b) = 8;
        table.Slot(earlier[0]) = 9;

        Assert.Equal((7, 8, 9), (table.Get(a), table.Get(b), table.Get(earlier[0])));
        Assert.Equal(0, table.Get(earlier[^1]));
        Assert.InRange(table.Pages, 2, 3);
        // A flat array would hold a slot for every number up to b's, over a thousand.
        Assert.True(table.Pages * 256 < b.Number, $"{table.Pages} pages for a location numbered {b.Number}");
        table.Slot(a) = 0;
        Assert.Equal((0, 8), (table.Get(a), table.Get(b)));
    }
}
