using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Kernel.Mm;

namespace ScenarioLang.Runtime.Mechanisms.Ptshare;

/// <summary>msharefs as an <c>expect</c> reads it (ptshare=mshare): the properties <see cref="PtshareMechanism"/> declares for it.</summary>
public static class MshareObservations
{
    /// <summary><c>mshare(F)</c>: the mshare_data of the msharefs file F (its inode's i_private), or null.</summary>
    public static KernelObject? Mshare(this Observations o, string file) =>
        PtshareMechanism.VariantOf(o.Kernel) == PtshareVariant.Mshare ? o.Kernel.Mechanism<Mshare>().Inode(o.File(file)) : null;

    /// <summary><c>mshare(F).size</c>: the region's size, 0 until ftruncate().</summary>
    public static long MshareSize(this Observations o, string file) => (long)RequireMshare(o, file).RegionSize;

    /// <summary><c>mshare(F).pte</c>: bytes of PTE pages the file's host mm holds.</summary>
    public static long MshareHostPteBytes(this Observations o, string file) => Observations.OwnTables(RequireMshare(o, file).Mm, PageTableLevel.Pte);

    /// <summary><c>mshare(F).pmd</c>.</summary>
    public static long MshareHostPmdBytes(this Observations o, string file) => Observations.OwnTables(RequireMshare(o, file).Mm, PageTableLevel.Pmd);

    /// <summary><c>mshare(F).pud</c>.</summary>
    public static long MshareHostPudBytes(this Observations o, string file) => Observations.OwnTables(RequireMshare(o, file).Mm, PageTableLevel.Pud);

    private static MshareData RequireMshare(Observations o, string file) =>
        Mshare(o, file) as MshareData ?? throw new NotModelledException($"{file} is not a file of msharefs");
}
