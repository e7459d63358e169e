using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ScenarioLang.Runtime.Exploration;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Runtime;

/// <summary>
/// What one shard of a search found (kscn explore --shard i/n --shard-output FILE), for <see cref="ShardMerge"/>: the
/// search's <see cref="ShardIdentity"/>, which shard, and for each explore block it ran (each scenario and kernel
/// configuration, in the order they ran) how many parts the search has and the tally of every part this shard ran.
/// </summary>
/// <remarks>
/// The file is a first line naming the format and its version, the JSON, and a last line with the SHA-256 of everything
/// before it, so that a file cut short or changed is refused before it is read. The same search writes the same
/// bytes, for any number of threads: parts in order, final states in ordinal order. The JSON escapes only what JSON
/// must (quotes, backslashes, control characters), so that a person reads the states and schedules as the trace prints them.
/// </remarks>
public sealed class ShardFile(ShardIdentity identity, ExploreShard shard)
{
    /// <summary>The version of the format; a kscn reads only its own.</summary>
    public const int Format = 1;

    private const string Magic = "kscn shard file, format ";
    private const string ChecksumPrefix = "sha256 ";

    private readonly List<ShardBlock> _blocks = [];

    public ShardIdentity Identity => identity;

    public ExploreShard Shard => shard;

    internal IReadOnlyList<ShardBlock> Blocks => _blocks;

    /// <summary>Takes in an explore block's search: <paramref name="tallies"/> by this shard's own numbering of its parts.</summary>
    internal void Add(ScenarioDescription scenario, KernelConfig config, int parts, SortedDictionary<int, ExplorationTally> tallies) =>
        _blocks.Add(new ShardBlock(ShardBlock.KeyOf(scenario, config), parts, new(tallies.ToDictionary(t => shard.Part(t.Key), t => t.Value))));

