using ScenarioLang.Compiler.Binding;
using ScenarioLang.Compiler.Emit;
using ScenarioLang.Runtime.Catalog;
using ScenarioLang.Tests.Infrastructure;
using static ScenarioLang.Tests.Infrastructure.Kscn;

namespace ScenarioLang.Tests.Binding;

/// <summary>
/// Every step binds by one path against its declaration in the kernel catalog (issue 18): these walk the catalog, so a
/// step added to a mechanism folder is checked here without a test of its own.
/// </summary>
public sealed class CallBindingTests
{
    public static TheoryData<string> Examples => [.. StepExamples.All().Select(e => e.Example)];

    private static BoundThreadStep BindLast(string statements)
    {
        var compilation = Compile(InScenario(StepExamples.Prelude + "  " + statements));
        Assert.Empty(compilation.Diagnostics.Select(d => d.ToString()));
        return Assert.IsType<BoundThreadStep>(compilation.Units.Single().Scenarios.Single().Statements[^1]);
    }

    private static IEnumerable<(string Code, string Message)> Diagnostics(string statements) =>
        Compile(InScenario(StepExamples.Prelude + statements)).Diagnostics.Select(d => (d.Code, d.Message));

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_step_binds_to_its_declaration_with_a_value_per_parameter(string example)
    {
        var call = BindLast(example).Operation;
        Assert.Same(KernelCatalog.FindStep(call.Step.Name), call.Step);
        Assert.Equal(call.Step.Parameters.Count, call.Arguments.Length);
        for (var i = 0; i < call.Arguments.Length; i++)
        {
            // mmap's file is the one parameter that may be null (-1: no file).
            if (call.Arguments[i] is { } value)
                Assert.IsType(call.Step.Parameters[i].Type, value);
        }
    }

    [Fact]
    public void Every_step_compiles_into_a_factory_call_without_a_warning()
    {
        var steps = string.Join("\n", StepExamples.All().Where(e => e.Step.Effect == StepEffect.None).Select(e => "  " + e.Example));
        // The steps that create or end tasks, last: a child is named once, and nothing runs after exit.
        var compilation = Compile(InScenario(StepExamples.Prelude + steps + "\n  cpu0 A: fork -> C\n  cpu1 B: clone -> T\n  cpu0 A: exec -> 0\n  cpu0 A: exit"));
        Assert.Empty(compilation.Diagnostics.Select(d => d.ToString()));
        var roslyn = RoslynCompiler.CreateCompilation([compilation.EmitCSharp(compilation.Units[0])], "CallBindingTest");
        Assert.Empty(roslyn.GetDiagnostics());
    }

    [Fact]
    public void Every_signature_names_the_step_and_each_parameter()
    {
        foreach (var step in KernelCatalog.Steps)
        {
            Assert.StartsWith(step.Name, step.Signature, StringComparison.Ordinal);
            foreach (var parameter in step.Parameters)
                Assert.Contains(parameter.Spelling, step.Signature, StringComparison.Ordinal);
        }
        Assert.Equal("ioperm(from, num, on | off)", KernelCatalog.FindStep("ioperm")!.Signature);
        Assert.Equal("read(addr, [length])", KernelCatalog.FindStep("read")!.Signature);
        Assert.Equal("xchg WORD = value -> REGISTER", KernelCatalog.FindStep("xchg")!.Signature);
        Assert.Equal("fork -> CHILD", KernelCatalog.FindStep("fork")!.Signature);
    }

