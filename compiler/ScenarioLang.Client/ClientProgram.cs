using System.Runtime.InteropServices;
using ScenarioLang.Cli.Server;

namespace ScenarioLang.Cli;

/// <summary>
/// kscn-client: hands the invocation to the warm <c>kscn server</c> of the kscn build in its own folder, exactly as kscn's
/// own first step does (<see cref="ServerClient"/>), and otherwise becomes that kscn (execv), which then runs the
/// invocation in-process and starts a server: the same output and exit code either way, only sooner when served.
/// </summary>
internal static class ClientProgram
{
    private static int Main(string[] args)
    {
        var progressOnStderr = Terminal.ShowsProgressOnStderr();
        var attempt = ServerClient.TryRun(args, progressOnStderr, Terminal.OfProcess());
        if (attempt.Exit is { } served)
            return served;
        var (program, argv) = KscnCommand(AppContext.BaseDirectory, args, File.Exists);
        Console.Out.Flush();
        Console.Error.Flush();
        Exec(program, argv);
        Console.Error.Write($"kscn-client: cannot start {program}: {Marshal.GetLastPInvokeErrorMessage()}\n");
        return (int)ExitCode.InternalError;
    }

    /// <summary>
    /// What to execute instead: the kscn apphost in <paramref name="directory"/>, or, where there is none (a tool package
    /// starts kscn.dll through dotnet), <c>dotnet kscn.dll</c>. The argument vector starts with the program's name.
    /// </summary>
    internal static (string Program, string[] Argv) KscnCommand(string directory, string[] args, Func<string, bool> exists)
    {
        var apphost = Path.Join(directory, "kscn");
        if (exists(apphost))
            return (apphost, [apphost, .. args]);
        return ("dotnet", ["dotnet", Path.Join(directory, "kscn.dll"), .. args]);
    }

    /// <summary>Replaces this process with <paramref name="program"/> (searched in PATH without a slash); returns only on failure.</summary>
    private static void Exec(string program, string[] argv)
    {
        var pointers = new IntPtr[argv.Length + 1];
        try
        {
            for (var i = 0; i < argv.Length; i++)
                pointers[i] = Marshal.StringToCoTaskMemUTF8(argv[i]);
            _ = ExecVp(program, pointers);
        }
        finally
        {
            foreach (var pointer in pointers)
                Marshal.FreeCoTaskMem(pointer);
        }
    }

    [DllImport("libc", EntryPoint = "execvp", SetLastError = true)]
    private static extern int ExecVp([MarshalAs(UnmanagedType.LPUTF8Str)] string file, IntPtr[] argv);
}
