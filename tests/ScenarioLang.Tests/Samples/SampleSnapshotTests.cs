using ScenarioLang.Runtime.Mechanisms.Ioport;
using ScenarioLang.Runtime;
using ScenarioLang.Tests.Infrastructure;

namespace ScenarioLang.Tests.Samples;

/// <summary>
/// Every sample's whole `kscn run` transcript is under snapshot: the I/O port samples under every ioperm variant, the
/// races of the ptshare review under the RFC as posted and under the locked fix, the others (litmus shapes, the PGD
/// race, one file per pgd variant, the ptshare cases) as their file configures them.
/// </summary>
public sealed class SampleSnapshotTests
{
    public const string AsWritten = "as-written";

    public static TheoryData<string, string> Runs()
    {
        var data = new TheoryData<string, string>();
        foreach (var sample in Repository.SampleFiles())
        {
            foreach (var variant in VariantsOf(sample))
                data.Add(sample, variant);
        }
        return data;
    }

    /// <summary>mechanism=variant for each run of the sample, or <see cref="AsWritten"/>.</summary>
    public static IEnumerable<string> VariantsOf(string sample)
    {
        if (IsIopermSample(sample))
            return IoportMechanism.Declaration.Variants.Select(v => $"{IoportMechanism.Name}={v.Name}");
        if (sample.StartsWith("samples/ptshare/", StringComparison.Ordinal) && sample.EndsWith("-race.kscn", StringComparison.Ordinal))
            return ["ptshare=rfc-v2", "ptshare=locked"];
        return [AsWritten];
    }

    private static bool IsIopermSample(string sample) =>
        sample.StartsWith("samples/ioperm/", StringComparison.Ordinal) || sample.StartsWith("samples/selftests/", StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(Runs))]
    public void Run_output_matches_its_snapshot(string sample, string variant)
    {
        var output = variant == AsWritten
            ? Kscn.Invoke("run", Repository.Full(sample))
            : Kscn.Invoke("run", Repository.Full(sample), "--variant", variant);
        Assert.InRange(output.ExitCode, 0, 1);
        // Snapshot names keep the bare ioperm variant they had before other mechanisms had samples of their own.
        var suffix = variant.StartsWith(IoportMechanism.Name + "=", StringComparison.Ordinal) ? variant[(IoportMechanism.Name.Length + 1)..] : variant;
        var name = Path.GetFileNameWithoutExtension(sample) + "." + suffix;
        Snapshot.Verify(output.Transcript, name);
    }

    [Fact]
    public void Andys_leak_fails_under_v2_06_16_and_holds_under_merged()
    {
        const string sample = "samples/ioperm/andy-stale-tss-bits.kscn";
        var patched = Kscn.Invoke("run", Repository.Full(sample), "--variant", "ioperm=v2-06-16");
        var merged = Kscn.Invoke("run", Repository.Full(sample), "--variant", "ioperm=merged");
        Assert.Equal(1, patched.ExitCode);
        Assert.Contains("cpu0 B: outb 0x3f8 -> #GP   (got ok)", patched.Out);
        Assert.Contains("stale bits in the TSS", patched.Out);
        Assert.Equal(0, merged.ExitCode);
    }
}
