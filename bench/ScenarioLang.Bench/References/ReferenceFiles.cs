using ScenarioLang.Bench.Shapes;

namespace ScenarioLang.Bench.References;

/// <summary>
/// Writes the reference inputs kept in bench/reference: the shapes as herd7 litmus tests (SB rings 2 to 12, MP,
/// IRIW) and as Spin models (SB rings 2 to 8, where Spin's explicit state space still fits, MP, IRIW).
/// </summary>
public static class ReferenceFiles
{
    public const int LargestSpinRing = 8;

    public static IReadOnlyList<string> Write(string directory)
    {
        var herd = Directory.CreateDirectory(Path.Combine(directory, "herd7")).FullName;
        var spin = Directory.CreateDirectory(Path.Combine(directory, "spin")).FullName;
        var written = new List<string>();
        foreach (var shape in Litmus(LitmusCatalog.LargestRing))
            written.Add(WriteFile(herd, shape.Name.ToLowerInvariant() + ".litmus", LitmusWriter.Write(shape)));
        foreach (var shape in Litmus(LargestSpinRing))
            written.Add(WriteFile(spin, shape.Name.ToLowerInvariant() + ".pml", PromelaWriter.Write(shape)));
        return written;
    }

    private static IEnumerable<LitmusShape> Litmus(int largestRing) =>
        LitmusCatalog.SbRings(largestRing).Append(LitmusCatalog.MessagePassing).Append(LitmusCatalog.Iriw);

    private static string WriteFile(string directory, string name, string text)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