    [Theory]
    [InlineData("  cpu0 A: iopem(0x80, 1, on)", "KSC0316", "unknown step 'iopem'; did you mean 'ioperm'?")]
    [InlineData("  cpu0 A: frobnicate", "KSC0316", "unknown step 'frobnicate'; the steps are fork, clone, exec")]
    [InlineData("  cpu0 A: outb(0x80)", "KSC0317", "outb is an instruction: write outb port")]
    [InlineData("  cpu0 A: ioperm 0x80", "KSC0317", "ioperm is a call: write ioperm(from, num, on | off)")]
    [InlineData("  cpu0 A: ioperm(0x80, 1)", "KSC0205", "ioperm takes three arguments: ioperm(from, num, on | off)")]
    [InlineData("  cpu0 A: read(0x40000000, 1, 2)", "KSC0205", "read takes one or two arguments: read(addr, [length])")]
    [InlineData("  cpu0 A: store x", "KSC0205", "store takes two arguments: store WORD = value")]
    [InlineData("  cpu0 A: msharefs_create_mapping(db, 0, 2 MiB, 0, PROT_READ, MAP_SHARED | MAP_FIXED, -1, 0)", "KSC0205", "msharefs_create_mapping takes seven arguments: msharefs_create_mapping(file | -1, region_offset, size, offset, prot, flags, file | -1)")]
    [InlineData("  cpu0 A: setresuid(1 KiB, 0, 0)", "KSC0206", "the ruid of setresuid must be a plain number, with no unit")]
    [InlineData("  cpu0 A: outb 0x10000", "KSC0207", "0x10000 is out of range for the port of outb: ports are 0 to 0xffff")]
    [InlineData("  cpu0 A: vmalloc(0) -> W", "KSC0207", "0 is out of range for the size of vmalloc: a size is from 1 byte, e.g. 4 MiB")]
    [InlineData("  cpu0 A: touch y", "KSC0228", "no vmalloc area named y")]
    [InlineData("  cpu0 A: ioperm(0x80, 1, 2 KiB)", "KSC0206", "the turn_on of ioperm must be on, off or a plain number")]
    public void A_step_is_checked_against_its_declaration(string statements, string code, string message)
    {
        var diagnostics = Diagnostics(statements).ToArray();
        Assert.Contains(diagnostics, d => d.Code == code && d.Message.StartsWith(message, StringComparison.Ordinal));
    }

    /// <summary>A number past 64 bits is reported once, where the lexer's value gives out, not again as a wrong kind.</summary>
    [Fact]
    public void A_switch_past_64_bits_is_one_diagnostic()
    {
        Assert.Equal(["KSC0004"], Diagnostics("  cpu0 A: ioperm(0x80, 1, 0x1ffffffffffffffff)").Select(d => d.Code));
    }

    [Fact]
    public void An_optional_parameter_left_out_takes_its_default()
    {
        Assert.Equal(new object?[] { 0x40000000UL, 1UL }, BindLast("cpu0 A: read(0x40000000)").Operation.Arguments.ToArray());
    }

    /// <summary>
    /// A syscall's number takes the C type of the kernel's prototype, as the syscall entry truncates the register:
    /// ksys_ioperm(unsigned long from, unsigned long num, int turn_on), SYSCALL_DEFINE1(iopl, unsigned int, level).
    /// </summary>
    [Theory]
    [InlineData("cpu0 A: ioperm(0x80, 1, 0x100000000)", new object[] { 0x80UL, 1UL, 0 })]
    [InlineData("cpu0 A: ioperm(0x80, 1, 0x100000001)", new object[] { 0x80UL, 1UL, 1 })]
    [InlineData("cpu0 A: ioperm(0x80, 1, on)", new object[] { 0x80UL, 1UL, 1 })]
    [InlineData("cpu0 A: ioperm(0x80, 1, off)", new object[] { 0x80UL, 1UL, 0 })]
    [InlineData("cpu0 A: iopl(0x100000003)", new object[] { 3u })]
    public void A_number_is_cut_to_the_kernels_parameter_type(string statement, object[] arguments)
    {
        Assert.Equal(arguments, BindLast(statement).Operation.Arguments.ToArray());
    }

    [Fact]
    public void A_step_that_binds_a_name_binds_it_once()
    {
        Assert.Equal("r0", BindLast("cpu0 A: load x -> r0").Operation.Binds);
        Assert.Equal("W", BindLast("cpu0 A: vmalloc(4 KiB) -> W").Operation.Binds);
        var fork = BindLast("cpu0 A: fork -> C").Operation;
        Assert.Equal(("C", "C"), (fork.Binds, fork.Child!.Name));
    }
}
