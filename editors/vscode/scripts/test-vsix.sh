#!/usr/bin/env bash
# Packages the extension into a temporary folder and tests it as VS Code would install it: the client's
# dependencies must resolve inside the unpacked .vsix, and the language server run from there, with
# only what vsce put beside it, must pass the server tests. python3 unzips (the .vsix is a zip).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
npx vsce package --skip-license --allow-missing-repository --out "$out/kscn.vsix" </dev/null
python3 -m zipfile -e "$out/kscn.vsix" "$out/unpacked"
extension="$out/unpacked/extension"
node -e 'for (const m of ["vscode-languageclient/node", "vscode-languageserver/node", "vscode-languageserver-textdocument"]) require.resolve(m, { paths: [process.argv[1]] })' "$extension"
if [ -e "$extension/test" ] || [ -e "$extension/node_modules/shiki" ]; then
  echo "the .vsix holds tests or development dependencies" >&2
  exit 1
fi
KSCN_LANGUAGE_SERVER="$extension/server/server.js" node --test test/server.test.js
