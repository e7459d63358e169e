using System.CommandLine;
using ScenarioLang.Bench;
using ScenarioLang.Bench.Explore;
using ScenarioLang.Bench.Litmus;
using ScenarioLang.Bench.References;
using ScenarioLang.Bench.Shapes;
using ScenarioLang.Bench.Spin;
using ScenarioLang.Bench.Startup;

var root = new RootCommand("kscn-bench: measures kscn explore and kscn's start-up, and writes the herd7 and Spin reference inputs (docs/benchmarks.md).")
{
    ExploreCommand(),
    ReferencesCommand(),
    SpinCommand(),
    StartupCommand(),
    LitmusCommand(),
    RoslynCommand(),
    ScenarioLang.Bench.Batch.BatchBench.Command(),
    ScenarioLang.Bench.Lsp.LspBench.Command(),
};
try
{
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (BenchException e)
{
    Console.Error.WriteLine($"kscn-bench: {e.Message}");
    return 2;
}

static Command ExploreCommand()
{
    var output = new Option<string?>("--out") { Description = "Directory for the generated shapes, the logs and results.md (default: a new temporary one)." };
    var kscn = new Option<string?>("--kscn") { Description = "The kscn.dll to measure (default: build compiler/ScenarioLang.Cli in Release and use it)." };
    var filter = new Option<string?>("--filter") { Description = "Only shapes whose name contains this, or one of a comma-separated list: SB-ring, pgd/, SB-ring-12,late-wmb." };
    var maxRing = new Option<int>("--max-n") { Description = "Largest SB ring explored with reduction.", DefaultValueFactory = _ => 12 };
    var maxRingUnreduced = new Option<int>("--max-n-unreduced") { Description = "Largest SB ring explored without reduction.", DefaultValueFactory = _ => 5 };
    var maxExecutions = new Option<int>("--max-executions") { Description = "Bound on executions without reduction.", DefaultValueFactory = _ => 1_000_000 };
    var timeout = new Option<int>("--timeout") { Description = "Wall-clock limit of one kscn process, in seconds.", DefaultValueFactory = _ => 120 };
    var repeat = new Option<int>("--repeat") { Description = "Processes per shape; the table shows the median.", DefaultValueFactory = _ => 1 };
    var passed = new Argument<string[]>("kscn-arguments") { Description = "After --: passed to every kscn explore, e.g. -- --jobs 1.", Arity = ArgumentArity.ZeroOrMore };
    var baseline = new Option<string?>("--baseline") { Description = "A second kscn.dll (another commit's build): both explore every shape in turns, with reduction, and the table compares their executions per CPU-second." };
    var jobsPair = new Option<bool>("--jobs-pair") { Description = "Explore every shape with --jobs 1 and --jobs 2 in turns, with reduction, and compare their wall times and outputs." };
    var served = new Option<bool>("--served") { Description = "With --baseline or --jobs-pair: each build's processes are clients of a warm kscn server of its own, as kscn runs by default; only wall times are compared." };
    var warm = new Option<int?>("--warm") { Description = "With --baseline or --jobs-pair: each process explores the file this many times (at least 3), and a second table sums kscn's own search times of copies 3 on, per explore block: the search warm. With --served, the file is asked for this many times, one request each, as a reviewer runs it again on a warm server." };
    var after = new Option<string?>("--after") { Description = "With --served: each build's server first explores this file, unmeasured, as a reviewer's server has run a large scenario before (samples/ptshare/thousand-mappers.kscn names 47,715 words)." };
    var command = new Command("explore", "Explore the SB rings, MP, IRIW and the seed samples with kscn, with and without reduction, and print the Markdown table; with --baseline or --jobs-pair, compare builds or thread counts side by side instead.")
    {
        output, kscn, filter, maxRing, maxRingUnreduced, maxExecutions, timeout, repeat, passed, baseline, jobsPair, warm, served, after,
    };
    command.SetAction(async (parse, _) =>
    {
        var options = new ExploreBenchOptions(
            parse.GetValue(output),
            parse.GetValue(kscn),
            parse.GetValue(filter),
            parse.GetValue(maxRing),
            parse.GetValue(maxRingUnreduced),
            parse.GetValue(maxExecutions),
            TimeSpan.FromSeconds(parse.GetValue(timeout)),
            Math.Max(1, parse.GetValue(repeat)),
            parse.GetValue(passed) ?? []);
        var paired = new PairedOptions(parse.GetValue(baseline), parse.GetValue(jobsPair), parse.GetValue(warm), parse.GetValue(served), parse.GetValue(after));
        if (paired is { Served: true, Baseline: null, JobsPair: false })
        {
            Console.Error.WriteLine("kscn-bench: --served needs --baseline or --jobs-pair");
            return 2;
        }
        if (paired is { After: not null, Served: false })
        {
            Console.Error.WriteLine("kscn-bench: --after needs --served (the file is explored once by each build's server)");
            return 2;
        }
        if (paired.Warm is { } copies && (copies < 3 || paired is { Baseline: null, JobsPair: false }))
        {
            Console.Error.WriteLine($"kscn-bench: --warm {copies}: needs at least 3 copies and --baseline or --jobs-pair");
            return 2;
        }
        Console.Write(paired is { Baseline: null, JobsPair: false }
            ? await new ExploreBench(options, Console.Error).RunAsync()
            : await new PairedBench(options, paired, Console.Error).RunAsync());
        return 0;
    });
    return command;
}

static Command ReferencesCommand()
{
    var output = new Option<string?>("--out") { Description = "Directory to write herd7/ and spin/ into (default: bench/reference)." };
    var command = new Command("references", "Write the shapes as herd7 litmus tests and Spin models.") { output };
    command.SetAction(parse =>
    {
        var directory = parse.GetValue(output) ?? Path.Combine(RepoRoot.Find(), "bench", "reference");
        foreach (var file in ReferenceFiles.Write(directory))
            Console.WriteLine(file);
        return 0;
    });
    return command;
}

static Command SpinCommand()
{
    var models = new Option<string?>("--models") { Description = "Directory of .pml models (default: bench/reference/spin)." };
    var output = new Option<string?>("--out") { Description = "Directory for the verifiers, the logs and spin-results.md (default: a new temporary one)." };
    var filter = new Option<string?>("--filter") { Description = "Only models whose name contains this." };
    var maxRing = new Option<int>("--max-n") { Description = "Largest SB ring to verify.", DefaultValueFactory = _ => ReferenceFiles.LargestSpinRing };
    var timeout = new Option<int>("--timeout") { Description = "Wall-clock limit of one verifier run, in seconds.", DefaultValueFactory = _ => 300 };
    var memory = new Option<int>("--memory") { Description = "pan's memory limit in MiB (-DMEMLIM).", DefaultValueFactory = _ => 16384 };
    var command = new Command("spin", "Verify the Spin models (needs spin and gcc) and print the Markdown table.")
    {
        models, output, filter, maxRing, timeout, memory,
    };
    command.SetAction(async (parse, _) =>
    {
        var options = new SpinBenchOptions(
            parse.GetValue(models),
            parse.GetValue(output),
            parse.GetValue(filter),
            parse.GetValue(maxRing),
            TimeSpan.FromSeconds(parse.GetValue(timeout)),
            parse.GetValue(memory));
        Console.Write(await new SpinBench(options, Console.Error).RunAsync());
        return 0;
    });
    return command;
}

static Command StartupCommand()
{
    var output = new Option<string?>("--out") { Description = "Directory for the published programs, the logs and results.md (default: a new temporary one)." };
    var kscn = new Option<string?>("--kscn") { Description = "A directory with the kscn to measure (default: publish compiler/ScenarioLang.Cli as its tool package ships it)." };
    var runs = new Option<int>("--runs") { Description = "Processes of each kind; the table shows the median.", DefaultValueFactory = _ => 5 };
    var viaDotnet = new Option<bool>("--via-dotnet") { Description = "Start each process as `dotnet X.dll` rather than through its apphost." };
    var command = new Command("startup", "Measure whole processes: a hello world, kscn run on an unchanged sample (in-process and served by a warm kscn server) and on a changed one, and Roslyn alone; print the Markdown table.")
    {
        output, kscn, runs, viaDotnet,
    };
    command.SetAction(async (parse, _) =>
    {
        var options = new StartupBenchOptions(parse.GetValue(output), parse.GetValue(kscn), Math.Max(1, parse.GetValue(runs)), parse.GetValue(viaDotnet));
        Console.Write(await new StartupBench(options, Console.Error).RunAsync());
        return 0;
    });
    return command;
}

static Command RoslynCommand()
{
    var source = new Argument<string>("file") { Description = "The C# file to compile, e.g. the output of kscn emit." };
    var references = new Option<string[]>("--reference") { Description = "Assemblies to reference besides the framework's, e.g. ScenarioLang.Runtime.dll.", AllowMultipleArgumentsPerToken = true };
    var command = new Command("roslyn", "Compile a C# file in memory as kscn does, without loading it (the reference process of `startup`).") { source, references };
    command.SetAction(parse => BareRoslynCompile.Run(parse.GetValue(source)!, parse.GetValue(references) ?? [], Console.Error));
    return command;
}

static Command LitmusCommand()
{
    var output = new Option<string?>("--out") { Description = "Directory for the published kscn, the server's socket, the cache and results.md (default: a new temporary one)." };
    var kscn = new Option<string?>("--kscn") { Description = "A directory with kscn, kscn.dll and kscn-client (default: publish compiler/ScenarioLang.Cli and compiler/ScenarioLang.Client into one)." };
    var herd7 = new Option<string?>("--herd7") { Description = "The herd7 binary (default: the one bench/reference/herd7/build.sh builds)." };
    var rounds = new Option<int>("--rounds") { Description = "Measured rounds; the table shows the medians.", DefaultValueFactory = _ => 10 };
    var rings = new Option<int[]>("--rings") { Description = "Also time these SB rings (CPU counts, e.g. --rings 12 14) whole-process against herd7 (which runs up to SB-ring-14): kscn-client served and kscn in-process.", AllowMultipleArgumentsPerToken = true };
    var ringRounds = new Option<int>("--ring-rounds") { Description = "Measured rounds of the rings; the table shows the medians.", DefaultValueFactory = _ => 3 };
    var command = new Command("litmus", "Check that kscn and herd7 agree on samples/litmus, then time the folder and one file through a warm kscn server against herd7 (and SB rings with --rings); print the Markdown tables.")
    {
        output, kscn, herd7, rounds, rings, ringRounds,
    };
    command.SetAction(async (parse, _) =>
    {
        var ringSizes = parse.GetValue(rings) ?? [];
        if (ringSizes.Where(n => n < LitmusCatalog.SmallestRing).ToArray() is [var small, ..])
        {
            Console.Error.WriteLine($"kscn-bench: --rings {small}: an SB ring needs at least {LitmusCatalog.SmallestRing} CPUs");
            return 2;
        }
        var options = new LitmusBenchOptions(parse.GetValue(output), parse.GetValue(kscn), parse.GetValue(herd7), Math.Max(1, parse.GetValue(rounds)), ringSizes, Math.Max(1, parse.GetValue(ringRounds)));
        Console.Write(await new LitmusBench(options, Console.Error).RunAsync());
        return 0;
    });
    return command;
}
