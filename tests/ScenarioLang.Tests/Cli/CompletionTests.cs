using ScenarioLang.Runtime.Catalog;
using ScenarioLang.Tests.Infrastructure;
using static ScenarioLang.Tests.Infrastructure.Kscn;

namespace ScenarioLang.Tests.Cli;

/// <summary>kscn completion: the scripts it prints, and the candidates kscn gives them through the [suggest] directive.</summary>
public sealed class CompletionTests
{
    [Fact]
    public void The_variant_values_are_every_variant_of_the_catalog_and_each_mechanism_s_star()
    {
        const string line = "kscn run x.kscn --variant ";

        var output = Invoke($"[suggest:{line.Length}]", line);

        var expected = KernelCatalog.Mechanisms.SelectMany(m => m.Variants.Select(v => $"{m.Name}={v.Name}").Append($"{m.Name}=*"));
        Assert.Equal(expected.Order(StringComparer.Ordinal), output.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("bash", "complete -o default -F _kscn_complete kscn")]
    [InlineData("zsh", "compdef _kscn kscn")]
    [InlineData("fish", "complete -c kscn")]
    [InlineData("pwsh", "Register-ArgumentCompleter -Native -CommandName kscn")]
    public void Each_shell_gets_a_script_that_asks_kscn_for_the_candidates(string shell, string registration)
    {
        var output = Invoke("completion", shell);

        Assert.Equal(0, output.ExitCode);
        Assert.Contains(registration, output.Out);
        Assert.Contains("[suggest:", output.Out);
    }

    [Fact]
    public void A_shell_it_does_not_know_is_refused_with_the_ones_it_does()
    {
        var output = Invoke("completion", "tcsh");

        Assert.Equal(2, output.ExitCode);
        Assert.Contains("'tcsh' not recognized", output.Error);
        Assert.Contains("'fish'", output.Error);
    }

    [Theory]
    [InlineData("kscn ex", new[] { "kscn", "ex" }, "explore")]
    [InlineData("kscn run --variant ioperm=merg", new[] { "kscn", "run", "--variant", "ioperm", "=", "merg" }, "merged\nmerged-5.5")]
    [InlineData("kscn test --logger j", new[] { "kscn", "test", "--logger", "j" }, "")]
    public void Bash_completes_verbs_and_variant_names_after_the_equals_sign_it_splits_words_at(string line, string[] words, string expected)
    {
        // The script as bash runs it, with kscn the build under test; bash fills COMP_* as it would for that line.
        var script = $$"""
            kscn() { "$KSCN_DOTNET" "$KSCN_DLL" "$@"; }
            eval "$(kscn completion bash)"
            COMP_LINE='{{line}}'; COMP_POINT=${#COMP_LINE}
            COMP_WORDS=({{string.Join(' ', words.Select(w => $"'{w}'"))}}); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
            _kscn_complete
            printf '%s\n' "${COMPREPLY[@]}"
            """;

        var bash = ChildProcess.Run(Repository.Root, "bash", ["-c", script], TimeSpan.FromMinutes(2), new Dictionary<string, string?>
        {
            ["KSCN_DOTNET"] = ChildProcess.DotnetHost,
            ["KSCN_DLL"] = Path.Combine(AppContext.BaseDirectory, "kscn.dll"),
            ["KSCN_SERVER"] = "0",
        });

        Assert.True(bash.ExitCode == 0, bash.Output);
        Assert.Equal(expected, bash.Out.TrimEnd('\n'));
    }
}
