using System.Text.RegularExpressions;
using ScenarioLang.Compiler.Diagnostics;
using ScenarioLang.Tests.Infrastructure;
using static ScenarioLang.Tests.Infrastructure.Kscn;

namespace ScenarioLang.Tests.Binding;

public sealed partial class DiagnosticTests
{
    /// <summary>One input per diagnostic code that triggers it.</summary>
    public static TheoryData<string, string> Cases => new()
    {
        { "KSC0001", "scenario \"t\" { task A root\n cpu0 A ioperm(1, 1, on) }" },
        { "KSC0002", "scenario \"t {\n}" },
        { "KSC0003", InScenario("  cpu0 A: outb 0x80 -> ok $") },
        { "KSC0004", InScenario("  cpu0 A: ioperm(99999999999999999999, 1, on)") },
        { "KSC0005", "scenario \"t\" {" + string.Concat(Enumerable.Repeat(" repeat 1 {", 33)) },
        { "KSC0006", InScenario(string.Concat(Enumerable.Repeat("  cpu0 A: outb 0x10000\n", 101))) },
        { "KSC0007", InScenario("  task W[0] user") },
        { "KSC0008", InScenario("  for each A { cpu0 switch A }") },
        { "KSC0101", "scenario \"t\" { }\nscenario \"t\" { }" },
        { "KSC0102", InScenario("  kernel pgdx = merged") },
        { "KSC0103", InScenario("  kernel ioperm = v3-14-20") },
        { "KSC0103", InScenario("  kernel ioperm = merged, v3-14-20") },
        { "KSC0104", InScenario("  cpus 1") },
        { "KSC0105", "scenario \"t\" { cpus 65 }" },
        { "KSC0106", InScenario("  memory weak") },
        { "KSC0107", InScenario("  task A user") },
        { "KSC0108", InScenario("  cpu0 C: exec") },
        { "KSC0109", InScenario("  task my-task root") },
        { "KSC0110", InScenario("  repeat 2 { task C root }") },
        { "KSC0111", InScenario("  shared x\n  shared x = 1") },
        { "KSC0111", InScenario("  shared x\n  cpu0 A: load x -> r0\n  cpu1 B: load x -> r0") },
        { "KSC0111", InScenario("  file db = 1 MiB\n  file db = 2 MiB") },
        { "KSC0112", InScenario("  cpu0 A: store y = 1") },
        { "KSC0113", InScenario("  cpu0 A: mmap(0x40000000, 2 MiB, PROT_READ, MAP_SHARED | MAP_SHARED_PT, db, 0)") },
        { "KSC0113", InScenario("  expect ptshare(db) is none") },
        { "KSC0114", InScenario("  file db = 2 MiB ext4") },
        { "KSC0115", InScenario("  file db = 0") },
        { "KSC0116", InScenario("  kernel ioperm = merged, pre-5.5, merged") },
        { "KSC0201", InScenario("  cpu7 A: exec") },
        { "KSC0202", InScenario("  cpu0 A: exec\n  cpu0 B: exec") },
        { "KSC0203", InScenario("  cpu0 A: exec\n  cpu1 A: exec") },
        { "KSC0204", InScenario("  cpu0 A: exit\n  cpu0 A: exec") },
        { "KSC0205", InScenario("  cpu0 A: ioperm(1, 1)") },
        { "KSC0206", InScenario("  cpu0 A: ioperm(on, 1, on)") },
        { "KSC0207", InScenario("  cpu0 A: outb 0x10000") },
        { "KSC0208", InScenario("  cpu0 A: outb 0x80 -> 0") },
        { "KSC0209", InScenario("  cpu0 A: ioperm(0, 1, on) -> EFOO") },
        { "KSC0210", InScenario("  cpu0 A: fork") },
        { "KSC0211", InScenario("  cpu0 switch A\n  cpu0 switch A") },
        { "KSC0211", InScenario("  cpu0 switch idle") },
        { "KSC0212", InScenario("  cpu0 A: iopl(3) preempted at installed") },
        { "KSC0212", InScenario("  cpu0 A: exec failing at alloc_pid") },
        { "KSC0213", InScenario("  cpu0 A: ioperm(0x80, 1, on) preempted at kmalloc") },
        { "KSC0213", InScenario("  cpu0 A: fork failing at copy_mm -> ENOMEM") },
        { "KSC0214", InScenario("  cpu0 A: ioperm(0x80, 1, on) preempted at installed\n  cpu0 A: outb 0x80") },
        { "KSC0215", InScenario("  cpu0 A: ioperm(0x80, 1, on) preempted at installed\n  cpu0 switch B") },
        { "KSC0216", InScenario("  repeat 0 { cpu0 A: exec }") },
        { "KSC0217", InScenario("  repeat 2 { cpu0 A: fork -> C }") },
        { "KSC0218", InScenario("  repeat 2 { cpu0 A: exit }") },
        { "KSC0218", InScenario("  repeat 2 { cpu0 A: outb 0x80 }") },
        { "KSC0219", InScenario("  cpu0 kernel: ioperm(0x80, 1, on)") },
        { "KSC0219", InScenario("  cpu0 kernel: fork until link_task -> C") },
        { "KSC0220", InScenario("  cpu0 A: fork until copy_mm -> C\n  cpu0 A: exec") },
        { "KSC0220", InScenario("  cpu0 A: fork until return -> C\n  cpu0 switch B") },
        { "KSC0221", InScenario("  cpu0 continue") },
        { "KSC0222", InScenario("  shared x\n  cpu0 A: store x = 1 until return") },
        { "KSC0223", InScenario("  explore {\n    cpu0 switch B\n  }") },
        { "KSC0223", InScenario("  explore {\n    cpu0 A: fork until link_task -> C\n  }") },
        { "KSC0223", InScenario("  explore {\n    expect task(A).uid == 0\n  }") },
        { "KSC0224", InScenario("  repeat 2 { explore { } }") },
        { "KSC0225", InScenario("  explore { }\n  cpu0 A: exec") },
        { "KSC0226", InScenario("  explore {\n    cpu0 A: fork -> C\n    cpu0 B: exec\n  }") },
        { "KSC0226", InScenario("  explore {\n    cpu0 A: fork -> C\n    cpu1 C: exec\n  }") },
        { "KSC0227", InScenario("  shared x\n  cpu0 A: load x") },
        { "KSC0228", InScenario("  cpu0 A: touch V") },
        { "KSC0228", InScenario("  expect never pgd(A)[V] is none") },
        { "KSC0229", InScenario("  cpu0 A: fork until return -> C\n  cpu1 C: exec") },
        { "KSC0230", InScenario("  cpu0 drain 0") },
        { "KSC0231", InScenario("  file db = 2 MiB\n  cpu0 A: mmap(0x40000000, 2 MiB, PROT_READ | PROT_FOO, MAP_SHARED, db, 0)") },
        { "KSC0231", InScenario("  file db = 2 MiB\n  cpu0 A: mmap(0x40000000, 2 MiB, MAP_SHARED, MAP_SHARED, db, 0)") },
        { "KSC0232", InScenario("  cpu0 A: mmap(-1, 2 MiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)") },
        { "KSC0232", InScenario("  cpu0 A: ioperm(-1, 1, on)") },
        { "KSC0233", InScenario("  cpu1 kernel: vmalloc(4 KiB) until pgd_unlock -> V\n  cpu0 kernel: touch V") },
        { "KSC0233", InScenario("  shared x\n  cpu0 kernel: load x until return -> r0\n  expect r0 == 0") },
        { "KSC0237", InScenario("  cpu0 A: clone -> T\n  explore {\n    cpu0 A: exec\n  }") },
        { "KSC0234", InScenario("  cpu0 A: clone -> T\n  cpu1 T: ioperm(0x80, 1, on) preempted at installed\n  cpu0 A: exec") },
        { "KSC0234", InScenario("  cpu0 A: clone -> T\n  cpu1 T: mmap(0x40000000, 2 MiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) until return\n  cpu0 A: exec") },
        { "KSC0235", InScenario("  cpu0 A: outb 0x80 -> #PF") },
        { "KSC0238", InScenario("  cpu0 A: pushf\n  cpu0 B preempts A: outb 0x80") },
        { "KSC0239", InScenario("  explore {\n    cpu0 B preempts A: outb 0x80\n  }") },
        { "KSC0239", InScenario("  explore {\n    cpu0 A: pushf\n    cpu1 B preempts A: outb 0x80\n  }") },
        { "KSC0240", InScenario("  explore {\n    cpu0 A: pushf\n    cpu0 A preempts A: pushf\n  }") },
        { "KSC0240", InScenario("  explore {\n    cpu0 A: pushf\n    cpu1 B: pushf\n    cpu0 B preempts A: pushf\n  }") },
        { "KSC0240", InScenario("  task C root\n  explore {\n    cpu0 A: pushf\n    cpu0 B preempts A: pushf\n    cpu0 C preempts A: pushf\n  }") },
        { "KSC0240", InScenario("  cpu1 B: ioperm(0x80, 1, on) preempted at installed\n  cpu1 switch idle\n  explore {\n    cpu0 A: pushf\n    cpu0 B preempts A: pushf\n  }") },
        { "KSC0240", InScenario("  explore {\n    cpu0 A: fork -> C\n    cpu0 C preempts A: pushf\n  }") },
        { "KSC0241", InScenario("  explore {\n    cpu0 A: pushf\n    cpu0 B preempts A: exit\n  }") },
        { "KSC0241", InScenario("  explore {\n    cpu0 A: exit\n    cpu0 B preempts A: pushf\n  }") },
        // The preempted task is unknown: its own line reports it, the preempting step is not bound (it crashed the binder).
        { "KSC0108", InScenario("  explore {\n    cpu0 X: pushf\n    cpu0 B preempts X: pushf\n  }") },
        { "KSC0236", InScenario("  cpu0 switch A\n  repeat 1000 { repeat 10000 { cpu0 A: outb 0x80 } }") },
        { "KSC0102", InScenario("  kernel ioperm = merged\n  expect task(A).iopl == 0  known failure under iopem=merged") },
        { "KSC0103", InScenario("  kernel ioperm = merged\n  expect task(A).iopl == 0  known failure under ioperm=mergd") },
        { "KSC0242", InScenario("  cpu0 A: pushf  known failure under ioperm=merged") },
        { "KSC0242", InScenario("  kernel ioperm = merged\n  cpu0 A: fork -> C  known failure under ioperm=merged") },
        { "KSC0243", InScenario("  kernel ioperm = merged\n  expect task(A).iopl == 0  known failure under pgd=locked-list") },
        { "KSC0244", InScenario("  kernel ioperm = merged\n  repeat 2 { expect task(A).iopl == 0  known failure under ioperm=merged }") },
        { "KSC0245", InScenario("  kernel ioperm = merged\n  expect task(A).iopl == 0  known failure under ioperm=merged, merged") },
        { "KSC0246", InScenario("  kernel ioperm = merged\n  expect task(A).iopl == 0  known failure under merged") },
        { "KSC0247", "scenario \"t\" {\n  known failure under ioperm=remap\n  kernel ioperm = merged\n  task A root\n  expect task(A).iopl == 0  known failure under ioperm=remap\n}\n" },
        { "KSC0301", InScenario("  expect tss(cpu0).foo == 1") },
        { "KSC0302", InScenario("  expect tss(A).prev_max == 1") },
        { "KSC0303", InScenario("  expect bitmap(A).refcount == 1 KiB") },
        { "KSC0304", InScenario("  expect tss(cpu0).io_bitmap_base < valid-map") },
        { "KSC0305", InScenario("  expect bitmap(A).max is none") },
        { "KSC0306", InScenario("  explore { }\n  expect task(A).uid == 0") },
        { "KSC0307", InScenario("  expect pgd(A) is none") },
        { "KSC0307", InScenario("  cpu0 kernel: vmalloc(4 MiB) -> V\n  expect bitmap(A)[V] is none") },
        { "KSC0307", InScenario("  expect vma(A).shared_pt == on") },
        { "KSC0308", InScenario("  expect leak ptshare_data and task(A).uid == 0") },
        { "KSC0309", InScenario("  expect leak inode") },
        { "KSC0310", InScenario("  cpu0 kernel: vmalloc(4 MiB) -> V\n  expect vma(A)[V].shared_pt == on") },
        { "KSC0310", InScenario("  expect pgd(A)[0x40000000] is none") },
        { "KSC0311", InScenario("  cpu0 A: exit\n  cpu0 kernel: vmalloc(4 KiB) -> V\n  expect pgd(A)[V] is not none") },
        { "KSC0311", InScenario("  cpu0 A: exit\n  expect mm(A).users == 0") },
        { "KSC0312", InScenario("  expect tss(cpu0).prev_max == task(A).uid") },
        { "KSC0313", InScenario("  cpu0 A: cli -> ok | ok") },
        { "KSC0314", InScenario("  task W[4] user\n  cpu0 W: exec") },
        { "KSC0315", InScenario("  task W[2] user\n  for each W { cpu0 W: exec }") },
        { "KSC0316", InScenario("  cpu0 A: iopem(0x80, 1, on)") },
        { "KSC0317", InScenario("  cpu0 A: outb(0x80)") },
        { "KSC0317", InScenario("  cpu0 A: ioperm 0x80") },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Input_reports_its_code(string code, string text)
    {
        var diagnostics = Compile(text).Diagnostics;
        Assert.Contains(diagnostics, d => d.Code == code);
        Assert.All(diagnostics, d => Assert.Matches(@"^test\.kscn\(\d+,\d+\): error KSC\d{4}: .+$", d.ToString()));
    }

    [Fact]
    public void Task_properties_are_written_with_keywords_as_subject_and_field()
    {
        var compilation = Compile(InScenario("  cpu0 A: iopl(3) -> 0\n  expect task(A).iopl == 3\n  expect task(A).tif_io_bitmap == on"));
        Assert.Empty(compilation.Diagnostics);
        using var assembly = compilation.CompileAndLoad();
        var scenario = assembly.Instantiate(assembly.Scenarios[0]);
        var run = new ScenarioLang.Runtime.ScenarioRun(scenario.Description, ScenarioLang.Runtime.KernelConfig.Default);
        scenario.Run(run);
        Assert.True(run.Complete().Passed);
    }

    [Fact]
    public void Every_code_in_the_bag_has_a_case()
    {
        var source = File.ReadAllText(Path.Combine(Repository.Root, "compiler/ScenarioLang.Compiler/Diagnostics/DiagnosticBag.cs"));
        var codes = Code().Matches(source).Select(m => m.Value).Distinct().Order().ToArray();
        var tested = Cases.Select(c => (string)c[0]).Distinct().Order().ToArray();
        Assert.Equal(codes, tested);
    }

    [Fact]
    public void Codes_are_documented_in_the_language_reference()
    {
        var reference = File.ReadAllText(Path.Combine(Repository.Root, "docs/language.md"));
        Assert.All(Cases.Select(c => (string)c[0]), code => Assert.Contains(code, reference));
    }

    [Fact]
    public void Three_mistakes_are_all_reported_with_line_and_column()
    {
        const string text = """
            scenario "three mistakes" {
              task A root
              cpu0 A: ioperm(0, 1, on) -> EPREM
              cpu0 B: outb 0x80 -> ok
              expect tss(cpu0).prev_max == on
            }
            """;
        var diagnostics = Compile(text).Diagnostics.Select(d => (d.Code, d.Start.Line, d.Start.Column)).ToArray();
        Assert.Equal([("KSC0209", 3, 31), ("KSC0108", 4, 8), ("KSC0303", 5, 32)], diagnostics);
    }

    [Fact]
    public void Syntax_errors_name_the_expected_tokens_in_our_words()
    {
        var diagnostic = Assert.Single(Compile("scenario \"t\" { task A root\n cpu0 ioperm(1, 1, on) }").Diagnostics);
        Assert.Equal("expected the task that runs the step, then ':' (cpu0 A: ioperm(…)), found '('", diagnostic.Message);
        Assert.Equal((2, 13), (diagnostic.Start.Line, diagnostic.Start.Column));
        var body = Assert.Single(Compile("scenario \"t\" { task A root\n cpu0 123 }").Diagnostics);
        Assert.Equal("expected 'kernel', 'switch', 'continue', 'drain' or a name, found '123'", body.Message);
    }

    [Fact]
    public void A_missing_action_says_what_a_step_looks_like()
    {
        var diagnostic = Assert.Single(Compile(InScenario("  cpu0 A: -> 0")).Diagnostics);
        Assert.Equal("expected a step (a call such as fork or ioperm(0x80, 1, on), or an instruction such as outb 0x80), found '->'", diagnostic.Message);
    }

    [Fact]
    public void End_of_file_is_named_as_such()
    {
        var diagnostic = Assert.Single(Compile("scenario \"t\" {").Diagnostics);
        Assert.Contains("found end of file", diagnostic.Message);
    }

    [Fact]
    public void Formatter_prints_the_line_and_a_caret_under_the_span()
    {
        var diagnostic = Assert.Single(Compile(InScenario("  cpu0 A: outb 0x10000")).Diagnostics);
        Assert.Equal(
            "test.kscn(5,16): error KSC0207: 0x10000 is out of range for the port of outb: ports are 0 to 0xffff\n" +
            "      cpu0 A: outb 0x10000\n" +
            "                   ^^^^^^^\n",
            DiagnosticFormatter.Format(diagnostic));
    }

    [Fact]
    public void Errors_after_a_syntax_error_are_still_reported()
    {
        var codes = Compile(InScenario("  cpu0 A ioperm\n  cpu9 A: exec\n  kernel ioperm = v9")).Diagnostics.Select(d => d.Code);
        Assert.Equal(["KSC0001", "KSC0201", "KSC0103"], codes);
    }

    [GeneratedRegex(@"KSC\d{4}")]
    private static partial Regex Code();
}
