#!/usr/bin/env bash
# Packages the extension into a temporary folder and checks it as VS Code would install it: the files the
# manifest names, extension.js loading with only what vsce packed beside it, nothing of development inside
# (scripts/check-vsix.js). The language server is kscn's own (`kscn lsp`), not in the .vsix; its tests are
# test/server.test.js. python3 unzips (the .vsix is a zip).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
npm run --silent package -- --out "$out/kscn.vsix" </dev/null
python3 -m zipfile -e "$out/kscn.vsix" "$out/unpacked"
node scripts/check-vsix.js "$out/unpacked/extension"
