using System.CommandLine;
using ScenarioLang.Cli.LanguageServer;
using ScenarioLang.Compiler.Emit;

namespace ScenarioLang.Cli.Commands;

/// <summary>
/// kscn lsp: the language server, over standard input and output, for editors (the VS Code extension starts it). Never
/// handed to the kscn server: it is one long-lived process with the compiler warm in it.
/// </summary>
internal static class LspCommand
{
    public static Command Create(CliConsole console)
    {
        // Language clients add --stdio when they talk over standard input and output, the only way this server does.
        var stdio = new Option<bool>("--stdio") { Description = "Talk LSP over standard input and output (the default, and the only transport)." };
        var command = new Command("lsp", "Run the language server (LSP over standard input and output) for editors: diagnostics as you type, completion, hover, outline, go to definition, rename, quick fixes and code lenses that run scenarios.") { stdio };
        command.SetAction(_ =>
        {
            var cache = CacheOption.Trusted(CompileCache.FromEnvironment(note => console.Error.Write($"kscn lsp: {note}\n")), console);
            using var input = Console.OpenStandardInput();
            using var output = Console.OpenStandardOutput();
            return new KscnLanguageServer(input, output, console.Error, cache, LanguageDocs.Find()).Run();
        });
        return command;
    }
}
