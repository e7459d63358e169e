# kscn completion for fish: `kscn completion fish | source`, or save it as ~/.config/fish/completions/kscn.fish.
# kscn itself lists the candidates ([suggest] directive); files are offered too.
complete -c kscn -a '(kscn "[suggest:"(string length -- (commandline -cp))"]" (commandline -p) 2>/dev/null)'
