using System.Text.RegularExpressions;
using ScenarioLang.Cli;

namespace ScenarioLang.Tests.Fuzzing.Engine;

/// <summary>One generated command line: the seed that makes it again, and its arguments.</summary>
internal sealed record FuzzCommandLine(ulong Seed, string[] Args)
{
    public override string ToString() => $"seed {Seed}: kscn {string.Join(' ', Args.Select(Quote))}";

    private static string Quote(string arg) => arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,*".Contains(c))
        ? arg
        : "'" + Mutator.Ascii(arg).Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

/// <summary>
/// Odd command lines: a verb (or a misspelt one, or none), then its real options in any order, with values of every
/// sort (out of range, of the wrong kind, missing, repeated, attached with '='), misspelt options, and files that exist,
/// do not, are folders, are empty or are not text. Each verb's options are read from <c>kscn VERB --help</c>, so an option
/// is fuzzed the day it is added. Every input is a function of its seed alone.
/// </summary>
/// <remarks>
/// Left out: <c>server</c> and <c>lsp</c>, which serve a socket or standard input until told to stop. A file kscn
/// writes is named inside the mutator's folder, or relative to it (any token may become a path: each case runs there,
/// <see cref="FuzzCampaign.CommandLines"/>); <c>--logger</c> comes with <c>--results</c>, since alone it writes
/// TestResults/ by design. Whole numbers stay at most 1,000 or out of range: a search of a litmus test sampled 2^31
/// times is a long request, not a bug.
/// </remarks>
internal sealed partial class CommandLineMutator
{
    private static readonly string[] VerbNames = ["run", "check", "emit", "test", "explore", "compile", "completion"];

    /// <summary>Values an option or argument takes, by the placeholder its help shows: the valid, then the odd.</summary>
    private static readonly Dictionary<string, (string[] Valid, string[] Odd)> ValuesByPlaceholder = new(StringComparer.Ordinal)
    {
        ["<n>"] = (["0", "1", "2", "3", "7", "1000"], ["-1", "-0", "+3", "0x10", "1e3", "1.5", "abc", "", " ", "99999999999999999999", "\u0663"]),
        ["<d>"] = (["1", "2", "3", "1000"], ["0", "1001", "-1", "x", ""]),
        ["<seconds>"] = (["0.001", "1", "30"], ["0", "-1", "1e400", "NaN", "Infinity", "1000000001", "soon", ""]),
        ["<i/n>"] = (["1/3", "3/3", "1/1", "2/4"], ["0/3", "4/3", "1/0", "-1/3", "1/-3", "a/b", "1", "1/3/3", "/", "", "2/99999999999"]),
        ["<name>"] = (["dpor", "sleep-sets", "none", "exhaustive", "random", "pct"], ["DPOR", "dpo", "sleep_sets", ""]),
        ["<mechanism=value>"] = (["ioperm=merged", "ioperm=*", "ptshare=*", "pgd=late-wmb", "ioperm=pre-5.5,merged"], ["ioperm=bogus", "bogus=merged", "ioperm", "=merged", "ioperm=", "*=*", ""]),
        ["<when>"] = (["always", "never", "auto"], ["sometimes", ""]),
        ["<format>"] = (["junit", "trx"], ["json", "xml", ""]),
        ["<text|json>"] = (["text", "json"], ["yaml", ""]),
        ["<bash|fish|pwsh|zsh>"] = (["bash", "fish", "pwsh", "zsh"], ["tcsh", ""]),
    };

    private readonly IReadOnlyDictionary<string, Usage> _usages;
    private readonly string _directory;
    private readonly IReadOnlyList<FuzzSample> _sampleTexts;
    private readonly string[] _samples;
    private readonly string[] _odd;
    private readonly string[] _outputs;

    /// <param name="samples">Small samples that check and explore quickly, written as files into <paramref name="directory"/>.</param>
    /// <param name="directory">Where the files are made and where kscn may write.</param>
    public CommandLineMutator(IReadOnlyList<FuzzSample> samples, string directory)
    {
        _usages = VerbNames.ToDictionary(v => v, Usage.Of, StringComparer.Ordinal);
        (_directory, _sampleTexts) = (directory, samples);
        _samples = [.. samples.Select(s => Path.Combine(directory, Path.GetFileName(s.Name)))];
        var (empty, binary) = (Path.Combine(directory, "empty.kscn"), Path.Combine(directory, "binary.kscn"));
        _odd = [empty, binary, directory, Path.Combine(directory, "missing.kscn"), Path.Combine(directory, "dir with space", "ü.kscn"), "-", "", "--", "/dev/null"];
        _outputs = [Path.Combine(directory, "out.txt"), Path.Combine(directory, "out.xml"), Path.Combine(directory, "out.trx"), Path.Combine(directory, "out-dir"),
            Path.Combine(directory, "missing", "deeper", "out.kscn"), directory, empty, "", "/dev/null", "/proc/version"];
    }

