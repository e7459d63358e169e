using System.Text;

namespace ScenarioLang.Tests.Fuzzing.Engine;

/// <summary>A file the mutator starts from.</summary>
internal sealed record FuzzSample(string Name, string Text)
{
    /// <summary>Every samples/**/*.kscn of the repository at <paramref name="root"/>, named by relative path, in ordinal order.</summary>
    public static IReadOnlyList<FuzzSample> UnderSamples(string root) =>
        Directory.EnumerateFiles(Path.Combine(root, "samples"), "*.kscn", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .Select(f => new FuzzSample(f, File.ReadAllText(Path.Combine(root, f))))
            .ToList();
}

internal enum MutationClass
{
    ByteFlip,
    TokenEdit,
    Numbers,
    Names,
    Splice,
    Unicode,
    LineEnds,
    Nesting,
}

/// <summary>One generated input: the seed that makes it again, where it came from, what was done, and its bytes.</summary>
internal sealed record FuzzInput(ulong Seed, string Sample, MutationClass Class, string Description, byte[] Bytes)
{
    /// <summary>The bytes decoded as UTF-8, invalid sequences replaced.</summary>
    public string Text => Encoding.UTF8.GetString(Bytes);

    public override string ToString() => $"seed {Seed} ({Class} of {Sample}: {Description})";
}

/// <summary>
/// Mutates the samples: every input is a function of its seed alone. For <c>check</c> anything goes within
/// <see cref="FuzzLimits"/>; <paramref name="forRun"/> keeps to edits whose run stays small (no new numbers, small
/// repeat counts), since a valid file with a big repeat or a read of gigabytes is a run of seconds within the step
/// limit (KSC0236), not a bug.
/// </summary>
internal sealed class Mutator(IReadOnlyList<FuzzSample> samples, bool forRun = false)
{
    private static readonly MutationClass[] CheckClasses = Enum.GetValues<MutationClass>();
    private static readonly MutationClass[] RunClasses = [MutationClass.TokenEdit, MutationClass.Splice, MutationClass.Unicode, MutationClass.LineEnds, MutationClass.Nesting];

    /// <summary>Keywords and operators of the language, and a few characters that end strings and comments.</summary>
    private static readonly string[] LanguageTokens =
    [
        "scenario", "kernel", "memory", "cpus", "task", "root", "user", "switch", "idle", "expect", "is", "not", "none", "on",
        "off", "ok", "repeat", "for", "each", "preempted", "failing", "at", "shared", "explore", "always", "never", "sometimes", "and",
        "until", "continue", "drain", "file", "ioperm", "iopl", "fork", "clone", "exec", "exit", "setresuid", "vmalloc",
        "mmap", "munmap", "inb", "inw", "inl", "outb", "outw", "outl", "cli", "sti", "pushf", "store", "load", "xchg",
        "mfence", "touch", "read", "write", "leak", "use-after-free", "double-free", "refcount-misuse", "KiB", "MiB", "GiB",
        "{", "}", "(", ")", "[", "]", ",", ":", ".", "=", "|", "-", "->", "==", "!=", "<", "<=", ">", ">=", "#GP", "#PF",
        "\"\"", "/*", "*/", "//", "\\", "\"",
    ];

    private static readonly string[] BoundaryNumbers =
    [
        "0", "1", "-1", "-0", "255", "256", "0x3ff", "0x400", "65535", "65536", "0xffff", "0x10000", "2147483647", "2147483648",
        "4294967295", "4294967296", "9223372036854775807", "9223372036854775808", "18446744073709551615",
        "18446744073709551616", "0xffffffffffffffff", "0x10000000000000000", "0x", "0X10", "00000000000000000000001",
        "1KiB", "16777215 GiB", "17179869184 GiB", "8589934591 GiB", "0.5", "1e9", new string('9', FuzzLimits.HugeNumberDigits),
        "0x" + new string('f', FuzzLimits.HugeNumberDigits),
    ];

