namespace ScenarioLang.Runtime.Kernel.Ioport;

/// <summary>The versions of the I/O permission code a scenario can run against.</summary>
public enum IopermVariant
{
    /// <summary>ioperm=pre-5.5: v5.4, before the series.</summary>
    Pre55,
    /// <summary>ioperm=v2-06-16: [patch V2 06/16] as posted.</summary>
    V2Patch06,
    /// <summary>ioperm=merged: 5.5 and later.</summary>
    Merged,
}
