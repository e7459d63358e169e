using ScenarioLang.Runtime.Catalog;
using static ScenarioLang.Runtime.Catalog.KernelPoints;

namespace ScenarioLang.Runtime.Mechanisms.Ptshare;

/// <summary>
/// The interleaving points of mmap(), munmap() and user accesses under page-table sharing (seed 004), by the names a
/// scenario stops them at (<c>until ptshare_publish</c>). Each names the access of the RFC's code it stops before.
/// </summary>
public static class PtsharePoints
{
    /// <summary>do_mmap(), do_vmi_munmap(), ptshare_del_mm(), find_shared_vma(): <c>info = file->f_mapping->ptshare_data</c>.</summary>
    public const string Lookup = "ptshare_lookup";
    /// <summary>Reading the fields of *info (start, size, mode): a use after free if it has been freed.</summary>
    public const string ReadInfo = "ptshare_info";
    /// <summary>ptshare_new_mm(): <c>file->f_mapping->ptshare_data = info</c>.</summary>
    public const string Publish = "ptshare_publish";
    /// <summary>do_mmap() after ptshare_new_mm(): <c>info = file->f_mapping->ptshare_data</c> read again.</summary>
    public const string Reload = "ptshare_reload";
    /// <summary>ptshare_insert_vma(): insert_vm_struct() into the host mm.</summary>
    public const string InsertVma = "ptshare_insert_vma";
    /// <summary>do_mmap(): <c>refcount_inc(&amp;info->refcnt)</c>.</summary>
    public const string RefcountInc = "refcount_inc";
    /// <summary>ptshare_del_mm(): <c>refcount_dec_and_test(&amp;info->refcnt)</c>.</summary>
    public const string RefcountDec = "refcount_dec_and_test";
    /// <summary>lib/refcount.c: refcount_warn_saturate()'s refcount_set(r, REFCOUNT_SATURATED) after a misuse.</summary>
    public const string Saturate = "refcount_warn_saturate";
    /// <summary>free_ptshare_mm(): <c>kfree(info)</c>.</summary>
    public const string Kfree = "kfree";
    /// <summary>ptshare_del_mm(): <c>file->f_mapping->ptshare_data = NULL</c>.</summary>
    public const string Clear = "ptshare_clear";
    /// <summary>i_mmap_lock_write(mapping) (ptshare=locked): down_write().</summary>
    public const string IMmapLock = "i_mmap_lock_write";
    /// <summary>i_mmap_unlock_write(mapping) (ptshare=locked): up_write(), a locked instruction.</summary>
    public const string IMmapUnlock = "i_mmap_unlock_write";

    /// <summary>Every point of the steps of seed 004, for <see cref="PausePoints"/>.</summary>
    public static IReadOnlyList<PausePoint> All { get; } =
    [
        new(Mmap, IMmapLock, "ptshare=locked: do_mmap() is about to take the file's i_mmap lock for the lookup and the creation or sharing"),
        new(Mmap, Lookup, "do_mmap(): about to load file->f_mapping->ptshare_data (is there a host mm for this file?)"),
        new(Mmap, ReadInfo, "do_mmap(): about to read *info (mode, start, size) to decide whether to share"),
        new(Mmap, Publish, "ptshare_new_mm(): the host mm and ptshare_data are made; about to store info in file->f_mapping->ptshare_data"),
        new(Mmap, Reload, "do_mmap(): after ptshare_new_mm(), about to load file->f_mapping->ptshare_data again"),
        new(Mmap, InsertVma, "ptshare_insert_vma(): about to insert a copy of the vma into the host mm (insert_vm_struct())"),
        new(Mmap, RefcountInc, "do_mmap(): the mapping matches; about to refcount_inc(&info->refcnt)"),
        new(Mmap, Saturate, "refcount_inc() found 0 (or a saturated count): about to store REFCOUNT_SATURATED in info->refcnt (a plain store)"),
        new(Mmap, IMmapUnlock, "ptshare=locked: do_mmap() is about to release the i_mmap lock (up_write(), a locked instruction, which waits for the store buffer to drain)"),
        new(Munmap, IMmapLock, "ptshare=locked: do_vmi_munmap() is about to take the file's i_mmap lock"),
        new(Munmap, Lookup, "do_vmi_munmap() and ptshare_del_mm(): about to load file->f_mapping->ptshare_data"),
        new(Munmap, ReadInfo, "do_vmi_munmap(): about to read info->start and info->size (partial munmaps are refused)"),
        new(Munmap, RefcountDec, "ptshare_del_mm(): about to refcount_dec_and_test(&info->refcnt)"),
        new(Munmap, Saturate, "refcount_dec_and_test() found 0 (or a saturated count): about to store REFCOUNT_SATURATED in info->refcnt (a plain store)"),
        new(Munmap, Clear, "ptshare_del_mm(): about to store NULL in file->f_mapping->ptshare_data (after free_ptshare_mm() in rfc-v2, before it in locked)"),
        new(Munmap, IMmapUnlock, "ptshare=locked: do_vmi_munmap() is about to release the i_mmap lock (up_write(), a locked instruction, which waits for the store buffer to drain)"),
        new(Munmap, Kfree, "free_ptshare_mm(): the host mm is put; about to kfree(info)"),
        .. Faults(Read),
        .. Faults(Write),
    ];

    private static PausePoint[] Faults(string step) =>
    [
        new(step, Lookup, "find_shared_vma(): a fault in a shared vma is about to load file->f_mapping->ptshare_data"),
        new(step, ReadInfo, "find_shared_vma(): about to read info->mm, the host mm whose tables the fault fills"),
    ];
}
