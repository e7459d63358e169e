using System.Text.RegularExpressions;
using ScenarioLang.Tests.Infrastructure;

namespace ScenarioLang.Tests.Cli;

/// <summary>
/// Every commit builds its own version (Nerdbank.GitVersioning, version.json): 0.1.N, N the git height of the commit
/// built, so a rebuilt tool updates over the last one instead of being "already installed".
/// </summary>
public sealed partial class VersionTests
{
    [Fact]
    public void The_version_is_the_git_height_of_the_commit_it_was_built_from()
    {
        // The tool's own process: in this one, --version would name the test host.
        var kscn = ChildProcess.Run(Repository.Root, ChildProcess.DotnetHost, [Path.Combine(AppContext.BaseDirectory, "kscn.dll"), "--version"],
            TimeSpan.FromMinutes(1), new Dictionary<string, string?> { ["KSCN_SERVER"] = "0" });
        var version = kscn.Out.Trim();

        var match = NbgvVersion().Match(version);
        Assert.True(match.Success, version);
        Assert.Equal(Height(match.Groups["commit"].Value), int.Parse(match.Groups["height"].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// "The number of commits in the longest path from HEAD to the commit that set the major.minor version, inclusive"
    /// (Nerdbank.GitVersioning's FAQ); that commit is taken as the last one to touch version.json.
    /// </summary>
    private static int Height(string commit)
    {
        var origin = Git("log", "-1", "--format=%H", "--", "version.json").Trim();
        var heights = new Dictionary<string, int>(StringComparer.Ordinal) { [origin] = 1 };
        // Oldest first, so that every parent on a path from the origin has its height before its children.
        foreach (var line in Git("rev-list", "--reverse", "--topo-order", "--parents", "--ancestry-path", $"{origin}..{commit}").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var ids = line.Split(' ');
            heights[ids[0]] = 1 + ids.Skip(1).Where(heights.ContainsKey).Select(p => heights[p]).DefaultIfEmpty(0).Max();
        }
        return heights.Single(h => h.Key.StartsWith(commit, StringComparison.Ordinal)).Value;
    }

    private static string Git(params string[] arguments)
    {
        var result = ChildProcess.Run(Repository.Root, "git", arguments, TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, result.Error);
        return result.Out;
    }

    // 0.1.N+commit on main; 0.1.N-gcommit+commit elsewhere.
    [GeneratedRegex(@"^0\.1\.(?<height>[0-9]+)(?:-g[0-9a-f]+)?\+(?<commit>[0-9a-f]{10})$")]
    private static partial Regex NbgvVersion();
}
