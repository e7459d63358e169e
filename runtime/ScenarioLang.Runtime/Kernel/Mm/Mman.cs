using ScenarioLang.Runtime.Catalog;

namespace ScenarioLang.Runtime.Kernel.Mm;

/// <summary>
/// The mmap() protection and flag bits a scenario can name, with their values on x86-64
/// (include/uapi/asm-generic/mman-common.h, mman.h; MAP_SHARED_PT as the ptshare RFC defines it).
/// </summary>
public static class Mman
{
    public const int ProtNone = 0x0;
    public const int ProtRead = 0x1;
    public const int ProtWrite = 0x2;
    public const int ProtExec = 0x4;

    public const int MapShared = 0x01;
    public const int MapPrivate = 0x02;
    /// <summary>MAP_SHARED_VALIDATE: MAP_SHARED that rejects flags the kernel does not know.</summary>
    public const int MapSharedValidate = 0x03;
    public const int MapType = 0x0f;
    public const int MapFixed = 0x10;
    public const int MapAnonymous = 0x20;
    /// <summary>MAP_SHARED_PT (RFC "mm/ptshare: Add flag MAP_SHARED_PT to mmap()"): share page tables with other mappers.</summary>
    public const int MapSharedPt = 0x200000;

    /// <summary>The PROT_ names a scenario can write, by value.</summary>
    public static FlagNames ProtNames { get; } = new(
        ["PROT_EXEC", "PROT_NONE", "PROT_READ", "PROT_WRITE"],
        [ProtExec, ProtNone, ProtRead, ProtWrite]);

    /// <summary>The MAP_ names a scenario can write, by value.</summary>
    public static FlagNames MapNames { get; } = new(
        ["MAP_ANONYMOUS", "MAP_FIXED", "MAP_PRIVATE", "MAP_SHARED", "MAP_SHARED_PT", "MAP_SHARED_VALIDATE"],
        [MapAnonymous, MapFixed, MapPrivate, MapShared, MapSharedPt, MapSharedValidate]);

    /// <summary>"PROT_READ | PROT_WRITE", as the trace prints a protection.</summary>
    public static string FormatProt(int prot) => prot == ProtNone ? "PROT_NONE" : Format(prot, ProtNames);

    private static string Format(int bits, FlagNames names)
    {
        var set = new List<string>();
        for (var i = 0; i < names.Count; i++)
        {
            var value = names.ValueAt(i);
            if (value != 0 && (bits & value) == value && (value & MapType) != MapType)
                set.Add(names.NameAt(i));
        }
        return string.Join(" | ", set);
    }
}