    private static readonly string[] BoundaryNames =
    [
        "_", "A", "B", "a-b", "a_b", "my-task", "ioperm", "scenario", "cpu0", "cpu63", "cpu64", "cpu4294967296",
        "cpu" + new string('9', 40), "ToString", "GetHashCode", "Finalize", "__proto__", "A1", "Z", "merged", "v2-06-16",
        "pre-5.5", "io_bitmap_base", "bitmap", "x.y", "\u0430", "scenar\u0131o", "A\u0301", "\uff21", new string('n', 120),
        new string('N', FuzzLimits.MaxNameLengthForRun),
    ];

    private static readonly string[] UnicodeInserts =
    [
        "\u0301", "\u0300\u0301\u0302\u0303", "\u202e", "\u202d", "\u2066", "\u200f", "\u200b", "\u200d", "\ufeff", "\u2028",
        "\u2029", "\u0085", "\0", "\u0007", "\u001b[31m", "\u001b]0;title\u0007", "\u009b", "\r", "\t", "\u000b", "\u000c",
        "\ud83d\ude00", "\u0430", "\uff10", "\ufffd", "\u00a0", "\u3000",
    ];

    /// <summary>Invalid UTF-8: a lone surrogate (ED A0 80), overlong NUL, a stray continuation, a cut sequence, FF.</summary>
    private static readonly byte[][] InvalidUtf8 = [[0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xC0, 0x80], [0x80], [0xE2, 0x82], [0xFF], [0xFE, 0xFF], [0xF4, 0x90, 0x80, 0x80]];

    private readonly List<string> _vocabulary = [.. LanguageTokens, .. samples.SelectMany(s => KscnTokens.Split(s.Text)).Where(t => !t.IsTrivia && t.Text.Length < 40).Select(t => t.Text).Distinct().Order(StringComparer.Ordinal)];

    public FuzzInput Create(ulong seed)
    {
        var random = new FuzzRandom(seed);
        var sample = random.Pick(samples);
        var kind = random.Pick(forRun ? RunClasses : CheckClasses);
        var log = new List<string>();
        var bytes = kind switch
        {
            MutationClass.ByteFlip => FlipBytes(Encoding.UTF8.GetBytes(sample.Text), random, log),
            MutationClass.TokenEdit => Utf8(EditTokens(sample.Text, random, log)),
            MutationClass.Numbers => Utf8(ReplaceTokens(sample.Text, TokenKind.Number, BoundaryNumbers, random, log)),
            MutationClass.Names => Utf8(ReplaceTokens(sample.Text, TokenKind.Word, BoundaryNames, random, log)),
            MutationClass.Splice => Utf8(Splice(sample.Text, random, log)),
            MutationClass.Unicode => InsertUnicode(sample.Text, random, log),
            MutationClass.LineEnds => Utf8(ChangeLineEnds(sample.Text, random, log)),
            MutationClass.Nesting => Utf8(Nest(sample.Text, random, log)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no mutation of this class"),
        };
        if (bytes.Length > FuzzLimits.MaxInputBytes)
        {
            bytes = bytes[..FuzzLimits.MaxInputBytes];
            log.Add($"cut to {FuzzLimits.MaxInputBytes} bytes");
        }
        return new FuzzInput(seed, sample.Name, kind, string.Join("; ", log), bytes);
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] FlipBytes(byte[] input, FuzzRandom random, List<string> log)
    {
        var bytes = new List<byte>(input);
        for (var n = random.Between(1, 8); n > 0 && bytes.Count > 0; n--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    log.Add($"bit flip at {at}");
                    break;
                case 1:
                    bytes[at] = (byte)random.Next(256);
                    log.Add($"byte 0x{bytes[at]:x2} at {at}");
                    break;
                case 2:
                    bytes.Insert(at, (byte)random.Next(256));
                    log.Add($"insert 0x{bytes[at]:x2} at {at}");
                    break;
                case 3:
                    var length = Math.Min(random.Between(1, 32), bytes.Count - at);
                    bytes.RemoveRange(at, length);
                    log.Add($"delete {length} at {at}");
                    break;
                default:
                    var copy = bytes.GetRange(at, Math.Min(random.Between(1, 64), bytes.Count - at));
                    var to = random.Next(bytes.Count + 1);
                    bytes.InsertRange(to, copy);
                    log.Add($"copy {copy.Count} from {at} to {to}");
                    break;
            }
        }
        return [.. bytes];
    }

