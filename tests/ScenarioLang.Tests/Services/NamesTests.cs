using ScenarioLang.Compiler.Services;

namespace ScenarioLang.Tests.Services;

/// <summary>Go to definition finds where each kind of name a scenario declares is declared.</summary>
public sealed class DefinitionTests
{
    private const string Text = """
        scenario "names" {
          cpus 2
          task A root
          task W[4] user
          shared x
          file db = 2 MiB
          cpu0 A: fork -> C
          cpu1 kernel: vmalloc(4 KiB) -> V
          cpu1 kernel: load x -> r0
          cpu0 A: mmap(0x40000000, 2 MiB, PROT_READ, MAP_SHARED, db, 0) -> 0x40000000
          cpu0 W3: exec
          for each W {
            cpu0 W: exec
          }
          cpu0 switch C
          expect r0 == 0
          expect pgd(C)[V] is swapper_pg_dir[V]
          expect ptshare(db) is none
          expect bitmap(A) is none
        }

        """;

    [Theory]
    [InlineData("switch C", 7, "-> C")] // a forked child: its fork
    [InlineData("pgd(C)", 4, "-> C")]
    [InlineData("bitmap(A)", 7, "task A")]
    [InlineData("cpu0 A: mmap", 5, "task A")]
    [InlineData(", db, 0", 2, "file db")]
    [InlineData("ptshare(db)", 8, "file db")]
    [InlineData("load x", 5, "shared x")]
    [InlineData("expect r0", 7, "-> r0")]
    [InlineData("[V] is", 1, "-> V")]
    [InlineData("swapper_pg_dir[V]", 15, "-> V")]
    [InlineData("W3: exec", 0, "task W")]
    [InlineData("each W", 5, "task W")]
    [InlineData("cpu0 W:", 5, "task W")]
    public void A_name_goes_to_its_declaration(string use, int into, string declaration)
    {
        var (unit, _) = Caret.Parse(Text + Caret.Marker);
        var span = Definition.At(unit, Caret.OffsetOf(unit, use, into: into));
        Assert.NotNull(span);
        var declared = Caret.OffsetOf(unit, declaration, into: declaration.Length - declaration.Split(' ')[^1].Length);
        Assert.Equal(declared, span.Value.Start);
    }

    [Fact]
    public void A_step_keyword_or_number_has_no_definition()
    {
        var (unit, _) = Caret.Parse(Text + Caret.Marker);
        Assert.Null(Definition.At(unit, Caret.OffsetOf(unit, "fork", into: 1)));
        Assert.Null(Definition.At(unit, Caret.OffsetOf(unit, "0x40000000", into: 3)));
    }
}

/// <summary>Renaming a task edits every use, and refuses a name that is taken or is not a task name.</summary>
public sealed class RenameTests
{
    private const string Text = """
        scenario "rename" {
          cpus 2
          task A root
          task B user
          shared x
          cpu0 A: fork -> C
          cpu1 B: exec
          cpu0 switch C
          cpu0 C: exec
          expect bitmap(A) is bitmap(C)
          explore {
            cpu0 C: exec
            cpu1 A preempts B: exec
          }
        }

        """;

    private static (Compiler.CompilationUnit Unit, int Offset) At(string use, int into)
    {
        var (unit, _) = Caret.Parse(Text + Caret.Marker);
        return (unit, Caret.OffsetOf(unit, use, into: into));
    }

    [Fact]
    public void Renaming_a_forked_task_edits_its_fork_and_every_use()
    {
        var (unit, offset) = At("switch C", 7);
        Assert.Equal("C", unit.Source.ToString(Rename.Prepare(unit, offset)!.Value));
        var result = Rename.At(unit, offset, "Child");
        Assert.Null(result.Error);
        var renamed = result.Edits.OrderByDescending(e => e.Span.Start).Aggregate(unit.Source.Text, (t, e) => t.Remove(e.Span.Start, e.Span.Length).Insert(e.Span.Start, e.NewText));
        Assert.Equal(Text.Replace("-> C", "-> Child").Replace("switch C", "switch Child").Replace("cpu0 C:", "cpu0 Child:").Replace("bitmap(C)", "bitmap(Child)"), renamed);
    }

    [Fact]
    public void Renaming_a_task_edits_its_preemptions_and_properties()
    {
        var (unit, offset) = At("task B", 5);
        var edits = Rename.At(unit, offset, "Z").Edits;
        Assert.Equal(3, edits.Length); // task B, cpu1 B: exec, preempts B
        Assert.All(edits, e => Assert.Equal("B", unit.Source.ToString(e.Span)));
    }

    [Theory]
    [InlineData("B", "already has a name B")]
    [InlineData("x", "already has a name x")]
    [InlineData("2A", "cannot name a task")]
    [InlineData("a-b", "cannot name a task")]
    [InlineData("cpu1", "cannot name a task")]
    [InlineData("explore", "cannot name a task")]
    [InlineData("", "cannot name a task")]
    public void A_taken_or_invalid_name_is_refused(string name, string error)
    {
        var (unit, offset) = At("task A", 5);
        var result = Rename.At(unit, offset, name);
        Assert.Empty(result.Edits);
        Assert.Contains(error, result.Error);
    }

    [Fact]
    public void Only_a_task_can_be_renamed()
    {
        var (unit, offset) = At("shared x", 7);
        Assert.Null(Rename.Prepare(unit, offset));
        Assert.NotNull(Rename.At(unit, offset, "y").Error);
    }
}

/// <summary>The outline: scenarios, with their tasks (declared, forked, groups) and explore blocks, in the order written.</summary>
public sealed class DocumentSymbolsTests
{
    [Fact]
    public void Scenarios_have_their_tasks_and_explore_blocks()
    {
        var (unit, _) = Caret.Parse("""
            scenario "one" {
              task A root
              task W[2] user
              cpu0 A: fork -> C
              explore {
                cpu0 C: exec
              }
            }
            scenario "two" {
              task B root
            }
            $$
            """);
        var symbols = DocumentSymbols.Of(unit);
        Assert.Equal(["one", "two"], symbols.Select(s => s.Name));
        Assert.All(symbols, s => Assert.Equal(SymbolKind.Scenario, s.Kind));
        Assert.Equal([("A", SymbolKind.Task), ("W", SymbolKind.TaskGroup), ("C", SymbolKind.Task), ("explore", SymbolKind.Explore)],
            symbols[0].Children.Select(c => (c.Name, c.Kind)));
        Assert.Equal("\"one\"", unit.Source.ToString(symbols[0].SelectionSpan));
        Assert.StartsWith("explore {", unit.Source.ToString(symbols[0].Children[3].Span));
        Assert.Equal(["B"], symbols[1].Children.Select(c => c.Name));
    }
}
