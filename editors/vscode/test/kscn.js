// The kscn the tests run: $KSCN (the executable, or "dotnet /path/to/kscn.dll"), else the Debug
// build that `dotnet build` or `dotnet test` leaves in the repository.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const debugBuild = path.join(__dirname, '..', '..', '..', 'compiler', 'ScenarioLang.Cli', 'bin', 'Debug', 'net10.0', 'kscn');

/** @returns {{ path: string, args: string[] }} */
function kscnCommand() {
  const [command, ...args] = (process.env.KSCN || debugBuild).trim().split(/\s+/);
  if (!process.env.KSCN && !fs.existsSync(debugBuild)) {
    throw new Error(`no kscn at ${debugBuild}: run 'dotnet build' in the repository first, or set KSCN`);
  }
  return { path: command, args };
}

/**
 * The JSON report of `kscn check --format json`, on a file or (with stdinPath) on text.
 * @param {{ file?: string, stdinPath?: string, text?: string }} what
 */
function checkJson({ file, stdinPath, text }) {
  const kscn = kscnCommand();
  const args = [...kscn.args, 'check', '--format', 'json', ...(file ? [file] : ['--stdin-path', stdinPath])];
  const run = spawnSync(kscn.path, args, { input: text ?? '', encoding: 'utf8' });
  if (run.error) throw run.error;
  if (run.status !== 0 && run.status !== 2) throw new Error(`kscn exited with ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

module.exports = { kscnCommand, checkJson };
