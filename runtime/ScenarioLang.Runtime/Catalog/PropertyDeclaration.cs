namespace ScenarioLang.Runtime.Catalog;

public enum PropertyType
{
    /// <summary>A whole number of things.</summary>
    Count,
    /// <summary>A size in bytes; accepts KiB/MiB/GiB.</summary>
    Bytes,
    /// <summary>A register's bits, such as EFLAGS; compared as a number, printed in hex.</summary>
    Register,
    /// <summary>on/off (true/false).</summary>
    Flag,
    /// <summary>One of the names the declaration lists (<see cref="PropertyDeclaration.Names"/>), compared with == and !=.</summary>
    Name,
    /// <summary>A kernel object, compared with <c>is</c>.</summary>
    Object,
}

public enum PropertyArgument
{
    None,
    Cpu,
    Task,
    /// <summary>A file declared with <c>file NAME = SIZE</c>.</summary>
    File,
}

/// <summary>What goes between the brackets of an indexed property.</summary>
public enum PropertyIndex
{
    None,
    /// <summary>The name of a vmalloc area: <c>pgd(C)[V]</c>.</summary>
    Area,
    /// <summary>A user address: <c>vma(A)[0x40000000].shared_pt</c>.</summary>
    Address,
}

/// <summary>
/// A property an expectation can read: how it is written (<c>tss(cpu0).prev_max</c>), its type, and the method the
/// generated code calls to read it: <see cref="Accessor"/> on <see cref="Observations"/>, or, for a mechanism's
/// property, the static method of that name on <see cref="Owner"/> taking the observations first.
/// </summary>
/// <remarks>
/// An indexed property is read for a vmalloc area or an address (<see cref="Index"/>). One that <see cref="ReadsMm"/>
/// reads the task's address space, which a task that exited no longer has.
/// </remarks>
public sealed record PropertyDeclaration(string Object, string? Field, PropertyArgument Argument, PropertyType Type, string Accessor, string Meaning,
    PropertyIndex Index = PropertyIndex.None, bool ReadsMm = false, Type? Owner = null)
{
    /// <summary>The values a <see cref="PropertyType.Name"/> property takes, as written and printed.</summary>
    public IReadOnlyList<string> Names { get; init; } = [];

    public string Display => Object + Argument switch
    {
        PropertyArgument.Cpu => "(cpuN)",
        PropertyArgument.Task => "(TASK)",
        PropertyArgument.File => "(FILE)",
        PropertyArgument.None => "",
        _ => throw new System.Diagnostics.UnreachableException($"property argument {Argument}"),
    } + Index switch
    {
        PropertyIndex.Area => "[AREA]",
        PropertyIndex.Address => "[ADDR]",
        PropertyIndex.None => "",
        _ => throw new System.Diagnostics.UnreachableException($"property index {Index}"),
    } + (Field is null ? "" : "." + Field);

    /// <summary>A register loaded by <c>load x -> r0</c>, read by its name.</summary>
    public static PropertyDeclaration Register(string name) => new(name, null, PropertyArgument.None, PropertyType.Count, nameof(Observations.Register), "a register");

    /// <summary>A word declared with <c>shared x</c>, read from memory (not from any store buffer).</summary>
    public static PropertyDeclaration SharedWord(string name) => new(name, null, PropertyArgument.None, PropertyType.Count, nameof(Observations.SharedWord), "a shared word");
}
