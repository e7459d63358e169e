using ScenarioLang.Runtime.Catalog;
using ScenarioLang.Runtime.Kernel.Mm;
using ScenarioLang.Runtime.Kernel;
using ScenarioLang.Runtime.Mechanisms.PgdSync;
using ScenarioLang.Runtime.Scheduling;

namespace ScenarioLang.Tests.Runtime;

/// <summary>
/// The pause points of fork, exec, vmalloc and touch against what the paths yield: every point a path stops at is in
/// the table (so a printed schedule can be written back as <c>until</c>), indexed exactly when the table says so, and
/// every entry of the table is reached by some path.
/// </summary>
public sealed class PgdPointTests
{
    [Fact]
    public void Every_point_the_paths_yield_is_in_the_table_and_every_entry_is_yielded()
    {
        var yielded = Enum.GetValues<PgdVariant>().SelectMany(Yielded)
            .Select(y => (y.Step, y.Point.Name, Indexed: y.Point.Subscript is not null))
            .ToHashSet();

        // exec's own locked and serializing instructions are the shared kernel's points, whatever the mechanism.
        foreach (var (step, name, indexed) in yielded)
        {
            var entry = PgdPoints.All.Concat(SharedKernel.Points).SingleOrDefault(p => p.Step == step && p.Name == name);
            Assert.True(entry is not null, $"{step} yields {name}, which is neither in PgdPoints.All nor in SharedKernel.Points");
            Assert.True(entry.Indexed == indexed, $"{step}'s {name}: indexed is {entry.Indexed} in the table, {indexed} in the path");
        }
        var names = yielded.Select(y => (y.Step, y.Name)).ToHashSet();
        Assert.Empty(PgdPoints.All.Where(p => !names.Contains((p.Step, p.Name))).Select(p => $"{p.Step}: {p.Name}"));
    }

    [Theory]
    [InlineData(KernelPoints.Fork, KernelPoints.LinkTask, true, true, true)]
    [InlineData(KernelPoints.Fork, PgdPoints.CopyPgd, true, true, true)]
    [InlineData(KernelPoints.Fork, PgdPoints.PgdLock, true, false, false)]
    [InlineData(KernelPoints.Fork, PgdPoints.PgdInitLate, false, true, true)]
    [InlineData(KernelPoints.Exec, KernelPoints.ExecMmap, true, true, true)]
    [InlineData(KernelPoints.Exec, PgdPoints.PgdInitLate, false, true, true)]
    [InlineData(PgdPoints.Vmalloc, PgdPoints.SyncGlobalPgds, true, true, true)]
    [InlineData(PgdPoints.Vmalloc, PgdPoints.SyncMm, true, true, true)]
    [InlineData(PgdPoints.Vmalloc, KernelPoints.TaskLock, false, true, false)]
    public void A_point_is_yielded_in_every_variant_where_its_code_exists(string step, string name, bool lockedList, bool late, bool lateV1)
    {
        bool Has(PgdVariant v) => Yielded(v).Any(y => y.Step == step && y.Point.Name == name);
        // In the enum's order: locked-list, late-wmb, late-mb, late-v1, late-wmb-intended, late-mb-intended.
        Assert.Equal([lockedList, late, late, lateV1, late, late], Enum.GetValues<PgdVariant>().Select(Has));
    }

    [Fact]
    public void Indexed_points_name_the_slot_or_the_task()
    {
        var points = Yielded(PgdVariant.LateMb).Select(y => $"{y.Step} {y.Point.Label}").ToList();
        Assert.Contains("fork copy_pgd[402]", points);
        Assert.Contains("vmalloc populate_pgd[402]", points);
        Assert.Contains("vmalloc sync_mm[C]", points);
        Assert.Contains("vmalloc set_pgd[C]", points);
    }

    // Every path of the table once under the variant: a vmalloc that creates slot 402 and syncs it, a fork, a failing
    // fork, a clone, a failing clone, an exec that kills that thread here, an exec by a thread that takes over its
    // leader, touches (with a vmalloc fault where the walk as posted missed the mm), an exit.
    private static List<(string Step, InterleavingPoint Point)> Yielded(PgdVariant variant)
    {
        var sim = PageTableTests.Pgd(variant, "Q");
        var k = sim.Kernel;
        var cpu0 = sim.Machine.Cpus[0];
        var cpu1 = sim.Machine.Cpus[1];
        var points = new List<(string, InterleavingPoint)>();
        void Drive(KernelPath path)
        {
            path.Start();
            while (path.Pending is { } point)
            {
                points.Add((path.Name, point));
                if (point.NeedsEmptyStoreBuffer)
                    sim.Machine.Memory.DrainAll(path.Cpu);
                path.Perform();
            }
            sim.Machine.Memory.DrainAll(path.Cpu);
        }

        Drive(k.ForkPath(cpu0, sim["P"], "C"));
        Drive(k.ForkPath(cpu0, sim["P"], "E"));
        Drive(k.Vmalloc(cpu1, 4096));
        Drive(k.ForkPath(cpu0, sim["P"], "D", ForkFault.AllocPid));
        Drive(k.ClonePath(cpu0, sim["P"], "T"));
        Drive(k.ClonePath(cpu0, sim["P"], "F", ForkFault.AllocPid));
        Drive(k.ExecPath(cpu0, sim["P"]));
        sim.Run("Q", 1).Clone("Q", "U");
        sim.Run("U", 1);
        Drive(k.ExecPath(cpu1, sim["U"]));
        Drive(k.Touch(cpu0, sim["P"], PagingLayout.VmallocStart));
        // As posted, the late variants' walk set C's and E's entry 0, not 402: their touches take a vmalloc fault.
        Drive(k.Touch(cpu0, k.Tasks.Single(t => t.Name == "C"), PagingLayout.VmallocStart));
        Drive(k.Touch(cpu0, k.Tasks.Single(t => t.Name == "E"), PagingLayout.VmallocStart, FaultContext.Nmi));
        Drive(k.ExitPath(cpu0, sim["P"]));
        return points;
    }
}
