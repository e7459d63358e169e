namespace ScenarioLang.Cli;

/// <summary>
/// Standard output that tells a failure to write it (a full disk, <c>kscn run &gt; /dev/full</c>) from a bug of ours:
/// kscn then ends with one line and exit code 2, as for any request it cannot carry out.
/// </summary>
internal sealed class StandardOutput(TextWriter inner) : TextWriter
{
    public override System.Text.Encoding Encoding => inner.Encoding;

    public override void Write(char value) => Guard(() => inner.Write(value));

    public override void Write(string? value) => Guard(() => inner.Write(value));

    public override void Write(char[] buffer, int index, int count) => Guard(() => inner.Write(buffer, index, count));

    public override void Flush() => Guard(inner.Flush);

    private static void Guard(Action write)
    {
        try
        {
            write();
        }
        catch (IOException e)
        {
            throw new OutputFailedException(e);
        }
    }
}

/// <summary>Standard output could not be written; the message is the system's.</summary>
internal sealed class OutputFailedException(IOException cause) : Exception(cause.Message, cause);
