using System.Text;
using ScenarioLang.Compiler;
using ScenarioLang.Compiler.Text;

namespace ScenarioLang.Tests.Fuzzing.Engine;

/// <summary>What a campaign did: cases per command, exit codes seen, and the findings.</summary>
internal sealed class FuzzSummary
{
    public int Checked { get; set; }

    public int Ran { get; set; }

    public int Explored { get; set; }

    public int CommandLines { get; set; }

    public int Served { get; set; }

    public SortedDictionary<string, int> Exits { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<MutationClass, int> Classes { get; } = [];

    public List<FuzzFinding> Findings { get; } = [];

    public void Count(string command, FuzzInput input, FuzzVerdict verdict)
    {
        if (command == "check")
            Classes[input.Class] = Classes.GetValueOrDefault(input.Class) + 1;
        Count(command, verdict);
    }

    public void Count(string command, FuzzVerdict verdict)
    {
        var key = $"{command} exit {verdict.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}";
        Exits[key] = Exits.GetValueOrDefault(key) + 1;
        if (verdict.Finding is { } finding)
            Findings.Add(finding);
    }

    public string Describe()
    {
        var text = new StringBuilder($"{Checked} checked, {Ran} run, {Explored} explored, {CommandLines} command lines, {Served} served, {Findings.Count} findings\n");
        text.Append("  mutations: ").AppendJoin(", ", Classes.Select(c => $"{c.Key} {c.Value}")).Append('\n');
        text.Append("  exits: ").AppendJoin(", ", Exits.Select(e => $"{e.Key}: {e.Value}")).Append('\n');
        return text.ToString();
    }
}

/// <summary>
/// A seeded campaign: case i of a campaign with seed S is the input <see cref="FuzzRandom.CaseSeed"/>(S, i) makes, so
/// the same seed and count give the same inputs and verdicts on any machine. It goes on past findings (up to
/// <paramref name="maxFindings"/>), so that one run lists them all, and stops early only when a case is stuck.
/// </summary>
internal sealed class FuzzCampaign(IReadOnlyList<FuzzSample> samples, string directory, int maxFindings = 50)
{
    public FuzzSummary Summary { get; } = new();

    /// <summary>kscn check on <paramref name="cases"/> mutants of any class.</summary>
    public FuzzSummary Check(ulong seed, int cases, Action<int>? progress = null)
    {
        var mutator = new Mutator(samples);
        var oracle = new FuzzOracle(directory);
        for (var i = 0; i < cases && !Done(oracle); i++)
        {
            var input = mutator.Create(FuzzRandom.CaseSeed(seed, i));
            Summary.Count("check", input, oracle.Check(input));
            Summary.Checked++;
            progress?.Invoke(i + 1);
        }
        return Summary;
    }

    /// <summary>
    /// kscn run on <paramref name="runs"/> mutants that check cleanly and stay small to run; each is checked first.
    /// Gives up after ten attempts per run wanted (most mutants do not check).
    /// </summary>
    public FuzzSummary Run(ulong seed, int runs, Action<int>? progress = null)
    {
        var mutator = new Mutator(samples.Where(s => FuzzOracle.SmallToRun(s.Text)).ToList(), forRun: true);
        var oracle = new FuzzOracle(directory);
        var done = 0;
        for (var i = 0; done < runs && i < runs * 10 && !Done(oracle); i++)
        {
            var input = mutator.Create(FuzzRandom.CaseSeed(seed, i));
            var check = oracle.Check(input);
            Summary.Count("check", input, check);
            Summary.Checked++;
            if (check.ExitCode != 0 || !FuzzOracle.SmallToRun(input.Text))
                continue;
            Summary.Count("run", input, oracle.Run(input));
            Summary.Ran++;
            done++;
            progress?.Invoke(done);
        }
        return Summary;
    }