    public byte[] ToBytes()
    {
        var json = new MemoryStream();
        using (var w = new Utf8JsonWriter(json, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("kscn", identity.Kscn);
            w.WriteString("build", identity.Build);
            w.WriteStartObject("shard");
            w.WriteNumber("index", shard.Index);
            w.WriteNumber("count", shard.Count);
            w.WriteEndObject();
            w.WriteStartArray("sources");
            foreach (var source in identity.Sources)
            {
                w.WriteStartObject();
                w.WriteString("path", source.Path);
                w.WriteString("sha256", source.Sha256);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            ShardJson.Strings(w, "variants", identity.Variants);
            w.WriteStartObject("search");
            foreach (var (option, value) in identity.Search)
                w.WriteString(option, value);
            w.WriteEndObject();
            w.WriteStartArray("blocks");
            foreach (var block in _blocks)
            {
                w.WriteStartObject();
                w.WriteString("block", block.Key);
                w.WriteNumber("parts", block.Parts);
                w.WriteStartArray("tallies");
                foreach (var (part, tally) in block.Tallies)
                {
                    w.WriteStartObject();
                    w.WriteNumber("part", part);
                    w.WritePropertyName("tally");
                    tally.Write(w);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        var body = Encoding.UTF8.GetBytes($"{Magic}{Format}\n").Concat(json.ToArray()).Append((byte)'\n').ToArray();
        return [.. body, .. Encoding.UTF8.GetBytes($"{ChecksumPrefix}{Convert.ToHexStringLower(SHA256.HashData(body))}\n")];
    }

    /// <summary>
    /// Whether <paramref name="start"/>, the first bytes of a file, could begin a shard file: a file that does not is
    /// not read further (a device such as /dev/zero never ends).
    /// </summary>
    public static bool Begins(ReadOnlySpan<byte> start) => start.StartsWith(Encoding.UTF8.GetBytes(Magic));

    /// <summary>The first bytes a shard file starts with, as many as <see cref="Begins"/> needs.</summary>
    public static int MagicLength => Magic.Length;

    /// <summary>Reads a shard file's bytes; throws <see cref="ShardFileException"/>, saying why, on anything else.</summary>
    public static ShardFile Read(byte[] bytes)
    {
        if (!Begins(bytes))
            throw new ShardFileException("it is not a kscn shard file (kscn explore --shard i/n --shard-output FILE writes them)");
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new ShardFileException("it is damaged: it is not UTF-8 text");
        }
        var firstLine = text.IndexOf('\n') is var end and >= 0 ? text[..end] : text;
        if (firstLine != Magic + Format)
            throw new ShardFileException($"it is in shard file format '{PrintableText.Escape(string.Concat(firstLine.Skip(Magic.Length).Take(20)))}', and this kscn reads format {Format}");
        var last = text.Length > 1 && text[^1] == '\n' ? text.LastIndexOf('\n', text.Length - 2) + 1 : -1;
        if (last <= 0 || !text.AsSpan(last).StartsWith(ChecksumPrefix))
            throw new ShardFileException("it is cut short: its last line is not its checksum");
        var body = bytes.AsSpan(0, Encoding.UTF8.GetByteCount(text.AsSpan(0, last)));
        if (text[(last + ChecksumPrefix.Length)..^1] != Convert.ToHexStringLower(SHA256.HashData(body)))
            throw new ShardFileException("it is damaged: its checksum does not match its contents");
        try
        {
            using var document = JsonDocument.Parse(body[(firstLine.Length + 1)..].ToArray());
            return FromJson(document.RootElement);
        }
        // What the checksum let through was written so, not damaged on the way: a hand-made or foreign file.
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new ShardFileException($"its contents are not a shard's: {e.Message}");
        }
    }

    private static ShardFile FromJson(JsonElement root)
    {
        var at = root.GetProperty("shard");
        var (index, count) = (ShardJson.Count(at, "index"), ShardJson.Count(at, "count"));
        if (index < 1 || index > count)
            throw new ShardFileException($"it names shard {index} of {count}");
        var identity = new ShardIdentity(
            ShardJson.Text(root, "kscn"),
            ShardJson.Text(root, "build"),
            [.. root.GetProperty("sources").EnumerateArray().Select(s => new ShardSource(ShardJson.Text(s, "path"), ShardJson.Text(s, "sha256")))],
            ShardJson.Strings(root, "variants"),
            [.. root.GetProperty("search").EnumerateObject().Select(o => new KeyValuePair<string, string?>(o.Name, o.Value.GetString()))]);
        var file = new ShardFile(identity, new ExploreShard(index, count));
        foreach (var block in root.GetProperty("blocks").EnumerateArray())
        {
            var parts = ShardJson.Count(block, "parts");
            var tallies = new SortedDictionary<int, ExplorationTally>();
            foreach (var item in block.GetProperty("tallies").EnumerateArray())
            {
                var part = ShardJson.Count(item, "part");
                // Only this shard's parts, each once: a merge appends every part of the search exactly once.
                if (part >= parts || part % count != index - 1 || !tallies.TryAdd(part, ExplorationTally.Read(item.GetProperty("tally"))))
                    throw new ShardFileException($"it holds part {part + 1} of {parts} twice or out of its shard");
            }
            file._blocks.Add(new ShardBlock(ShardJson.Text(block, "block"), parts, tallies));
        }
        return file;
    }
}

/// <summary>
/// One explore block's search in a shard file: the scenario and configuration it ran under (<see cref="Key"/>), how many
/// parts the whole search has, and the tallies of the parts the shard ran, by their number in the whole search.
/// </summary>
internal sealed record ShardBlock(string Key, int Parts, SortedDictionary<int, ExplorationTally> Tallies)
{
    /// <summary>"samples/x.kscn: "name" (ioperm=merged, pgd=…)": the file, the scenario, and every mechanism's variant.</summary>
    public static string KeyOf(ScenarioDescription scenario, KernelConfig config) =>
        $"{scenario.File}: \"{scenario.Name}\" ({string.Join(", ", config.Names.Select(n => $"{n.Key}={n.Value}"))})";
}

/// <summary>A shard file that cannot be read or merged; the message says why, in words for the command line.</summary>
public sealed class ShardFileException(string message) : Exception(message);
