using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Machine;
using ScenarioLang.Runtime.Tracing;

namespace ScenarioLang.Runtime.Mechanisms.Ioport;

/// <summary>
/// Brian Gerst's alternative in the thread of [patch 5/9] "x86/ioport: Reduce ioperm impact for sane usage further"
/// (seed 002, 7 November 2019), never posted as a patch: "page-align the IO bitmap and remap it to the task's bitmap on
/// task switch", in the form of his second mail: tasks without a bitmap leave io_bitmap_base "outside the segment limit",
/// and "track which task is mapped to the current cpu ... and only flush when a different task needs the IO bitmap, or
/// when the bitmap is being freed on task exit". Linus answered that this is his "track the last task" optimisation with
/// a TLB flush where the merged code copies, and that "a tlb flush (even the single-page case) is likely more expensive
/// than the memcpy"; Andy Lutomirski NAKed "any VM games here". The rest is mainline's code. Assumed where the mails are
/// silent: the bitmap comes first in struct io_bitmap, so that kmalloc()'s page-aligned 16 KiB holds it in two whole
/// pages; the mapping is kept per CPU, as the sequence number is; a free unmaps it from each CPU that maps it with a
/// flush_tlb_kernel_range() of that CPU's slot, which IPIs the other CPUs (each CPU's slot is a range of its own).
/// </summary>
public sealed class RemapIoport(LinuxKernel kernel) : MergedIoport(kernel, IopermVariant.Remap, IopermVariant.Merged)
{
    /// <summary>The 8 KiB bitmap spans two pages: a remap writes two PTEs, a flush is two invlpg.</summary>
    private const int Pages = IoBitmap.Bytes / 4096;

    // The copy of the merged kernel's tss_copy_io_bitmap(), as a change of cpu_entry_area's PTEs.
    protected override void LoadIoBitmap(Cpu cpu, TaskStruct current, IoBitmap iobm)
    {
        var state = Cpus[cpu.Index];
        var previous = state.Mapped;
        if (previous == iobm)
        {
            Log.Note($"{cpu}'s cpu_entry_area already maps {iobm}: nothing remapped");
            return;
        }
        // set_pte() for each page, then the flush only if a mapping was there: "If the previous task doesn't have a
        // bitmap the pages in cpu_entry_area were unmapped and can't be in the TLB, so no flush is needed."
        state.PteWrites += Pages;
        state.Mapped = iobm;
        cpu.Tss.BitmapPages = iobm.Bitmap;
        if (previous is null)
        {
            Log.Note($"{cpu}'s cpu_entry_area maps {iobm}'s {Pages} pages ({Pages} PTEs; nothing was mapped, no flush)");
            return;
        }
        state.Invlpg += Pages;
        Log.Note($"{cpu}'s cpu_entry_area remapped from {previous} to {iobm} ({Pages} PTEs, {Pages} invlpg)");
    }

    // "or when the bitmap is being freed on task exit": every CPU still mapping it loses the mapping before kfree().
    protected override void BeforeFree(Cpu cpu, IoBitmap iobm)
    {
        var mapping = Cpus.Where(c => c.Mapped == iobm).ToList();
        if (mapping.Count == 0)
            return;
        var local = Cpus[cpu.Index];
        foreach (var state in mapping)
        {
            local.PteWrites += Pages;
            state.Mapped = null;
            state.Tss.BitmapPages = null;
        }
        // arch/x86/mm/tlb.c: flush_tlb_kernel_range() of each mapping CPU's own cpu_entry_area slot (the slots lie apart,
        // so one range cannot cover two): on_each_cpu(), an IPI to every other CPU, and invlpg per page on every CPU.
        foreach (var state in Cpus)
            state.Invlpg += Pages * mapping.Count;
        local.FlushIpis += (Cpus.Count - 1) * mapping.Count;
        Log.Note($"{iobm} unmapped from {string.Join(", ", mapping.Select(c => $"cpu{c.Tss.Cpu}"))}'s cpu_entry_area before kfree(): "
            + $"flush_tlb_kernel_range() of each slot, {Units.Count((Cpus.Count - 1) * mapping.Count, "IPI")}, {Pages * mapping.Count} invlpg on every CPU");
    }
}
