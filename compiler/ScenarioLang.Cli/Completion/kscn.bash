# kscn completion for bash: `source <(kscn completion bash)` in ~/.bashrc, or save it as
# ~/.local/share/bash-completion/completions/kscn. kscn itself lists the candidates ([suggest] directive).
_kscn_complete() {
  local IFS=$'\n' cur=${COMP_WORDS[COMP_CWORD]}
  local candidates
  candidates=$(kscn "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)
  # bash splits words at '=': after "ioperm=" the word is what follows it, so offer the variants' names alone.
  if [[ ${COMP_WORDS[COMP_CWORD-1]} == "=" || $cur == "=" ]]; then
    [[ $cur == "=" ]] && cur=""
    candidates=$(printf '%s\n' "$candidates" | sed 's/^[^=]*=//')
  fi
  COMPREPLY=($(compgen -W "$candidates" -- "$cur"))
}
complete -o default -F _kscn_complete kscn
