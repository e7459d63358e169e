using System.Text;
using ScenarioLang.Bench.Shapes;

namespace ScenarioLang.Bench.References;

/// <summary>
/// Writes a litmus shape in herd7's X86 syntax (as in herdtools7's litmus/x86 tests): one column per thread,
/// <c>MOV [x],$1</c> for a store, <c>MOV EAX,[x]</c> for a load, and the outcome as an <c>exists</c> clause.
/// herd7 answers with "Observation NAME Sometimes/Never", whichever x86-TSO gives.
/// </summary>
public static class LitmusWriter
{
    private static readonly string[] X86Registers = ["EAX", "EBX", "ECX", "EDX", "ESI", "EDI"];

    public static string Write(LitmusShape shape)
    {
        var columns = shape.Threads.Select(Instructions).ToList();
        var rows = columns.Max(c => c.Count);
        List<string[]> table = [[.. Enumerable.Range(0, shape.Cpus).Select(cpu => $"P{cpu}")]];
        for (var row = 0; row < rows; row++)
            table.Add([.. columns.Select(c => c.ElementAtOrDefault(row) ?? "")]);
        var widths = Enumerable.Range(0, shape.Cpus).Select(cpu => table.Max(r => r[cpu].Length)).ToList();

        var text = new StringBuilder();
        text.Append($"X86 {shape.Name}\n");
        text.Append($"{{ {string.Concat(shape.Locations.Select(l => $"{l}=0; "))}}}\n");
        foreach (var row in table)
            text.Append(' ').Append(string.Join(" | ", row.Select((cell, cpu) => cell.PadRight(widths[cpu])))).Append(" ;\n");
        var outcome = shape.Outcome.Select(v => $"{shape.ThreadOf(v.Register)}:{RegisterOf(shape, v.Register)}={v.Value}");
        text.Append($"exists ({string.Join(@" /\ ", outcome)})\n");
        return text.ToString();
    }

    private static List<string> Instructions(IReadOnlyList<Access> thread)
    {
        var loads = 0;
        return [.. thread.Select(access => access switch
        {
            Store s => $"MOV [{s.Location}],${s.Value}",
            Load l => $"MOV {X86Registers[loads++]},[{l.Location}]",
            _ => throw new ArgumentOutOfRangeException(nameof(thread), access, "unknown access"),
        })];
    }

    /// <summary>The x86 register a kscn register becomes: its thread's loads take EAX, EBX, ... in program order.</summary>
    private static string RegisterOf(LitmusShape shape, string register)
    {
        var loads = shape.Threads[shape.ThreadOf(register)].OfType<Load>().ToList();
        return X86Registers[loads.FindIndex(l => l.Register == register)];
    }
}
