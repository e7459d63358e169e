namespace ScenarioLang.Runtime.Mechanisms.Ptshare;

/// <summary>The versions of page-table sharing (MAP_SHARED_PT, seed 004) a scenario can run against.</summary>
public enum PtshareVariant
{
    /// <summary>ptshare=off: mainline, no sharing; MAP_SHARED_PT is an unknown flag (ignored with MAP_SHARED).</summary>
    Off,
    /// <summary>ptshare=rfc-v2: "[PATCH RFC v2 3/4] mm/ptshare: Create new mm struct for page table sharing" as posted, unlocked.</summary>
    RfcV2,
    /// <summary>ptshare=locked: RFC v2 with Karim Manaouil's fix: lookup, creation and removal under the i_mmap lock.</summary>
    Locked,
    /// <summary>
    /// ptshare=mshare: "[PATCH v3 00/22] Add support for shared PTEs across processes" (Anthony Yznaga, 19 August 2025):
    /// no MAP_SHARED_PT; a file of msharefs owns the host mm, objects are mapped into it by ioctl, and a process mapping
    /// the file links its PGD entry to the host's PUD page.
    /// </summary>
    Mshare,
}
