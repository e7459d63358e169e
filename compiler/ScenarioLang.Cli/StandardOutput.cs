using System.Text;

namespace ScenarioLang.Cli;

/// <summary>
/// Standard output, buffered, that tells a failure to write it (a full disk, <c>kscn run &gt; /dev/full</c>) from a
/// bug of ours: kscn then ends with one line and exit code 2, as for any request it cannot carry out.
/// </summary>
/// <remarks>
/// The console's own writer makes a system call per write: two per line, 131,072 for the final states of SB-16.
/// Here the text goes out in pieces of
/// <see cref="Piece"/> characters, when a command has written a whole result (<see cref="Flush"/>), before anything
/// goes to stderr (<see cref="Before"/>), so the two streams keep their order on one terminal, and at the end.
/// </remarks>
internal sealed class StandardOutput(TextWriter inner) : TextWriter
{
    /// <summary>
    /// The characters of a piece. A piece goes out as a string, which stays below the large object heap's 85,000
    /// bytes: 64 Ki characters made a 128 KiB string per piece, garbage that only a full collection frees (23 MiB of
    /// SB-16's peak memory). The writer below should hold a piece whole (<see cref="Process"/>).
    /// </summary>
    public const int Piece = 1 << 15;
    private readonly char[] _pending = new char[Piece];
    private int _length;
    // Once a write failed, the output is gone: the refusal that follows goes to stderr without trying it again.
    private bool _failed;

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        if (_length == Piece)
            Flush();
        _pending[_length++] = value;
    }

    public override void Write(string? value) => Write(value.AsSpan());

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    public override void Write(ReadOnlySpan<char> text)
    {
        if (_length + text.Length > Piece)
            Flush();
        if (text.Length >= Piece)
            Out(text);
        else
        {
            text.CopyTo(_pending.AsSpan(_length));
            _length += text.Length;
        }
    }

    public override void Flush()
    {
        var pending = _length;
        _length = 0;
        Out(_pending.AsSpan(0, pending));
    }

    private void Out(ReadOnlySpan<char> text)
    {
        if (_failed)
            return;
        try
        {
            // As a string: a writer that overrides only Write(string) sees every piece.
            if (text.Length > 0)
                inner.Write(text.ToString());
            inner.Flush();
        }
        // A full disk or a broken device is an IOException; a closed stdout whose descriptor a file opened since took
        // over (kscn run >&-) is refused as access to a path.
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _failed = true;
            throw new OutputFailedException(e);
        }
    }

    /// <summary>
    /// The process's standard output, for <see cref="StandardOutput"/> to write through: Console.Out's encoding, but a
    /// buffer of a whole piece, so that a piece is one system call. Console.Out's buffer is 256 bytes and it flushes
    /// every write: SB-16's 8 MB of final states took 31,549 calls. Console.Out itself where its encoding would need a
    /// byte order mark written first.
    /// </summary>
    public static TextWriter Process()
    {
        try
        {
            if (ConsoleEncoding.Of(Console.OutputEncoding.CodePage) is { } encoding)
                return new StreamWriter(Console.OpenStandardOutput(), encoding, 2 * Piece);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            // A code page only Console's own encoding object knows: Console.Out writes it.
        }
        return Console.Out;
    }

    /// <summary><paramref name="error"/>, which first writes out what this output holds.</summary>
    public TextWriter Before(TextWriter error) => new AfterOutput(this, error);

    /// <summary>Standard error, after what standard output holds.</summary>
    private sealed class AfterOutput(StandardOutput output, TextWriter error) : TextWriter
    {
        public override Encoding Encoding => error.Encoding;

        public override void Write(char value)
        {
            output.Flush();
            error.Write(value);
        }

        public override void Write(string? value)
        {
            output.Flush();
            error.Write(value);
        }

        public override void Write(char[] buffer, int index, int count)
        {
            output.Flush();
            error.Write(buffer, index, count);
        }

        public override void Flush() => error.Flush();
    }
}

/// <summary>Standard output could not be written; the message is the system's.</summary>
internal sealed class OutputFailedException(Exception cause) : Exception(cause.Message, cause);
