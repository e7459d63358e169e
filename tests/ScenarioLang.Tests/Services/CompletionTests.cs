using ScenarioLang.Compiler.Services;
using ScenarioLang.Runtime;
using ScenarioLang.Runtime.Catalog;
using ScenarioLang.Tests.Infrastructure;

namespace ScenarioLang.Tests.Services;

/// <summary>Completion proposes what the catalog and the scenario's names allow at the caret, walking every kind the catalog lists.</summary>
public sealed class CompletionTests
{
    private static CompletionList At(string marked)
    {
        var (unit, offset) = Caret.Parse(marked);
        return Completion.At(unit, offset);
    }

    private static List<string> Labels(string marked) => [.. At(marked).Items.Select(i => i.Label)];

    public static TheoryData<string> Mechanisms() => [.. KernelCatalog.Mechanisms.Select(m => m.Name)];

    [Fact]
    public void Every_step_is_proposed_where_a_step_goes_with_its_signature_and_a_snippet_of_its_parameters()
    {
        var items = At(Caret.InScenario("  cpu0 A: $$")).Items;
        Assert.Equal(KernelCatalog.Steps.Select(s => s.Name), items.Select(i => i.Label));
        foreach (var (step, item) in KernelCatalog.Steps.Zip(items))
        {
            Assert.Equal(step.Signature, item.Detail);
            Assert.Contains(step.Models, item.Documentation);
            Assert.True(item.IsSnippet);
            Assert.StartsWith(step.Name, item.InsertText);
            // One placeholder per required parameter, in order, then one for a name the result binds.
            var placeholders = System.Text.RegularExpressions.Regex.Matches(item.InsertText, @"\$\{(\d+):").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            var binds = step.Result is ResultKind.NewTask or ResultKind.NewArea or ResultKind.Register ? 1 : 0;
            Assert.Equal(Enumerable.Range(1, step.Required + binds), placeholders);
        }
    }

    [Fact]
    public void Known_failure_under_is_proposed_after_an_expectation_a_steps_result_and_first_in_a_scenario()
    {
        const string Mark = "known failure under";
        Assert.Contains(Mark, Labels("scenario \"t\" {\n  $$\n  kernel ptshare = rfc-v2\n}"));
        Assert.Contains(Mark, Labels(Caret.InScenario("  expect never leak ptshare_data $$")));
        Assert.Contains(Mark, Labels(Caret.InScenario("  cpu0 A: outb 0x80 -> ok $$")));
        // Not where the expectation is unfinished, nor after the scenario's first statement.
        Assert.DoesNotContain(Mark, Labels(Caret.InScenario("  expect task(A).iopl == $$")));
        Assert.DoesNotContain(Mark, Labels(Caret.InScenario("  expect never leak $$")));
        Assert.DoesNotContain(Mark, Labels(Caret.InScenario("  cpu0 A: outb 0x80\n  $$")));
    }

    [Fact]
    public void After_known_failure_under_the_variants_of_the_mechanisms_the_scenario_uses_are_proposed()
    {
        var scenario = "scenario \"t\" {\n  kernel ptshare = rfc-v2, locked\n  task A root\n  expect never leak ptshare_data  known failure under $$\n}";
        var ptshare = KernelCatalog.Find("ptshare")!;
        Assert.Equal(ptshare.Variants.Select(v => $"ptshare={v.Name}"), Labels(scenario));
        var afterEquals = scenario.Replace("under $$", "under ptshare=rf$$", StringComparison.Ordinal);
        Assert.Equal(ptshare.Variants.Select(v => v.Name), Labels(afterEquals));
        var afterComma = scenario.Replace("under $$", "under ptshare=rfc-v2, ptshare=$$", StringComparison.Ordinal);
        Assert.Equal(ptshare.Variants.Select(v => v.Name), Labels(afterComma));
    }

    [Fact]
    public void A_snippet_reads_as_the_step_is_written()
    {
        Assert.Equal("ioperm(${1:from}, ${2:num}, ${3:on})", Completion.Snippet(KernelCatalog.FindStep("ioperm")!));
        Assert.Equal("fork -> ${1:CHILD}", Completion.Snippet(KernelCatalog.FindStep("fork")!));
        Assert.Equal("load ${1:x} -> ${2:r0}", Completion.Snippet(KernelCatalog.FindStep("load")!));
        Assert.Equal("outb ${1:port}", Completion.Snippet(KernelCatalog.FindStep("outb")!));
    }