    /// <summary>Deletes, duplicates, swaps or replaces 1-4 tokens; for run, numbers are left alone (see the class summary).</summary>
    private string EditTokens(string text, FuzzRandom random, List<string> log)
    {
        var tokens = KscnTokens.Split(text);
        var editable = Enumerable.Range(0, tokens.Count).Where(i => !tokens[i].IsTrivia && !(forRun && tokens[i].Kind == TokenKind.Number)).ToList();
        for (var n = random.Between(1, 4); n > 0 && editable.Count > 1; n--)
        {
            var i = random.Pick(editable);
            var token = tokens[i];
            switch (random.Next(4))
            {
                case 0:
                    tokens[i] = token with { Text = "" };
                    log.Add($"delete '{token.Text}'");
                    break;
                case 1:
                    tokens[i] = token with { Text = token.Text + " " + token.Text };
                    log.Add($"duplicate '{token.Text}'");
                    break;
                case 2:
                    var j = random.Pick(editable);
                    (tokens[i], tokens[j]) = (tokens[j], tokens[i]);
                    log.Add($"swap '{token.Text}' and '{tokens[i].Text}'");
                    break;
                default:
                    var replacement = random.Pick(_vocabulary);
                    if (forRun && KscnTokens.Split(replacement).Any(t => t.Kind == TokenKind.Number))
                        replacement = random.Pick(LanguageTokens);
                    tokens[i] = token with { Text = replacement };
                    log.Add($"'{token.Text}' -> '{replacement}'");
                    break;
            }
        }
        return string.Concat(tokens.Select(t => t.Text));
    }

    private static string ReplaceTokens(string text, TokenKind kind, string[] values, FuzzRandom random, List<string> log)
    {
        var tokens = KscnTokens.Split(text);
        var targets = Enumerable.Range(0, tokens.Count).Where(i => tokens[i].Kind == kind).ToList();
        for (var n = random.Between(1, 3); n > 0 && targets.Count > 0; n--)
        {
            var i = random.Pick(targets);
            var value = random.Pick(values);
            log.Add($"'{tokens[i].Text}' -> '{Shorten(value)}'");
            tokens[i] = tokens[i] with { Text = value };
        }
        return string.Concat(tokens.Select(t => t.Text));
    }

    /// <summary>The head of one sample on the tail of another, cut at token boundaries; or lines of one pasted into another.</summary>
    private string Splice(string text, FuzzRandom random, List<string> log)
    {
        var other = random.Pick(samples);
        if (random.Chance(50))
        {
            var head = KscnTokens.Split(text);
            var tail = KscnTokens.Split(other.Text);
            var cut = random.Next(head.Count + 1);
            var from = random.Next(tail.Count + 1);
            log.Add($"tokens [0,{cut}) + {other.Name} tokens [{from},{tail.Count})");
            return string.Concat(head.Take(cut).Concat(tail.Skip(from)).Select(t => t.Text));
        }
        var lines = text.Split('\n').ToList();
        var source = other.Text.Split('\n');
        var start = random.Next(source.Length);
        var count = Math.Min(random.Between(1, 12), source.Length - start);
        var at = random.Next(lines.Count + 1);
        lines.InsertRange(at, source.Skip(start).Take(count));
        log.Add($"{other.Name} lines {start + 1}-{start + count} pasted before line {at + 1}");
        return string.Join('\n', lines);
    }

