using ScenarioLang.Compiler.Text;
using ScenarioLang.Tests.Infrastructure;

namespace ScenarioLang.Tests.Emit;

/// <summary>A task group and its for each are emitted as one declaration and one loop: the C# grows with the source, not the group.</summary>
public sealed class TaskGroupEmitTests
{
    private static string Emit(int members)
    {
        var text = $$"""
            scenario "t" {
              task W[{{members}}] user
              file db = 2 MiB
              for each W {
                cpu0 switch W
                cpu0 W: mmap(0x40000000, 2 MiB, PROT_READ, MAP_SHARED, db, 0) -> 0x40000000 | ENOMEM
                cpu0 W: read(0x40000000) -> ok
              }
              expect faults(W0) == faults(W{{members - 1}})
            }
            """;
        var compilation = ScenarioLang.Compiler.Compilation.Create(SourceText.From(text, "group.kscn"));
        Assert.Empty(compilation.Diagnostics);
        return compilation.EmitCSharp(compilation.Units[0]).Text;
    }

    [Fact]
    public void Ten_thousand_members_emit_as_many_lines_as_ten()
    {
        var small = Emit(10);
        var large = Emit(10_000);
        Assert.Equal(small.Split('\n').Length, large.Split('\n').Length);
        Assert.Contains("new(\"W\", global::ScenarioLang.Runtime.Privilege.User, Members: 10000),", large, StringComparison.Ordinal);
        Assert.Single(large.Split("run.ForEach(").Skip(1));
        Assert.DoesNotContain("task_W", large, StringComparison.Ordinal);
        Assert.Contains("each_W =>", large, StringComparison.Ordinal);
        Assert.Contains("new global::ScenarioLang.Runtime.ExpectedOutcome(global::ScenarioLang.Runtime.Outcome.Address(1073741824L), "
            + "global::ScenarioLang.Runtime.Outcome.Fails(global::ScenarioLang.Runtime.Errno.ENOMEM))", large, StringComparison.Ordinal);
    }

    [Fact]
    public void A_group_runs_from_the_compiled_code_for_every_member()
    {
        var result = Kscn.RunSingle("""
            scenario "t" {
              task A root
              task W[3] user
              task B root
              for each W {
                cpu0 switch W
                cpu0 W: exec -> 0
              }
              cpu0 switch B
              expect task(A).uid == 0
              expect task(W2).uid == 1000
            }
            """);
        Assert.True(result.Passed, ScenarioLang.Runtime.Tracing.TraceFormatter.Format(result));
        // The group is one declaration, in its place among the others; W2 ran last, so B replaces it.
        Assert.Equal([("A", null), ("W", 3), ("B", null)], result.Description.Tasks.Select(t => (t.Name, t.Members)));
        Assert.Contains("cpu0: W2 -> B", ScenarioLang.Runtime.Tracing.TraceFormatter.Format(result), StringComparison.Ordinal);
    }
}
