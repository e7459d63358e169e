using System.Globalization;
using System.Xml;

namespace ScenarioLang.Cli.Results;

/// <summary>
/// Visual Studio's TRX, as dotnet test --logger trx writes it (vstst.xsd's required attributes; a test validates it
/// against our own schema of them, tests/ScenarioLang.Tests/Cli/Schemas/trx.xsd): a UnitTestResult per scenario and variant
/// whose ErrorInfo carries the trace, the UnitTest definitions, the entries, the two standard lists and the counters.
/// Ids are hashes of the names, not random, so that two runs differ only in their times.
/// </summary>
internal static class TrxWriter
{
    private const string Namespace = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
    /// <summary>The type every unit test has in a TRX file.</summary>
    private const string UnitTestType = "13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b";
    /// <summary>The standard lists: results not in a list (where every result goes) and all loaded results.</summary>
    private const string NotInAListId = "8c84fa94-04c1-424b-9868-57a2d4851a1d";
    private const string AllLoadedResultsId = "19431567-8539-422a-85d7-44ee4e166bda";
    private const string AdapterTypeName = "executor://kscn/test";

    public static void Write(TestRunReport report, XmlWriter xml)
    {
        var tests = report.Cases.Select(c => new Test(c, XmlText.IdOf($"{c.File}\0{c.Position.Line}\0{c.Name}"))).ToList();
        xml.WriteStartDocument();
        xml.WriteStartElement("TestRun", Namespace);
        xml.Attribute("id", XmlText.IdOf(Time(report.Started) + string.Concat(tests.Select(t => t.Id))).ToString());
        xml.Attribute("name", "kscn test");
        xml.WriteStartElement("Times");
        foreach (var name in (string[])["creation", "queuing", "start"])
            xml.Attribute(name, Time(report.Started));
        xml.Attribute("finish", Time(report.Finished));
        xml.WriteEndElement();

        xml.WriteStartElement("Results");
        foreach (var test in tests)
            Result(xml, test, report.Computer);
        xml.WriteEndElement();

        xml.WriteStartElement("TestDefinitions");
        foreach (var test in tests)
            Definition(xml, test);
        xml.WriteEndElement();

        xml.WriteStartElement("TestEntries");
        foreach (var test in tests)
        {
            xml.WriteStartElement("TestEntry");
            xml.Attribute("testId", test.Id.ToString());
            xml.Attribute("executionId", test.ExecutionId.ToString());
            xml.Attribute("testListId", NotInAListId);
            xml.WriteEndElement();
        }
        xml.WriteEndElement();

        xml.WriteStartElement("TestLists");
        foreach (var (name, id) in ((string Name, string Id)[])[("Results Not in a List", NotInAListId), ("All Loaded Results", AllLoadedResultsId)])
        {
            xml.WriteStartElement("TestList");
            xml.Attribute("name", name);
            xml.Attribute("id", id);
            xml.WriteEndElement();
        }
        xml.WriteEndElement();

        Summary(xml, report);
        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static void Result(XmlWriter xml, Test test, string computer)
    {
        var c = test.Case;
        xml.WriteStartElement("UnitTestResult");
        xml.Attribute("executionId", test.ExecutionId.ToString());
        xml.Attribute("testId", test.Id.ToString());
        xml.Attribute("testName", test.FullName);
        // Required on every result by vstst.xsd; Azure DevOps and Visual Studio reject a file without it.
        xml.Attribute("computerName", computer);
        xml.Attribute("duration", c.Duration.ToString(@"hh\:mm\:ss\.fffffff", CultureInfo.InvariantCulture));
        xml.Attribute("startTime", Time(c.Started));
        xml.Attribute("endTime", Time(c.Started + c.Duration));
        xml.Attribute("testType", UnitTestType);
        xml.Attribute("outcome", c.Outcome.ToString());
        xml.Attribute("testListId", NotInAListId);
        if (c.Details is { } known && c.Outcome == TestOutcome.Passed)
        {
            // A known failure passes; its trace (the counterexample that confirms it) stays with the test as its output.
            xml.WriteStartElement("Output");
            xml.Text("StdOut", c.Message + "\n" + known);
            xml.WriteEndElement();
        }
        else if (c.Details is { } details)
        {
            xml.WriteStartElement("Output");
            xml.WriteStartElement("ErrorInfo");
            xml.Text("Message", c.Message);
            xml.Text("StackTrace", details);
            xml.WriteEndElement();
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
    }

    private static void Definition(XmlWriter xml, Test test)
    {
        xml.WriteStartElement("UnitTest");
        xml.Attribute("name", test.FullName);
        xml.Attribute("storage", test.Case.File);
        xml.Attribute("id", test.Id.ToString());
        xml.WriteStartElement("Execution");
        xml.Attribute("id", test.ExecutionId.ToString());
        xml.WriteEndElement();
        xml.WriteStartElement("TestMethod");
        xml.Attribute("codeBase", test.Case.File);
        xml.Attribute("adapterTypeName", AdapterTypeName);
        xml.Attribute("className", test.Case.ClassName);
        xml.Attribute("name", test.Case.Name);
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void Summary(XmlWriter xml, TestRunReport report)
    {
        var (passed, failed, errors, inconclusive) = (report.Count(TestOutcome.Passed), report.Count(TestOutcome.Failed), report.Count(TestOutcome.Error), report.Count(TestOutcome.Inconclusive));
        xml.WriteStartElement("ResultSummary");
        xml.Attribute("outcome", failed + errors > 0 ? "Failed" : inconclusive > 0 ? "Inconclusive" : "Completed");
        xml.WriteStartElement("Counters");
        xml.Attribute("total", report.Cases.Count);
        xml.Attribute("executed", report.Cases.Count);
        xml.Attribute("passed", passed);
        xml.Attribute("failed", failed);
        xml.Attribute("error", errors);
        // The other counters in the order dotnet test writes them; of these only inconclusive can be other than 0.
        foreach (var counter in (string[])["timeout", "aborted", "inconclusive", "passedButRunAborted", "notRunnable", "notExecuted", "disconnected", "warning", "completed", "inProgress", "pending"])
            xml.Attribute(counter, counter == "inconclusive" ? inconclusive : 0);
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    /// <summary>The round-trip form dotnet test writes, in UTC.</summary>
    private static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture);

    /// <summary>A test case with its TRX ids; the full name is the class name and the name, as for a .NET test method.</summary>
    private sealed record Test(TestCase Case, Guid Id)
    {
        public Guid ExecutionId { get; } = XmlText.IdOf("execution\0" + Id);

        public string FullName => $"{Case.ClassName}.{Case.Name}";
    }
}
