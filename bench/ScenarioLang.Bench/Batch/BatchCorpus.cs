using System.Text.RegularExpressions;

namespace ScenarioLang.Bench.Batch;

/// <summary>
/// A directory of N scenario files for kscn test: the samples in turn, each copy with its own file name and its
/// scenarios renamed "#i …", so that no two files are the same and the mix of scenarios is the samples' own.
/// </summary>
public static partial class BatchCorpus
{
    /// <summary>The samples, in ordinal order: the first <c>Samples(root).Count</c> files of a corpus hold each once.</summary>
    public static IReadOnlyList<string> Samples(string root) =>
        Directory.EnumerateFiles(Path.Combine(root, "samples"), "*.kscn", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

    /// <summary>Writes <paramref name="count"/> files into a new directory <paramref name="directory"/>; returns their paths in order.</summary>
    public static IReadOnlyList<string> Write(string root, string directory, int count)
    {
        var samples = Samples(root);
        Directory.CreateDirectory(directory);
        var files = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var sample = samples[i % samples.Count];
            var file = Path.Combine(directory, $"{i:D4}-{Path.GetFileName(sample)}");
            File.WriteAllText(file, ScenarioName().Replace(File.ReadAllText(sample), $"${{start}}#{i} "));
            files.Add(file);
        }
        return files;
    }

    /// <summary>The opening quote of a scenario's name: a 'scenario "' that starts a line.</summary>
    [GeneratedRegex("""^(?<start>\s*scenario ")""", RegexOptions.Multiline)]
    private static partial Regex ScenarioName();
}