    [Fact]
    public void In_kernel_context_only_the_steps_that_run_without_a_task_are_proposed()
    {
        Assert.Equal(KernelCatalog.Steps.Where(s => s.RunsWithoutTask).Select(s => s.Name), Labels(Caret.InScenario("  cpu1 kernel: $$")));
    }

    [Fact]
    public void Every_mechanism_is_proposed_after_kernel()
    {
        Assert.Equal(KernelCatalog.Mechanisms.Select(m => m.Name), Labels(Caret.InScenario("  kernel $$")));
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public void Every_variant_of_a_mechanism_is_proposed_after_kernel_M_equals_with_the_code_it_models(string name)
    {
        var mechanism = KernelCatalog.Find(name)!;
        var items = At(Caret.InScenario($"  kernel {name} = $$")).Items;
        Assert.Equal([.. mechanism.Variants.Select(v => v.Name), "*"], items.Select(i => i.Label));
        Assert.Equal(mechanism.Variants.Select(v => v.Models), items.SkipLast(1).Select(i => i.Documentation));
        // After a listed variant, the others of a matrix; '*' only stands alone.
        Assert.Equal(mechanism.Variants.Select(v => v.Name), Labels(Caret.InScenario($"  kernel {name} = {mechanism.Default}, $$")));
    }

    [Fact]
    public void A_variant_partly_typed_is_replaced_whole()
    {
        var list = At(Caret.InScenario("  kernel ioperm = pre-5$$"));
        Assert.Contains("pre-5.5", list.Items.Select(i => i.Label));
        Assert.Equal("pre-5".Length, list.Replace.Length);
    }

    /// <summary>How a subject is written for a property: its argument and index filled in with the scenario's names.</summary>
    internal static string Written(PropertyDeclaration property) =>
        property.Display.Replace("(cpuN)", "(cpu0)").Replace("(TASK)", "(A)").Replace("(FILE)", "(db)").Replace("[AREA]", "[V]").Replace("[ADDR]", "[0x40000000]");

    [Fact]
    public void Every_property_with_a_field_is_proposed_after_its_object_and_argument()
    {
        foreach (var property in KernelCatalog.Properties.Where(p => p.Field is not null))
        {
            var before = Written(property)[..^property.Field!.Length];
            var labels = Labels(Caret.InScenario($"  expect {before}$$"));
            Assert.True(labels.Contains(property.Field), $"{property.Display}: {string.Join(", ", labels)}");
            Assert.All(labels, l => Assert.NotNull(KernelCatalog.FindProperty(property.Object, l)));
        }
    }

    [Fact]
    public void Every_object_of_a_property_is_proposed_after_expect()
    {
        var labels = Labels(Caret.InScenario("  expect $$"));
        Assert.Equal(KernelCatalog.Properties.Select(p => p.Object).Distinct(), labels.Where(l => KernelCatalog.Properties.Any(p => p.Object == l)));
        Assert.Contains("x", labels); // the shared word
        Assert.Contains("always", labels);
        Assert.Contains("leak", labels);
    }

    [Fact]
    public void Every_object_kind_is_proposed_after_a_finding()
    {
        foreach (var finding in new[] { "leak", "use-after-free", "double-free", "refcount-misuse" })
            Assert.Equal(KernelCatalog.ObjectKinds.Select(k => k.Name), Labels(Caret.InScenario($"  expect never {finding} $$")));
    }

    [Fact]
    public void Every_pause_point_of_a_step_is_proposed_after_until()
    {
        foreach (var step in KernelCatalog.Steps)
        {
            var expected = PausePoints.Of(step.Name).Select(p => p.Indexed ? p.Name + "[N]" : p.Name).Append(PausePoints.Return);
            Assert.Equal(expected, Labels(Caret.InScenario($"  cpu0 A: {step.Name} until $$")));
        }
    }

    [Fact]
    public void After_continue_until_the_points_are_those_of_the_step_paused_on_that_cpu()
    {
        var labels = Labels(Caret.InScenario("  cpu0 A: fork until copy_mm -> C\n  cpu0 continue until $$", "  cpus 2\n"));
        Assert.Equal(PausePoints.Of("fork").Select(p => p.Indexed ? p.Name + "[N]" : p.Name).Append(PausePoints.Return), labels);
    }

    [Fact]
    public void Preemption_and_fault_points_are_proposed_after_preempted_at_and_failing_at()
    {
        foreach (var step in KernelCatalog.Steps)
        {
            Assert.Equal(KernelCatalog.PreemptionPoints.Where(p => p.Step == step.Name).Select(p => p.Name), Labels(Caret.InScenario($"  cpu0 A: {step.Name} preempted at $$")));
            Assert.Equal(step.FaultPoints, Labels(Caret.InScenario($"  cpu0 A: {step.Name} failing at $$")));
        }
    }

    [Fact]
    public void Every_result_kind_has_its_results_after_the_arrow()
    {
        foreach (var step in KernelCatalog.Steps)
        {
            var labels = Labels(Caret.InScenario($"  cpu0 A: {step.Name} -> $$"));
            switch (step.Result)
            {
                case ResultKind.None or ResultKind.NoReturn:
                    Assert.Empty(labels);
                    break;
                case ResultKind.Fault:
                    Assert.Equal(["ok", step.Fault!.Value.ToString()], labels);
                    break;
                case ResultKind.ReturnValue or ResultKind.Status:
                    Assert.Equal(["0", .. Enum.GetNames<Errno>()], labels);
                    break;
                case ResultKind.Address:
                    Assert.Equal(Enum.GetNames<Errno>(), labels);
                    break;
                case ResultKind.NewTask:
                    Assert.Equal(["CHILD", .. Enum.GetNames<Errno>()], labels);
                    break;
                case ResultKind.NewArea or ResultKind.Register or ResultKind.Eflags:
                    Assert.Single(labels);
                    break;
                default:
                    Assert.Fail($"result kind {step.Result} has no completion test");
                    break;
            }
        }
        // After an alternative, the others.
        Assert.Equal(["ok", "#GP"], Labels(Caret.InScenario("  cpu0 A: outb 0x80 -> ok | $$")));
    }

    [Fact]
    public void Every_flag_of_every_flags_parameter_is_proposed_at_its_place_in_the_call()
    {
        var flagged = KernelCatalog.Steps.SelectMany(s => s.Parameters.Select((p, i) => (Step: s, Parameter: p, Index: i))).Where(x => x.Parameter.Kind == ParameterKind.Flags).ToList();
        Assert.Contains(flagged, f => f.Step.Name == "mmap");
        foreach (var (step, parameter, index) in flagged)
        {
            var before = string.Concat(Enumerable.Repeat("0, ", index));
            Assert.Equal(parameter.Flags.Names, Labels(Caret.InScenario($"  cpu0 A: {step.Name}({before}$$")));
            // After a '|', the next flag.
            Assert.Equal(parameter.Flags.Names, Labels(Caret.InScenario($"  cpu0 A: {step.Name}({before}{parameter.Flags.NameAt(0)} | $$")));
        }
    }

    [Fact]
    public void A_file_parameter_proposes_the_files_and_no_file()
    {
        Assert.Equal(["db", "-1"], Labels(Caret.InScenario("  cpu0 A: mmap(0x40000000, 2 MiB, PROT_READ, MAP_SHARED, $$")));
        Assert.Equal(["x"], Labels(Caret.InScenario("  cpu0 A: load $$")));
        Assert.Equal(["V"], Labels(Caret.InScenario("  cpu0 A: touch $$")));
    }

    [Fact]
    public void Tasks_and_cpus_are_the_scenarios_own()
    {
        var text = "  cpu0 A: fork -> C\n  $$";
        var start = Labels(Caret.InScenario(text, "  cpus 3\n"));
        Assert.Equal(["cpu0", "cpu1", "cpu2"], start.Where(l => l.StartsWith("cpu", StringComparison.Ordinal) && l != "cpus"));
        Assert.Equal(Completion.StatementKeywords, start.Take(Completion.StatementKeywords.Length));
        Assert.Equal(["A", "B", "C", "kernel", "switch", "continue", "drain"], Labels(Caret.InScenario("  cpu0 A: fork -> C\n  cpu1 $$", "  cpus 2\n")));
        Assert.Equal(["A", "B", "idle"], Labels(Caret.InScenario("  cpu0 switch $$")));
        Assert.Equal(["cpu0", "cpu1"], Labels(Caret.InScenario("  expect tss($$", "  cpus 2\n")));
        Assert.Equal(["A", "B"], Labels(Caret.InScenario("  expect bitmap($$")));
    }

    [Fact]
    public void Nothing_is_proposed_in_a_comment_or_a_scenario_name_and_outside_a_scenario_only_scenario()
    {
        Assert.Empty(At(Caret.InScenario("  // cpu0 A: $$")).Items);
        Assert.Empty(At("scenario \"cpu0 A: $$").Items);
        Assert.Equal(["scenario"], Labels("$$"));
    }
}
