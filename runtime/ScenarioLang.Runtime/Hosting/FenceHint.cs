namespace ScenarioLang.Runtime;

/// <summary>An access of a CPU's program: the step that performs it, the point it is at, and how the trace shows it.</summary>
/// <param name="Point">The point's label, <c>copy_pgd[402]</c>; a memory instruction's point is its keyword.</param>
/// <param name="Text">The access, <c>store x = 1</c>, <c>load swapper_pg_dir[402]</c>.</param>
public sealed record ProgramAccess(ThreadStep Step, string Point, string Text);

/// <summary>
/// A store→load reordering the violation depends on: <paramref name="Load"/> read memory while <paramref name="Store"/>,
/// earlier on the same CPU, still waited in its buffer, so a full fence between them (which waits for the buffer to
/// drain) would have made the load wait for <paramref name="Written"/> to reach memory.
/// </summary>
/// <param name="Written">What the store writes, <c>x = 1</c>.</param>
public sealed record FenceHint(int Cpu, ProgramAccess Store, ProgramAccess Load, string Written)
{
    public override string ToString()
    {
        var between = Store.Step == Load.Step
            ? $"between '{Store.Text}' at {Store.Point} and '{Load.Text}' at {Load.Point}, both in {Store.Step.Action} (line {Store.Step.Step.Line}),"
            : $"between '{Store.Text}' (line {Store.Step.Step.Line}) and '{Load.Text}' (line {Load.Step.Step.Line})";
        return $"a full fence (mfence, smp_mb()) on cpu{Cpu} {between} would make the load wait for {Written} to reach memory";
    }
}