    /// <summary>The editor's services on <paramref name="count"/> mutants of any class (<see cref="FuzzOracle.Services"/>).</summary>
    public FuzzSummary Services(ulong seed, int count, Action<int>? progress = null)
    {
        var mutator = new Mutator(samples);
        var oracle = new FuzzOracle(directory);
        for (var i = 0; i < count && !Done(oracle); i++)
        {
            Summary.Count("services", oracle.Services(mutator.Create(FuzzRandom.CaseSeed(seed, i))));
            Summary.Served++;
            progress?.Invoke(i + 1);
        }
        return Summary;
    }

    /// <summary>
    /// kscn on <paramref name="count"/> odd command lines (<see cref="CommandLineMutator"/>) over a few small samples,
    /// judged by <see cref="FuzzOracle.CommandLine"/>. Each case runs in the mutator's folder as the working directory:
    /// any token may end up a relative path kscn writes (<c>--save -</c>, <c>-output</c> read as <c>-o utput</c>), and
    /// it must land there, not in the repository. The process's working directory is changed meanwhile, so nothing
    /// may run beside it (its test is in a collection of its own, not run in parallel).
    /// </summary>
    public FuzzSummary CommandLines(ulong seed, int count, Action<int>? progress = null)
    {
        var oracle = new FuzzOracle(directory);
        var small = samples.Where(s => CommandLineSamples.Contains(s.Name)).ToList();
        var mutator = new CommandLineMutator(small, Path.Combine(directory, "command-lines"));
        var workingDirectory = Environment.CurrentDirectory;
        try
        {
            for (var i = 0; i < count && !Done(oracle); i++)
            {
                var line = mutator.Create(FuzzRandom.CaseSeed(seed, i));
                Environment.CurrentDirectory = mutator.Prepare();
                Summary.Count("kscn", oracle.CommandLine(line, small[i % small.Count].Text));
                Summary.CommandLines++;
                progress?.Invoke(i + 1);
            }
        }
        finally
        {
            Environment.CurrentDirectory = workingDirectory;
        }
        return Summary;
    }

    /// <summary>Samples quick to run and explore with any options: the command-line cases use them as files and standard input.</summary>
    private static readonly string[] CommandLineSamples = ["samples/litmus/sb.kscn", "samples/litmus/mp.kscn", "samples/ioperm/andy-stale-tss-bits.kscn"];

    /// <summary>
    /// kscn explore on <paramref name="count"/> mutants of the samples' explore blocks (<see cref="ExploreMutants"/>):
    /// with one thread, two, and three shards merged, which must print the same (<see cref="FuzzOracle.Explore"/>).
    /// </summary>
    public FuzzSummary Explore(ulong seed, int count, Action<int>? progress = null)
    {
        var oracle = new FuzzOracle(directory);
        var done = 0;
        foreach (var input in ExploreMutants(samples, seed, count))
        {
            if (Done(oracle))
                break;
            Summary.Count("explore", input, oracle.Explore(input));
            Summary.Explored++;
            progress?.Invoke(++done);
        }
        return Summary;
    }

    /// <summary>
    /// Up to <paramref name="count"/> mutants of the samples with an explore block (the run mutator's edits, case i made
    /// from <see cref="FuzzRandom.CaseSeed"/>(seed, i)) that still have one, check without errors and stay small to run
    /// (<see cref="FuzzOracle.SmallWork"/>); at most 20 tries per mutant. What the differential campaign searches under
    /// each reduction, and what explore's oracle splits.
    /// </summary>
    public static IReadOnlyList<FuzzInput> ExploreMutants(IReadOnlyList<FuzzSample> samples, ulong seed, int count)
    {
        var mutator = new Mutator([.. samples.Where(s => s.Text.Contains("explore {", StringComparison.Ordinal))], forRun: true);
        var accepted = new List<FuzzInput>();
        for (var i = 0; accepted.Count < count && i < count * 20; i++)
        {
            var input = mutator.Create(FuzzRandom.CaseSeed(seed, i));
            var text = input.Text;
            if (text.Contains("explore", StringComparison.Ordinal) && FuzzOracle.SmallWork(text) && !Compilation.Create(SourceText.From(text, "mutant.kscn")).HasErrors)
                accepted.Add(input);
        }
        return accepted;
    }

    private bool Done(FuzzOracle oracle) => oracle.Stuck || Summary.Findings.Count >= maxFindings;
}