    /// <summary>Unicode and control characters, in a title or comment (for run) or anywhere; for check, invalid UTF-8 bytes too.</summary>
    private byte[] InsertUnicode(string text, FuzzRandom random, List<string> log)
    {
        var tokens = KscnTokens.Split(text);
        var targets = Enumerable.Range(0, tokens.Count).Where(i => !forRun || tokens[i].Kind is TokenKind.String or TokenKind.Comment).ToList();
        for (var n = random.Between(1, 3); n > 0 && targets.Count > 0; n--)
        {
            var i = random.Pick(targets);
            var insert = random.Pick(UnicodeInserts);
            var token = tokens[i].Text;
            // Inside a title, before its closing quote; inside a comment, after its opening; elsewhere at any char boundary.
            var at = tokens[i].Kind switch
            {
                TokenKind.String => Math.Max(1, token.Length - 1),
                TokenKind.Comment => Math.Min(2, token.Length),
                _ => random.Next(token.Length + 1),
            };
            if (at > 0 && at < token.Length && char.IsLowSurrogate(token[at]))
                at--;
            tokens[i] = tokens[i] with { Text = token.Insert(at, insert) };
            log.Add($"insert {Ascii(insert)} into '{Shorten(token)}'");
        }
        var bytes = Utf8(string.Concat(tokens.Select(t => t.Text)));
        if (forRun || random.Chance(50))
            return bytes;
        var invalid = random.Pick(InvalidUtf8);
        var position = random.Next(bytes.Length + 1);
        log.Add($"invalid UTF-8 {Convert.ToHexString(invalid)} at byte {position}");
        return [.. bytes.AsSpan(0, position), .. invalid, .. bytes.AsSpan(position)];
    }

    private static string ChangeLineEnds(string text, FuzzRandom random, List<string> log)
    {
        switch (random.Next(4))
        {
            case 0:
                log.Add("CRLF line ends");
                return text.Replace("\n", "\r\n", StringComparison.Ordinal);
            case 1:
                log.Add("CR line ends");
                return text.Replace("\n", "\r", StringComparison.Ordinal);
            case 2:
                log.Add("no final line end, byte order mark");
                return "\ufeff" + text.TrimEnd('\n');
            default:
                // Line comments become block comments first, or the first one would swallow the whole file.
                log.Add("line comments made block comments, lines joined with spaces");
                var tokens = KscnTokens.Split(text).Select(t => t.Kind == TokenKind.Comment && t.Text.StartsWith("//", StringComparison.Ordinal) ? "/*" + t.Text[2..].Replace("*/", "* /", StringComparison.Ordinal) + " */" : t.Text);
                return string.Concat(tokens).Replace('\n', ' ');
        }
    }

    /// <summary>Wraps a run of statement lines in nested repeats, explore blocks or bare braces; sometimes leaves them unclosed.</summary>
    private string Nest(string text, FuzzRandom random, List<string> log)
    {
        var lines = text.Split('\n').ToList();
        var statements = Enumerable.Range(0, lines.Count).Where(i => IsStatement(lines[i])).ToList();
        if (statements.Count == 0)
            return text;
        var first = random.Pick(statements);
        var last = Math.Min(first + random.Between(0, 4), lines.Count - 1);
        var depth = random.Between(1, forRun ? FuzzLimits.MaxNestingDepthForRun : FuzzLimits.MaxNestingDepthForCheck);
        string[] counts = forRun ? ["1", "2", "3"] : ["0", "1", "2", "3", "1000", "1000000", "1000001", "4294967296"];
        var opens = new List<string>();
        for (var d = 0; d < depth; d++)
        {
            opens.Add(forRun ? $"repeat {random.Pick(counts)} {{" : random.Next(6) switch
            {
                0 => "explore {",
                1 => "{",
                _ => $"repeat {random.Pick(counts)} {{",
            });
        }
        var closed = forRun || random.Chance(85);
        lines.Insert(last + 1, string.Concat(Enumerable.Repeat("}", closed ? depth : 0)));
        lines.Insert(first, string.Join(' ', opens));
        log.Add($"lines {first + 1}-{last + 1} in {depth} levels ({Shorten(string.Join(' ', opens))}){(closed ? "" : ", unclosed")}");
        return string.Join('\n', lines);
    }

    private static bool IsStatement(string line) => line.TrimStart() is var t && (t.StartsWith("cpu", StringComparison.Ordinal) || t.StartsWith("expect", StringComparison.Ordinal) || t.StartsWith("repeat", StringComparison.Ordinal));

    private static string Shorten(string text) => text.Length <= 40 ? Ascii(text) : Ascii(text[..20]) + $"...({text.Length} chars)";

    /// <summary>
    /// Every character outside printable ASCII as \uXXXX. Not PrintableText: a fuzz report must also show the
    /// homoglyphs, combining marks and invalid-UTF-8 replacements that PrintableText rightly prints as they are.
    /// </summary>
    public static string Ascii(string text) =>
        string.Concat(text.Select(c => c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:x4}"));
}
