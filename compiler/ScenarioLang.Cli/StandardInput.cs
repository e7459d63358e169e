namespace ScenarioLang.Cli;

/// <summary>
/// The process's standard input, for kscn check --stdin-path, refused when it was closed (<c>kscn … &lt;&amp;-</c>): the
/// runtime then opens a pipe of its own as descriptor 0, and a read of it would wait forever. Looked at on the first
/// read only, so that the commands that never read it pay nothing.
/// </summary>
internal sealed class StandardInput : TextReader
{
    private TextReader? _reader;

    public override int Peek() => Reader.Peek();

    public override int Read() => Reader.Read();

    public override int Read(char[] buffer, int index, int count) => Reader.Read(buffer, index, count);

    private TextReader Reader => _reader ??= IsOwnPipe() ? throw new IOException("it is closed") : Console.In;

    /// <summary>
    /// Whether descriptor 0 is a pipe whose writing end this process holds too: one the runtime made, since a pipe
    /// from a shell or an editor has its writer in another process. Linux only; elsewhere nothing is refused.
    /// </summary>
    private static bool IsOwnPipe()
    {
        if (!OperatingSystem.IsLinux() || new FileInfo("/proc/self/fd/0").LinkTarget is not { } stdin || !stdin.StartsWith("pipe:", StringComparison.Ordinal))
            return false;
        foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            var number = Path.GetFileName(fd);
            if (number != "0" && new FileInfo(fd).LinkTarget == stdin && OpenForWriting(number))
                return true;
        }
        return false;
    }

    /// <summary>Whether descriptor <paramref name="number"/> was opened write-only: the "flags:" line of its fdinfo, in octal.</summary>
    private static bool OpenForWriting(string number)
    {
        try
        {
            var flags = File.ReadLines($"/proc/self/fdinfo/{number}").First(l => l.StartsWith("flags:", StringComparison.Ordinal))["flags:".Length..].Trim();
            return (Convert.ToInt32(flags, 8) & 3) == 1; // O_WRONLY
        }
        catch (IOException)
        {
            return false; // Closed meanwhile: enumerating the descriptors opens one of its own.
        }
    }
}
