#!/usr/bin/env bash
# Regenerates the C# lexer and parser from the .g4 files.
#   bash grammar/generate.sh            writes into compiler/ScenarioLang.Compiler/Syntax/Generated
#   bash grammar/generate.sh --check    regenerates into a temporary folder and fails if the committed files differ
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
target="$here/../compiler/ScenarioLang.Compiler/Syntax/Generated"
cd "$here"
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error

generate() {
  local out=$1
  rm -rf "$out" && mkdir -p "$out"
  # antlr-ng reports grammar errors on stdout and still exits 0: fail on them here.
  local log
  log=$(npx --no-install antlr-ng -Dlanguage=CSharp --package ScenarioLang.Compiler.Syntax.Generated \
    --generate-listener false --generate-visitor false -o "$out" KscnLexer.g4 KscnParser.g4 2>&1)
  if grep -q '^error' <<<"$log"; then
    echo "$log" >&2
    exit 1
  fi
  # Only the C# sources are committed; .interp/.tokens are build by-products.
  find "$out" -type f ! -name '*.cs' -delete
}

if [ "${1:-}" = "--check" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  generate "$tmp"
  if ! diff -r "$tmp" "$target" >/dev/null; then
    echo "grammar: generated parser is out of date with grammar/*.g4; run: bash grammar/generate.sh" >&2
    diff -r "$tmp" "$target" | head -20 >&2
    exit 1
  fi
  echo "grammar: generated parser is up to date"
else
  generate "$target"
  echo "grammar: generated $(ls "$target" | wc -l) files into ${target#$here/../}"
fi
