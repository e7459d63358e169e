using System.Globalization;
using System.Xml;

namespace ScenarioLang.Cli.Results;

/// <summary>
/// JUnit XML in the form every reader we know of accepts (GitLab, Jenkins' junit plugin and the xUnit plugin's strict
/// schema, GitHub's test reporters, Azure Pipelines' PublishTestResults): a testsuite per .kscn file, named by its path;
/// a testcase per scenario and variant, with the file as a dotted class name; a failure carries the trace, an internal
/// error is an error, and an inconclusive run (an exploration cut short with no violation seen) is skipped: neither
/// passed nor failed. Only attributes the xUnit plugin's schema lists: it rejects the whole file for one it does not
/// know, so the scenario's line is not a testcase attribute (file/line, which some readers take) but starts each
/// failure's, error's and skip's message, "path(line,col): …", where a reader shows it and an editor can jump to it.
/// A skipped element has no attributes there, so its text carries the message, then the trace.
/// </summary>
internal static class JUnitWriter
{
    public static void Write(TestRunReport report, XmlWriter xml)
    {
        xml.WriteStartDocument();
        xml.WriteStartElement("testsuites");
        xml.Attribute("name", "kscn test");
        Counts(xml, report.Cases);
        xml.Attribute("time", XmlText.Seconds(report.Finished - report.Started));
        foreach (var file in report.Cases.GroupBy(c => c.File, StringComparer.Ordinal))
        {
            xml.WriteStartElement("testsuite");
            xml.Attribute("name", file.Key);
            Counts(xml, file);
            xml.Attribute("skipped", file.Count(c => c.Outcome == TestOutcome.Inconclusive));
            xml.Attribute("time", XmlText.Seconds(file.Aggregate(TimeSpan.Zero, (sum, c) => sum + c.Duration)));
            xml.Attribute("timestamp", file.First().Started.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture));
            foreach (var test in file)
                TestCase(xml, test);
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static void Counts(XmlWriter xml, IEnumerable<TestCase> cases)
    {
        xml.Attribute("tests", cases.Count());
        xml.Attribute("failures", cases.Count(c => c.Outcome == TestOutcome.Failed));
        xml.Attribute("errors", cases.Count(c => c.Outcome == TestOutcome.Error));
    }

    private static void TestCase(XmlWriter xml, TestCase test)
    {
        xml.WriteStartElement("testcase");
        xml.Attribute("classname", test.ClassName);
        xml.Attribute("name", test.Name);
        xml.Attribute("time", XmlText.Seconds(test.Duration));
        if (test.Outcome == TestOutcome.Inconclusive)
        {
            xml.Text("skipped", test.Message + "\n" + test.Details);
        }
        else if (test.Outcome != TestOutcome.Passed)
        {
            var failed = test.Outcome == TestOutcome.Failed;
            xml.WriteStartElement(failed ? "failure" : "error");
            xml.Attribute("message", test.Message);
            xml.Attribute("type", failed ? "expectation failed" : "internal error");
            xml.WriteString(XmlText.Clean(test.Details!));
            xml.WriteEndElement();
        }
        else if (test.Details is { } known)
        {
            // A known failure passes; its trace (the counterexample that confirms it) stays with the test as its output.
            xml.Text("system-out", test.Message + "\n" + known);
        }
        xml.WriteEndElement();
    }
}
