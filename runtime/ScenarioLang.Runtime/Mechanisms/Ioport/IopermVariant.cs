namespace ScenarioLang.Runtime.Mechanisms.Ioport;

/// <summary>The versions of the I/O permission code a scenario can run against.</summary>
public enum IopermVariant
{
    /// <summary>ioperm=pre-5.5: v5.4, before the series.</summary>
    Pre55,
    /// <summary>ioperm=v1-05-09: [patch 5/9] "x86/ioport: Reduce ioperm impact for sane usage further" (Thomas Gleixner, 6 November 2019) as posted.</summary>
    V1Patch05,
    /// <summary>ioperm=v2-06-16: [patch V2 06/16] as posted.</summary>
    V2Patch06,
    /// <summary>ioperm=merged: the merged code as in mainline.</summary>
    Merged,
    /// <summary>ioperm=merged-5.5: the merged code as released in 5.5, before the fork-failure fix.</summary>
    Merged55,
    /// <summary>ioperm=v2-11-16: [patch V2 11/16] "x86/ioperm: Share I/O bitmap if identical" (Thomas Gleixner, 11 November 2019) as posted: the duplicate keeps the shared refcount.</summary>
    V2Patch11,
    /// <summary>ioperm=remap: Brian Gerst's proposal in seed 002's thread (7 November 2019): the task's bitmap remapped into cpu_entry_area.</summary>
    Remap,
    /// <summary>ioperm=hpa-tss: H. Peter Anvin's proposal in seed 002's thread (7 November 2019): a pre-formatted TSS per thread, loaded with LTR.</summary>
    PerThreadTss,
}
