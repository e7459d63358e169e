#compdef kscn
# kscn completion for zsh: `source <(kscn completion zsh)` in ~/.zshrc (after compinit), or save it as _kscn in a
# directory of $fpath. kscn itself lists the candidates ([suggest] directive).
_kscn() {
  local -a candidates
  candidates=(${(f)"$(kscn "[suggest:$CURSOR]" "$BUFFER" 2>/dev/null)"})
  if (( ${#candidates} )); then
    if [[ $PREFIX == *=* ]]; then
      compset -P '*='
      candidates=(${candidates#*=})
    fi
    compadd -a candidates
  else
    _files
  fi
}
compdef _kscn kscn
