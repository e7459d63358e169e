using System.Runtime.CompilerServices;

namespace ScenarioLang.Tests.Infrastructure;

/// <summary>
/// Snapshot assertions with Verify's file conventions (Verify.Xunit cannot be restored here):
/// <c>NAME.verified.txt</c> is committed in a Snapshots folder beside the test file; on a mismatch
/// <c>NAME.received.txt</c> is written next to it and the test fails with the first differing line.
/// A missing snapshot fails too. Set KSCN_ACCEPT_SNAPSHOTS=1 to accept the received text, after reading it.
/// </summary>
internal static class Snapshot
{
    public const string AcceptVariable = "KSCN_ACCEPT_SNAPSHOTS";

    public static void Verify(string actual, string name, [CallerFilePath] string testFile = "")
    {
        var folder = Path.Combine(Path.GetDirectoryName(testFile)!, "Snapshots");
        var verified = Path.Combine(folder, name + ".verified.txt");
        var received = Path.Combine(folder, name + ".received.txt");
        actual = actual.Replace("\r\n", "\n", StringComparison.Ordinal);
        var expected = File.Exists(verified) ? File.ReadAllText(verified).Replace("\r\n", "\n", StringComparison.Ordinal) : null;
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }
        Directory.CreateDirectory(folder);
        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            File.WriteAllText(verified, actual);
            File.Delete(received);
            return;
        }
        File.WriteAllText(received, actual);
        Assert.Fail(expected is null
            ? $"no snapshot {verified}; read {received} and accept it with {AcceptVariable}=1"
            : $"snapshot {name} differs at {FirstDifference(expected, actual)}; compare {received} with {verified}, accept with {AcceptVariable}=1");
    }

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var el = i < e.Length ? e[i] : "<end>";
            var al = i < a.Length ? a[i] : "<end>";
            if (el != al)
                return $"line {i + 1}:\n  verified: {el}\n  received: {al}";
        }
        return "line endings";
    }
}
