using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Catalog;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Mechanisms.Ioport;
using ScenarioLang.Runtime.Mechanisms.PgdSync;
using ScenarioLang.Runtime.Mechanisms.Ptshare;
using ScenarioLang.Tests.Infrastructure;

namespace ScenarioLang.Tests.Catalog;

/// <summary>
/// The mechanism declarations are the one place the language's kernel vocabulary lives: each entry must be whole
/// (an accessor the generated code can call, a row per enum value), unique, and what the editor and the docs show.
/// </summary>
public sealed partial class KernelCatalogTests
{
    [Fact]
    public void Every_mechanism_folder_s_declaration_is_listed_once()
    {
        Assert.Equal(["ioperm", "pgd", "ptshare"], KernelCatalog.Mechanisms.Select(m => m.Name));
        Assert.Same(IoportMechanism.Declaration, KernelCatalog.Find("ioperm"));
        Assert.Same(PgdSyncMechanism.Declaration, KernelCatalog.Find("pgd"));
        Assert.Same(PtshareMechanism.Declaration, KernelCatalog.Find("ptshare"));
        foreach (var mechanism in KernelCatalog.Mechanisms)
            Assert.Contains(mechanism.Default, mechanism.Variants.Select(v => v.Name));
    }

    [Fact]
    public void Every_variant_enum_value_has_exactly_one_name()
    {
        AssertWhole(IoportMechanism.Variants);
        AssertWhole(PgdSyncMechanism.Variants);
        AssertWhole(PtshareMechanism.Variants);

        static void AssertWhole<T>(VariantTable<T> table) where T : struct, Enum
        {
            Assert.Equal(Enum.GetValues<T>().OrderBy(v => v), table.Values.OrderBy(v => v));
            Assert.Equal(table.Declarations.Count, table.Declarations.Select(d => d.Name).Distinct().Count());
            foreach (var value in Enum.GetValues<T>())
                Assert.Equal(value, table.VariantOf(table.With(KernelConfig.Default, value)));
        }
    }

    [Fact]
    public void Names_are_unique_across_the_shared_kernel_and_every_mechanism()
    {
        AssertUnique(KernelCatalog.Steps.Select(s => s.Name));
        AssertUnique(KernelCatalog.ObjectKinds.Select(k => k.Name));
        AssertUnique(KernelCatalog.Properties.Select(p => p.Display));
        AssertUnique(KernelCatalog.Points.Select(p => p.Step + " " + p.Name));

        static void AssertUnique(IEnumerable<string> names)
        {
            var twice = names.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.Empty(twice);
        }
    }

    /// <summary>The generated code calls o.Accessor(args) or Owner.Accessor(o, args): each must exist with the property's shape.</summary>
    [Fact]
    public void Every_property_has_an_accessor_of_its_shape_and_type()
    {
        foreach (var property in KernelCatalog.Properties)
        {
            List<Type> parameters = [];
            if (property.Owner is not null)
                parameters.Add(typeof(Observations));
            parameters.AddRange(property.Argument switch
            {
                PropertyArgument.None => [],
                PropertyArgument.Cpu => [typeof(int)],
                PropertyArgument.Task => [typeof(TaskStruct)],
                PropertyArgument.File => [typeof(string)],
                _ => throw new InvalidOperationException($"argument {property.Argument}"),
            });
            parameters.AddRange(property.Index switch
            {
                PropertyIndex.None => [],
                PropertyIndex.Area or PropertyIndex.Address => [typeof(ulong)],
                _ => throw new InvalidOperationException($"index {property.Index}"),
            });
            var type = property.Owner ?? typeof(Observations);
            var method = type.GetMethod(property.Accessor, BindingFlags.Public | (property.Owner is null ? BindingFlags.Instance : BindingFlags.Static), [.. parameters]);
            Assert.True(method is not null, $"{property.Display}: no {type.Name}.{property.Accessor}({string.Join(", ", parameters.Select(p => p.Name))})");
            var expected = property.Type switch
            {
                PropertyType.Count or PropertyType.Bytes or PropertyType.Register => typeof(long),
                PropertyType.Flag => typeof(bool),
                PropertyType.Name => typeof(string),
                PropertyType.Object => typeof(KernelObject),
                _ => throw new InvalidOperationException($"type {property.Type}"),
            };
            Assert.True(expected.IsAssignableFrom(method!.ReturnType), $"{property.Display} returns {method.ReturnType.Name}, not {expected.Name}");
            Assert.Equal(property.Type == PropertyType.Name, property.Names.Count > 0);
        }
    }