    /// <summary>
    /// The folder as every case starts: the samples, an empty file and a binary one, nothing else. A case may write over
    /// any file it names (kscn explore sb.kscn --save sb.kscn), and the next one must not see it. Returns the folder, the
    /// case's working directory.
    /// </summary>
    public string Prepare()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
        Directory.CreateDirectory(_directory);
        foreach (var (sample, file) in _sampleTexts.Zip(_samples))
            File.WriteAllText(file, sample.Text);
        File.WriteAllText(Path.Combine(_directory, "empty.kscn"), "");
        File.WriteAllBytes(Path.Combine(_directory, "binary.kscn"), [0x7f, 0x45, 0x4c, 0x46, 0, 0xff, 0xfe, 0x80, 0x0a]);
        return _directory;
    }

    /// <summary>Every verb fuzzed, with the arguments and options its help lists.</summary>
    public IReadOnlyDictionary<string, Usage> Usages => _usages;

    public FuzzCommandLine Create(ulong seed)
    {
        var random = new FuzzRandom(seed);
        var args = new List<string>();
        var verb = random.Pick(VerbNames);
        switch (random.Next(20))
        {
            case 0: break; // no verb
            case 1: args.Add(Misspell(verb, random)); break;
            default: args.Add(verb); break;
        }
        var usage = _usages[verb];
        var positional = usage.Argument is { } argument && ValuesByPlaceholder.TryGetValue(argument, out var values) ? values : (_samples, _odd);
        // A file and a few options, mostly valid: each odd piece makes a refusal more likely than a search.
        if (random.Chance(70))
            args.Add(Value(positional, random));
        for (var n = random.Next(5); n > 0; n--)
        {
            switch (random.Next(10))
            {
                case 0:
                    args.Add(Value(positional, random));
                    break;
                case 3:
                    args.Add(Misspell(random.Pick(usage.Options).Name, random));
                    break;
                default:
                    AddOption(args, random.Pick(usage.Options), random);
                    break;
            }
        }
        return new FuzzCommandLine(seed, [.. args]);
    }

    private void AddOption(List<string> args, UsageOption option, FuzzRandom random)
    {
        if (option.Placeholder is not { } placeholder)
        {
            args.Add(option.Name);
            // A flag given a value.
            if (random.Next(8) == 0)
                args.Add(Value(ValuesByPlaceholder["<n>"], random));
            return;
        }
        // A value names a file kscn writes or reads unless the help says otherwise (<file>, <dir>, <path>, <shard-files>).
        var values = ValuesByPlaceholder.GetValueOrDefault(placeholder, (_outputs[..5], [.. _outputs[5..], .. _samples, .. _odd]));
        var count = placeholder == "<shard-files>" ? random.Next(4) : random.Next(10) == 0 ? 0 : 1;
        if (random.Next(6) == 0 && count == 1)
        {
            args.Add($"{option.Name}={Value(values, random)}");
        }
        else
        {
            args.Add(option.Name);
            for (var i = 0; i < count; i++)
                args.Add(Value(values, random));
        }
        // Without --results, --logger writes TestResults/ into the working directory: never here.
        if (option.Name == "--logger")
            args.AddRange(["--results", random.Pick(_outputs[..3])]);
    }

    /// <summary>A valid value three times in four.</summary>
    private static string Value((string[] Valid, string[] Odd) values, FuzzRandom random) =>
        random.Chance(75) ? random.Pick(values.Valid) : random.Pick(values.Odd);

    private static string Misspell(string word, FuzzRandom random)
    {
        var at = random.Next(Math.Max(1, word.Length - 1));
        return random.Next(3) switch
        {
            0 when word.Length > 2 => string.Concat(word.AsSpan(0, at), word.AsSpan(at + 1, 1), word.AsSpan(at, 1), word.AsSpan(at + 2)),
            1 => word.ToUpperInvariant(),
            _ => word.Remove(at, 1),
        };
    }
}

/// <summary>An option a verb's help lists, with the placeholder of its value (null for a flag).</summary>
internal sealed record UsageOption(string Name, string? Placeholder);

/// <summary>What <c>kscn VERB --help</c> lists: the placeholder of its arguments (null if it takes none) and its options but --help.</summary>
internal sealed partial record Usage(string? Argument, IReadOnlyList<UsageOption> Options)
{
    public static Usage Of(string verb)
    {
        var help = new StringWriter { NewLine = "\n" };
        KscnCli.Run([verb, "--help"], help, new StringWriter());
        var lines = help.ToString().Split('\n');
        var argument = lines.SkipWhile(l => l != "Arguments:").Skip(1).Select(l => ArgumentLine().Match(l)).FirstOrDefault(m => m.Success)?.Groups["value"].Value;
        var options = lines.SkipWhile(l => l != "Options:").Skip(1)
            .Select(l => OptionLine().Match(l)).Where(m => m.Success)
            .Select(m => new UsageOption(m.Groups["name"].Value, m.Groups["value"].Success ? m.Groups["value"].Value : null))
            .Where(o => o.Name != "--help")
            .ToList();
        return new Usage(argument, options);
    }

    [GeneratedRegex(@"^\s+(?<value><[^>]+>)")]
    private static partial Regex ArgumentLine();

    [GeneratedRegex(@"^\s+(?:-\S, )?(?<name>--[a-z-]+)(?: (?<value><[^>]+>))?")]
    private static partial Regex OptionLine();
}
