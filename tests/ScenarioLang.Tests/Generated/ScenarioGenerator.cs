using System.Globalization;
using System.Text;
using CsCheck;
using ScenarioLang.Runtime.Catalog;
using ScenarioLang.Runtime.Kernel.Mm;
using ScenarioLang.Runtime.Mechanisms.Ioport;
using ScenarioLang.Runtime.Mechanisms.PgdSync;
using ScenarioLang.Runtime.Mechanisms.Ptshare;
using ScenarioLang.Runtime.Scheduling;
using ScenarioLang.Runtime;

namespace ScenarioLang.Tests.Generated;

/// <summary>
/// Generates well-formed .kscn scenarios for property tests: explicit schedules mixing fork, clone, exec, exit, vmalloc,
/// touch, mmap/munmap, read/write, port instructions, switches, <c>until</c> pauses, <c>continue</c>, drains and
/// expectations, across kernel variants; and small <c>explore</c> blocks (2 CPUs, 1-2 steps each, of every kind).
/// </summary>
/// <remarks>
/// A scenario is a <see cref="Plan"/>, a list of small numbers that <see cref="Render"/> reads as choices while it
/// follows the schedule (which task runs where, which steps are paused, which areas exist), so that it writes only
/// statements the checker should accept. CsCheck shrinks a failing plan by dropping and lowering its numbers, which
/// drops and simplifies statements; the rendering of the shrunk plan is the counterexample. The checker may still
/// reject a scenario (a rule the renderer does not follow): that is exit 2 and allowed.
/// </remarks>
public static class ScenarioGenerator
{
    /// <summary>Explicit schedules of up to <paramref name="maxSteps"/> statements.</summary>
    public static Gen<string> Explicit(int maxSteps = 14) => PlanGen(maxSteps).Select(p => Render(p, explore: false));

    /// <summary>Scenarios whose schedule is a few set-up statements and an explore block on 2 CPUs, with quantified expectations.</summary>
    public static Gen<string> Explore { get; } = PlanGen(10).Select(p => Render(p, explore: true));

    /// <summary>Both, three explicit schedules to one explore block.</summary>
    public static Gen<string> Mixed { get; } = Gen.Frequency((3, Explicit()), (1, Explore));

    /// <summary>The choices a scenario is rendered from: its variants and CPU count, then one list of numbers per statement.</summary>
    public sealed record Plan(int Pgd, int Ptshare, int Ioperm, int Cpus, int[][] Statements)
    {
        public override string ToString() => Render(this, explore: false);
    }

