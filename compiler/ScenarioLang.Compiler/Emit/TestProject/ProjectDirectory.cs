using System.Text;

namespace ScenarioLang.Compiler.Emit.TestProject;

/// <summary>
/// Puts a generated project into its directory. A new or empty directory is filled; one that holds an earlier output
/// (it has the <see cref="ManifestName"/> file, listing what kscn wrote) first loses those files, and only those, so a
/// .kscn file no longer compiled leaves no test behind while bin/, obj/ and the user's own files stay. Any other
/// non-empty directory is refused: kscn never overwrites what it did not write.
/// <para>
/// Every file is first written to a staging directory inside it and moved into place only once all were written, so a
/// file that cannot be written (a name too long, a full disk) leaves the directory as it was, never half a project
/// that a second run would refuse.
/// </para>
/// </summary>
public static class ProjectDirectory
{
    public const string ManifestName = ".kscn-compile";
    private const string ManifestHeader = "# Written by kscn compile: the files it wrote here, which it replaces when it writes here again.";
    private const string StagingPattern = ".kscn-compile-*.tmp";

    /// <summary>Writes the project; throws <see cref="IOException"/> when the directory cannot be written or is refused.</summary>
    public static void Write(GeneratedProject project, string directory)
    {
        var root = Path.GetFullPath(directory);
        var manifest = Path.Combine(root, ManifestName);
        var created = !Directory.Exists(root);
        if (!created)
        {
            // Left by a kscn killed while writing: never the user's.
            foreach (var abandoned in Directory.EnumerateDirectories(root, StagingPattern))
                Directory.Delete(abandoned, recursive: true);
        }
        var earlier = File.Exists(manifest);
        if (!earlier && !created && Directory.EnumerateFileSystemEntries(root).Any())
            throw new IOException("it is not empty and holds no earlier output of kscn compile; name a new or empty directory");

        var staging = Path.Combine(root, StagingPattern.Replace("*", Guid.NewGuid().ToString("N"), StringComparison.Ordinal));
        var moved = false;
        try
        {
            var written = Stage(project, staging);
            if (earlier)
                RemovePreviousOutput(root, manifest);
            foreach (var path in written)
            {
                var target = Path.Combine(root, path);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Move(Path.Combine(staging, path), target, overwrite: true);
            }
            moved = true;
        }
        finally
        {
            if (Directory.Exists(staging))
                Directory.Delete(staging, recursive: true);
            if (!moved && created && Directory.Exists(root))
                Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Writes every file of the project under <paramref name="staging"/>; their paths, the manifest last.</summary>
    private static List<string> Stage(GeneratedProject project, string staging)
    {
        var written = new List<string>();
        foreach (var file in project.Files)
        {
            WriteFile(staging, file.Path, file.Text);
            written.Add(file.Path);
        }
        foreach (var library in project.Libraries)
        {
            var path = $"{XunitProjectWriter.LibraryFolder}/{Path.GetFileName(library)}";
            Directory.CreateDirectory(Path.Combine(staging, XunitProjectWriter.LibraryFolder));
            File.Copy(library, Path.Combine(staging, path), overwrite: true);
            written.Add(path);
        }
        WriteFile(staging, ManifestName, string.Concat(written.Prepend(ManifestHeader).Select(line => line + "\n")));
        written.Add(ManifestName);
        return written;
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