    [Fact]
    public void The_editor_grammar_colours_exactly_the_catalog_s_steps_calls_and_instructions_apart()
    {
        using var grammar = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "editors/vscode/syntaxes/kscn.tmLanguage.json")));
        var patterns = grammar.RootElement.GetProperty("repository").GetProperty("keywords").GetProperty("patterns").EnumerateArray().ToArray();
        IEnumerable<string> Colored(string scope) => patterns
            .Where(p => p.GetProperty("name").GetString() == scope)
            .SelectMany(p => Alternatives().Match(p.GetProperty("match").GetString()!).Groups[1].Value.Split('|'))
            .Order(StringComparer.Ordinal);
        IEnumerable<string> Declared(StepForm form) => KernelCatalog.Steps.Where(s => s.Form == form).Select(s => s.Name).Order(StringComparer.Ordinal);

        Assert.Equal(Declared(StepForm.Call), Colored("entity.name.function.syscall.kscn"));
        Assert.Equal(Declared(StepForm.Instruction), Colored("support.function.instruction.kscn"));
    }

    [Fact]
    public void The_docs_list_every_object_kind_the_checker_tracks()
    {
        var reference = File.ReadAllText(Path.Combine(Repository.Root, "docs/language.md"));
        foreach (var kind in KernelCatalog.ObjectKinds)
            Assert.Contains($"`{kind.Name}`", reference, StringComparison.Ordinal);
    }

    /// <summary>
    /// No file outside the mechanism folders names a mechanism's code: the shared kernel reaches it through the hooks it
    /// declares (Kernel/KernelHooks.cs), built from the declarations, and a mechanism's steps are a part of ScenarioRun
    /// in its folder.
    /// </summary>
    [Fact]
    public void No_file_outside_a_mechanism_folder_names_one()
    {
        var naming = FilesOutsideTheFolders().Where(f => MechanismNamespace().IsMatch(f.Text)).Select(f => f.Path);
        Assert.Empty(naming);
    }

    /// <summary>
    /// Nor does one mechanism folder name another: code one needs of another (pgd_alloc() for ptshare's host mm) goes
    /// through the shared kernel's hooks and the declarations (MmLifetime).
    /// </summary>
    [Fact]
    public void No_mechanism_folder_names_another()
    {
        var root = Path.Combine(Repository.Root, "runtime/ScenarioLang.Runtime/Mechanisms");
        var folders = Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>().ToList();
        Assert.Equal(KernelCatalog.Mechanisms.Count, folders.Count);
        var naming =
            from folder in folders
            from file in Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories)
            from match in MechanismNamespace().Matches(File.ReadAllText(file))
            where match.Value != "ScenarioLang.Runtime.Mechanisms." + folder
            select $"{folder}/{Path.GetFileName(file)}: {match.Value}";
        Assert.Empty(naming);
    }

    /// <summary>
    /// Nor does one name a type of a folder in any other way (a cref, a fully qualified name). A type name that is also
    /// the name of a member of a shared type (KernelCatalog.PreemptionPoints) cannot be told apart in text: left out.
    /// </summary>
    [Fact]
    public void No_file_outside_a_mechanism_folder_names_a_type_of_one()
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;
        var types = typeof(KernelCatalog).Assembly.GetTypes().Where(t => !t.IsNested).ToList();
        static bool InFolder(Type t) => t.Namespace?.StartsWith("ScenarioLang.Runtime.Mechanisms.", StringComparison.Ordinal) == true;
        var sharedMembers = types.Where(t => !InFolder(t)).SelectMany(t => t.GetMembers(all)).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var names = types.Where(InFolder).Select(t => t.Name.Split('`')[0]).Where(n => !sharedMembers.Contains(n)).Distinct().ToList();
        Assert.Contains(nameof(IoportModel), names);
        var word = new Regex($@"\b({string.Join("|", names)})\b");
        var naming = FilesOutsideTheFolders().SelectMany(f => word.Matches(f.Text).Select(m => $"{f.Path}: {m.Value}")).Distinct();
        Assert.Empty(naming);
    }

    /// <summary>The runtime's and compiler's C# files outside Mechanisms/, with their text.</summary>
    private static IEnumerable<(string Path, string Text)> FilesOutsideTheFolders() =>
        Directory.EnumerateFiles(Path.Combine(Repository.Root, "runtime"), "*.cs", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(Repository.Root, "compiler"), "*.cs", SearchOption.AllDirectories))
            .Select(f => Path.GetRelativePath(Repository.Root, f).Replace('\\', '/'))
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Where(f => !f.StartsWith("runtime/ScenarioLang.Runtime/Mechanisms/", StringComparison.Ordinal))
            .Select(f => (f, File.ReadAllText(Path.Combine(Repository.Root, f))));

    [Fact]
    public void Syntax_imports_no_runtime_and_binding_only_the_catalog_and_the_runtime_vocabulary()
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Repository.Root, "compiler/ScenarioLang.Compiler/Syntax"), "*.cs", SearchOption.AllDirectories))
            Assert.DoesNotMatch(@"ScenarioLang\.Runtime", File.ReadAllText(file));
        // The binder sees the catalog's declarations and the outcome vocabulary (ScenarioLang.Runtime itself), never the
        // kernel, the machine, the scheduler or a mechanism: not by a using, not by a qualified name.
        var hidden = typeof(KernelCatalog).Assembly.GetTypes().Select(t => t.Namespace)
            .OfType<string>().Where(n => n.StartsWith("ScenarioLang.Runtime.", StringComparison.Ordinal) && n != typeof(KernelCatalog).Namespace)
            .Distinct().ToList();
        Assert.Contains("ScenarioLang.Runtime.Kernel", hidden);
        var naming = new Regex(@"\bRuntime\.(" + string.Join('|', hidden.Select(n => Regex.Escape(n["ScenarioLang.Runtime.".Length..]))) + @")\b");
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Repository.Root, "compiler/ScenarioLang.Compiler/Binding"), "*.cs", SearchOption.AllDirectories))
            Assert.DoesNotMatch(naming, File.ReadAllText(file));
    }

    [GeneratedRegex(@"ScenarioLang\.Runtime\.Mechanisms\.\w+")]
    private static partial Regex MechanismNamespace();

    /// <summary>(?:a|b|c) in a TextMate pattern.</summary>
    [GeneratedRegex(@"\(\?:([a-z_|]+)\)")]
    private static partial Regex Alternatives();
}