    private static Gen<Plan> PlanGen(int maxSteps) =>
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, 9], Gen.Int[0, 9], Gen.Int[1, 2], Gen.Int[0, 99].Array[4].Array[0, maxSteps],
            (pgd, ptshare, ioperm, cpus, statements) => new Plan(pgd, ptshare, ioperm, cpus, statements));

    /// <summary>Writes the scenario a plan describes.</summary>
    public static string Render(Plan plan, bool explore) => new Renderer(plan, explore).Render();

    private sealed class Renderer(Plan plan, bool explore)
    {
        private const string MapAt = "0x40000000";
        private static readonly string[] Files = ["db", "lib"];

        private readonly StringBuilder _text = new();
        private readonly int _cpus = explore ? 2 : plan.Cpus;
        private readonly List<Task> _tasks = [new("A", "root", null), new("B", "user", null)];
        // An explore block whose plan asks for it has a third task that preempts A on cpu0 (`cpu0 P preempts A`).
        private readonly bool _preempting = explore && plan.Statements.Length > 7 && plan.Statements[7] is [var p, ..] && p % 3 == 0;
        private readonly Task?[] _current = new Task?[2];
        private readonly Paused?[] _paused = new Paused?[2];
        private readonly List<string> _areas = [];
        private readonly List<string> _registers = [];
        private int _names;

        public string Render()
        {
            _text.Append("scenario \"generated\" {\n");
            Line($"kernel pgd = {Variant(PgdSyncMechanism.Declaration, plan.Pgd)}");
            Line($"kernel ptshare = {Variant(PtshareMechanism.Declaration, plan.Ptshare)}");
            Line($"kernel ioperm = {Variant(IoportMechanism.Declaration, plan.Ioperm)}");
            Line($"cpus {_cpus}");
            Line("task A root");
            Line("task B user");
            if (_preempting)
                Line("task P user");
            Line("shared x");
            foreach (var file in Files)
                Line($"file {file} = 2 MiB");
            if (explore)
                RenderExplore();
            else
            {
                foreach (var choices in plan.Statements)
                    Statement(new Choices(choices));
                // The checker wants every pause continued and every preemption finished before the end.
                for (var cpu = 0; cpu < _cpus; cpu++)
                {
                    if (_paused[cpu] is not null)
                        Continue(cpu, null);
                }
                foreach (var task in _tasks.Where(t => t.Preempted && !t.Exited))
                    Switch(Array.IndexOf(_current, task) is var on && on >= 0 ? OtherCpuOrSame(on, task) : 0, task);
            }
            _text.Append("}\n");
            return _text.ToString();
        }

        private void RenderExplore()
        {
            var choices = plan.Statements.Select(c => new Choices(c)).ToList();
            // Set-up: an area for touch, a mapping for read and write, when the plan asks for them.
            var setup = choices.Count > 0 ? choices[0].Next(4) : 0;
            if (setup is 1 or 3)
                Line("cpu0 kernel: vmalloc(4 MiB) -> V0");
            if (setup is 2 or 3)
                Line($"cpu0 A: mmap({MapAt}, 2 MiB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_SHARED_PT, db, 0)");
            if (setup is 1 or 3)
                _areas.Add("V0");
            Line("explore {");
            var steps = new List<string>();
            for (var cpu = 0; cpu < 2; cpu++)
            {
                var task = cpu == 0 ? "A" : "B";
                var count = 1 + (choices.Count > cpu + 1 ? choices[cpu + 1].Next(2) : 0);
                for (var i = 0; i < count; i++)
                {
                    var c = choices.Count > 2 + cpu * 2 + i ? choices[2 + cpu * 2 + i] : new Choices([]);
                    steps.Add($"  cpu{cpu} {task}: " + ExploreStep(c, task, last: i == count - 1));
                }
            }
            foreach (var step in steps)
                Line(step);
            if (_preempting)
            {
                var c = new Choices(plan.Statements[7][1..]);
                for (var i = 1 + c.Next(2); i > 0; i--)
                    Line("  cpu0 P preempts A: " + c.Pick("outb 0x80", "setresuid(1000, 1000, 1000)", "ioperm(0x80, 1, on)", "iopl(3)", $"read({MapAt})"));
            }
            Line("}");
            var expectation = choices.Count > 6 ? choices[6] : new Choices([]);
            var quantifier = expectation.Pick("always", "never", "sometimes");
            Line($"expect {quantifier} " + expectation.Pick(
                "mm(A).users == 1",
                "ptshare(db).refcnt == 1",
                "machine.live_mms == 2",
                _areas.Count > 0 ? "pgd(A)[V0] is none" : "mm(B) is none",
                "machine.live_bitmaps == 1"));
        }

        // A task that exits takes no step after it.
        private string ExploreStep(Choices c, string task, bool last) => c.Next(12) switch
        {
            7 => $"ioperm({c.Pick("0x80", "0x3f8")}, 1, {c.Pick("on", "off")})",
            8 => $"iopl({c.Pick("0", "3")})",
            9 => c.Pick("cli", "sti", "outb 0x80", "pushf"),
            10 => "setresuid(1000, 1000, 1000)",
            // A preempted task does not exit: the CPU switches back to it (KSC0241).
            11 when last && !(_preempting && task == "A") => "exit",
            11 => "setresuid(1000, 1000, 1000)",
            0 => $"fork -> {Fresh("C")}",
            1 => "exec",
            2 when _areas.Count > 0 => $"touch V0{c.Pick("", " -> ok", " -> #PF")}",
            2 => "exec",
            3 => $"mmap({MapAt}, 2 MiB, PROT_READ, MAP_SHARED | MAP_SHARED_PT, {c.Pick(Files)}, 0)",
            4 => $"munmap({MapAt}, 2 MiB)",
            5 => $"read({MapAt}){c.Pick("", " -> ok", " -> SIGSEGV")}",
            _ => $"write({MapAt}){c.Pick("", " -> ok", " -> SIGSEGV")}",
        };

        private void Statement(Choices c)
        {
            var cpu = c.Next(_cpus);
            if (_paused[cpu] is { } paused)
            {
                // A paused CPU takes a continue, or (at its return) a new step; the others go on meanwhile.
                if (c.Next(3) == 0 || !paused.AtReturn)
                {
                    if (c.Next(3) == 0)
                        Continue(cpu, c.Next(3) == 0 ? PointOf(paused.Call, c) : null);
                    else if (_cpus > 1 && _paused[1 - cpu] is null)
                        Step(1 - cpu, c);
                    return;
                }
            }
            switch (c.Next(10))
            {
                case 0:
                    SwitchSomewhere(cpu, c);
                    break;
                case 1:
                    Line($"cpu{cpu} drain");
                    break;
                case 2:
                    Expectation(c);
                    break;
                default:
                    Step(cpu, c);
                    break;
            }
        }

        private void Step(int cpu, Choices c)
        {
            var kind = c.Next(16);
            // vmalloc, touch and the memory instructions also run in kernel context, with no task.
            if (kind is 4 or 5 or 13 && c.Next(3) == 0)
            {
                KernelStep(cpu, kind, c);
                return;
            }
            var task = TaskFor(cpu, c);
            if (task is null)
                return;
            var on = $"cpu{cpu} {task.Name}: ";
            switch (kind)
            {
                case 0 or 1:
                {
                    var call = kind == 0 ? "fork" : "clone";
                    var child = new Task(Fresh(kind == 0 ? "C" : "T"), task.Privilege, kind == 0 ? null : task.Group ?? task);
                    if (kind == 0 && c.Next(3) == 0)
                    {
                        Pausable(cpu, on + "fork", $"-> {child.Name}", KernelPoints.Fork, c, child, null);
                        return;
                    }
                    Line($"{on}{call} -> {child.Name}");
                    _tasks.Add(child);
                    break;
                }
                case 2:
                    if (_tasks.Any(t => t != task && !t.Exited && (t.Group ?? t) == (task.Group ?? task) && (t.Preempted || PausedTask(t))))
                        return;
                    if (c.Next(3) == 0)
                    {
                        Pausable(cpu, on + "exec", "", KernelPoints.Exec, c, null, null);
                        KillThreads(task);
                        return;
                    }
                    Line($"{on}exec{c.Pick("", " -> 0")}");
                    KillThreads(task);
                    break;
                case 3:
                    Line($"{on}exit");
                    task.Exited = true;
                    _current[cpu] = null;
                    break;
                case 4 or 5 or 13:
                    KernelStep(cpu, kind, c, task);
                    break;
                case 6:
                {
                    var shared = c.Next(2) == 0;
                    var args = shared
                        ? $"{MapAt}, 2 MiB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_SHARED_PT, {c.Pick(Files)}, 0"
                        : $"{MapAt}, 2 MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0";
                    Pausable(cpu, $"{on}mmap({args})", "", KernelPoints.Mmap, c, null, null);
                    break;
                }
                case 7:
                    Pausable(cpu, $"{on}munmap({MapAt}, 2 MiB)", c.Pick("", "-> 0"), KernelPoints.Munmap, c, null, null);
                    break;
                case 8 or 9:
                {
                    var call = kind == 8 ? "read" : "write";
                    Pausable(cpu, $"{on}{call}({MapAt})", c.Pick("", "-> ok", "-> SIGSEGV"), kind == 8 ? KernelPoints.Read : KernelPoints.Write, c, null, null);
                    break;
                }
                case 10:
                    if (c.Next(3) == 0)
                    {
                        Line($"{on}ioperm(0x80, 1, on) preempted at {c.Pick("alloc", "installed")}");
                        task.Preempted = true;
                    }
                    else
                        Line($"{on}ioperm({c.Pick("0x80, 1", "0, 0x10000", "0x3f8, 8")}, {c.Pick("on", "off")}){c.Pick("", " -> 0", " -> EPERM")}");
                    break;
                case 11:
                    Line($"{on}iopl({c.Pick("0", "3")}){c.Pick("", " -> 0", " -> EPERM")}");
                    break;
                case 12:
                    Line($"{on}{c.Pick("outb 0x80", "inb 0x3f8", "outl 0x80", "cli", "sti")}{c.Pick("", " -> ok", " -> #GP")}");
                    break;
                case 14:
                    Line($"{on}pushf");
                    break;
                default:
                    Line($"{on}setresuid({c.Pick("0", "1000")}, {c.Pick("0", "1000")}, 0xffffffff){c.Pick("", " -> 0", " -> EPERM")}");
                    break;
            }
        }

        private void KernelStep(int cpu, int kind, Choices c, Task? task = null)
        {
            var on = $"cpu{cpu} {task?.Name ?? "kernel"}: ";
            switch (kind)
            {
                case 4:
                {
                    var area = Fresh("V");
                    Pausable(cpu, $"{on}vmalloc({c.Pick("4 KiB", "2 MiB", "4 MiB")})", $"-> {area}", PgdPoints.Vmalloc, c, null, area);
                    break;
                }
                case 5 when _areas.Count > 0:
                    Pausable(cpu, $"{on}touch {c.Pick([.. _areas])}", c.Pick("", "-> ok", "-> #PF"), PgdPoints.Touch, c, null, null);
                    break;
                case 5:
                    break;
                default:
                    if (c.Next(2) == 0)
                        Pausable(cpu, $"{on}store x = {c.Next(3)}", "", InstructionPoints.Store, c, null, null);
                    else
                        Pausable(cpu, $"{on}load x", $"-> {Fresh("r")}", InstructionPoints.Load, c, null, "register");
                    break;
            }
        }

        /// <summary>A step that may be paused with <c>until</c>; what it defines exists once it has returned.</summary>
        private void Pausable(int cpu, string action, string result, string call, Choices c, Task? child, string? defines)
        {
            var register = defines == "register" ? result[3..] : null;
            var area = defines is not (null or "register") ? defines : null;
            var until = c.Next(4) == 0 ? PointOf(call, c) : null;
            Line($"{action}{(until is null ? "" : " until " + until)}{(result.Length == 0 ? "" : " " + result)}");
            if (until is null)
            {
                Define(child, area, register);
                return;
            }
            _paused[cpu] = new Paused(call, until == PausePoints.Return, child, area, register);
        }

        private void Continue(int cpu, string? until)
        {
            Line($"cpu{cpu} continue{(until is null ? "" : " until " + until)}");
            var paused = _paused[cpu]!;
            if (until is null)
            {
                _paused[cpu] = null;
                Define(paused.Child, paused.Area, paused.Register);
            }
            else
                _paused[cpu] = paused with { AtReturn = until == PausePoints.Return };
        }

        private void Define(Task? child, string? area, string? register)
        {
            if (child is not null)
                _tasks.Add(child);
            if (area is not null)
                _areas.Add(area);
            if (register is not null)
                _registers.Add(register);
        }

        /// <summary>A pause point of the step; half the time one before an unlock, where the step holds a lock another CPU may want.</summary>
        private static string PointOf(string call, Choices c)
        {
            var points = PausePoints.Of(call).Select(p => p.Name).Append(PausePoints.Return).ToArray();
            var unlocks = points.Where(p => p.Contains("unlock", StringComparison.Ordinal)).ToArray();
            return unlocks.Length > 0 && c.Next(2) == 0 ? c.Pick(unlocks) : c.Pick(points);
        }

        private void Expectation(Choices c)
        {
            var task = c.Pick([.. _tasks.Where(t => !t.Exited).Select(t => t.Name).DefaultIfEmpty("A")]);
            var candidates = new List<string>
            {
                $"mm({task}).users == {c.Next(3)}",
                $"task({task}).iopl == 0",
                $"ptshare(db).refcnt == {c.Next(3)}",
                $"machine.live_mms >= 1",
                "x == 0",
                $"mm({task}) is not none",
            };
            if (_areas.Count > 0)
                candidates.Add($"pgd({task})[{c.Pick([.. _areas])}] is {c.Pick("none", "not none")}");
            if (_registers.Count > 0)
                candidates.Add($"{c.Pick([.. _registers])} == {c.Next(2)}");
            Line("expect " + c.Pick([.. candidates]));
        }

        private void SwitchSomewhere(int cpu, Choices c)
        {
            var ready = _tasks.Where(t => !t.Exited && Array.IndexOf(_current, t) < 0).ToList();
            if (ready.Count == 0 || c.Next(3) == 0)
            {
                if (_current[cpu] is not null && !_current[cpu]!.Preempted)
                    Switch(cpu, null);
                return;
            }
            Switch(cpu, ready[c.Next(ready.Count)]);
        }

        private void Switch(int cpu, Task? task)
        {
            Line($"cpu{cpu} switch {task?.Name ?? "idle"}");
            if (_current[cpu] is { } previous && previous != task)
                _current[cpu] = null;
            if (task is not null)
            {
                var elsewhere = Array.IndexOf(_current, task);
                if (elsewhere >= 0)
                    _current[elsewhere] = null;
                task.Preempted = false;
            }
            _current[cpu] = task;
        }

        private int OtherCpuOrSame(int on, Task task)
        {
            // The preempted task is current on 'on': switch it out and back in, which lets its syscall finish.
            Switch(on, null);
            return on;
        }

        /// <summary>The task running on the CPU, or one put there; null when no task can run there.</summary>
        private Task? TaskFor(int cpu, Choices c)
        {
            if (_current[cpu] is { } running)
                return running.Preempted ? null : running;
            var ready = _tasks.Where(t => !t.Exited && Array.IndexOf(_current, t) < 0).ToList();
            if (ready.Count == 0)
                return null;
            var task = ready[c.Next(ready.Count)];
            task.Preempted = false;
            _current[cpu] = task;
            return task;
        }

        private bool PausedTask(Task task) =>
            Enumerable.Range(0, _cpus).Any(cpu => _paused[cpu] is not null && _current[cpu] == task);

        private void KillThreads(Task task)
        {
            var group = task.Group ?? task;
            foreach (var other in _tasks.Where(t => t != task && !t.Exited && (t.Group ?? t) == group))
            {
                other.Exited = true;
                var cpu = Array.IndexOf(_current, other);
                if (cpu >= 0)
                    _current[cpu] = null;
            }
        }

        private string Fresh(string prefix) => prefix + (++_names).ToString(CultureInfo.InvariantCulture);

        private void Line(string text) => _text.Append("  ").Append(text).Append('\n');

        private static string Variant(MechanismDeclaration mechanism, int choice)
        {
            var values = mechanism.Variants;
            return values[choice % values.Count].Name;
        }
    }

    /// <summary>A task of the generated schedule; threads name their group's first task.</summary>
    private sealed class Task(string name, string privilege, Task? group)
    {
        public string Name { get; } = name;

        public string Privilege { get; } = privilege;

        public Task? Group { get; } = group;

        public bool Exited { get; set; }

        public bool Preempted { get; set; }
    }

    private sealed record Paused(string Call, bool AtReturn, Task? Child, string? Area, string? Register);

    /// <summary>A statement's numbers, read one choice at a time; past the end every choice is the first.</summary>
    private sealed class Choices(int[] numbers)
    {
        private int _next;

        public int Next(int count) => _next < numbers.Length ? numbers[_next++] % count : 0;

        public string Pick(params string[] options) => options[Next(options.Length)];
    }
}
