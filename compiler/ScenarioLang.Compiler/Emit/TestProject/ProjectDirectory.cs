using System.Text;

namespace ScenarioLang.Compiler.Emit.TestProject;

/// <summary>
/// Puts a generated project into its directory. A new or empty directory is filled; one that holds an earlier output
/// (it has the <see cref="ManifestName"/> file, listing what kscn wrote) first loses those files, and only those, so a
/// .kscn file no longer compiled leaves no test behind while bin/, obj/ and the user's own files stay. Any other
/// non-empty directory is refused: kscn never overwrites what it did not write.
/// </summary>
public static class ProjectDirectory
{
    public const string ManifestName = ".kscn-compile";
    private const string ManifestHeader = "# Written by kscn compile: the files it wrote here, which it replaces when it writes here again.";

    /// <summary>Writes the project; throws <see cref="IOException"/> when the directory cannot be written or is refused.</summary>
    public static void Write(GeneratedProject project, string directory)
    {
        var root = Path.GetFullPath(directory);
        var manifest = Path.Combine(root, ManifestName);
        if (File.Exists(manifest))
            RemovePreviousOutput(root, manifest);
        else if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
            throw new IOException("it is not empty and holds no earlier output of kscn compile; name a new or empty directory");

        var written = new List<string>();
        foreach (var file in project.Files)
        {
            WriteFile(root, file.Path, file.Text);
            written.Add(file.Path);
        }
        foreach (var library in project.Libraries)
        {
            var path = $"{XunitProjectWriter.LibraryFolder}/{Path.GetFileName(library)}";
            Directory.CreateDirectory(Path.Combine(root, XunitProjectWriter.LibraryFolder));
            File.Copy(library, Path.Combine(root, path), overwrite: true);
            written.Add(path);
        }
        WriteFile(root, ManifestName, string.Concat(written.Prepend(ManifestHeader).Select(line => line + "\n")));
    }

    private static void WriteFile(string root, string path, string text)
    {
        var full = Path.Combine(root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    /// <summary>Deletes the files the manifest lists; a line naming anything outside the directory is ignored, never followed.</summary>
    private static void RemovePreviousOutput(string root, string manifest)
    {
        var inside = Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar;
        foreach (var line in File.ReadAllLines(manifest).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var path = Path.GetFullPath(Path.Combine(root, line));
            if (path.StartsWith(inside, StringComparison.Ordinal) && File.Exists(path))
                File.Delete(path);
        }
        File.Delete(manifest);
    }
}
