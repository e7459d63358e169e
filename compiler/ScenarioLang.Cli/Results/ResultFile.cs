namespace ScenarioLang.Cli.Results;

internal enum ResultFormat
{
    JUnit,
    Trx,
}

/// <summary>Where kscn test writes its result file and in which format: --results FILE, --logger junit|trx.</summary>
internal sealed record ResultFile(string Path, ResultFormat Format)
{
    public const string DefaultJUnitPath = "TestResults/kscn.xml";
    public const string DefaultTrxPath = "TestResults/kscn.trx";

    /// <summary>
    /// The file asked for, if any: --logger names the format (else a .trx file is TRX and any other JUnit XML);
    /// --logger alone writes TestResults/kscn.xml or TestResults/kscn.trx, like dotnet test's TestResults.
    /// </summary>
    public static ResultFile? Choose(string? path, string? logger)
    {
        var format = logger is not null ? FormatNamed(logger)
            : path is null ? null
            : string.Equals(System.IO.Path.GetExtension(path), ".trx", StringComparison.OrdinalIgnoreCase) ? ResultFormat.Trx
            : ResultFormat.JUnit;
        return format is not { } chosen ? null : new ResultFile(path ?? (chosen == ResultFormat.Trx ? DefaultTrxPath : DefaultJUnitPath), chosen);
    }

    /// <summary>The format --logger names, or null for a name it does not know.</summary>
    public static ResultFormat? FormatNamed(string logger) => logger switch
    {
        "junit" => ResultFormat.JUnit,
        "trx" => ResultFormat.Trx,
        _ => null,
    };

    public string Description => Format == ResultFormat.Trx ? "TRX" : "JUnit XML";

    public static void Write(TestRunReport report, ResultFormat format, Stream stream)
    {
        using var xml = XmlText.CreateWriter(stream);
        if (format == ResultFormat.Trx)
            TrxWriter.Write(report, xml);
        else
            JUnitWriter.Write(report, xml);
    }
}
