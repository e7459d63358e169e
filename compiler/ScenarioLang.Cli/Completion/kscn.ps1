# kscn completion for PowerShell: `kscn completion pwsh | Out-String | Invoke-Expression` in your $PROFILE.
# kscn itself lists the candidates ([suggest] directive).
Register-ArgumentCompleter -Native -CommandName kscn -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    & kscn "[suggest:$cursorPosition]" "$($commandAst.ToString())" 2>$null |
        Where-Object { $_ -like "$wordToComplete*" } |
        ForEach-Object { [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_) }
}
