using ScenarioLang.Runtime.Scheduling;

namespace ScenarioLang.Runtime.Kernel.Mm;

/// <summary>
/// A file a scenario maps (<c>file db = 1 GiB</c>), opened read-write by every task, with its address space
/// (struct address_space, include/linux/fs.h). Only the fields paths race on are words of shared memory; a mechanism
/// that adds a field to address_space declares its word in its folder (page-table sharing: ptshare_data).
/// </summary>
public sealed class KernelFile(string name, long size, bool hugetlbfs)
{
    public string Name { get; } = name;

    public long Size { get; } = size;

    /// <summary>A file of hugetlbfs: is_file_hugepages(); its mappings are never candidates for page-table sharing.</summary>
    public bool Hugetlbfs { get; } = hugetlbfs;

    /// <summary>file->f_mapping->i_mmap_rwsem, which i_mmap_lock_write() takes.</summary>
    public MemoryLocation IMmapRwsem => new($"{Name}->f_mapping->i_mmap_rwsem");

    public override string ToString() => Name;
}
