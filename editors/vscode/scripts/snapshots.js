#!/usr/bin/env node
// Snapshot tests of the grammar over every sample. vscode-tmgrammar-snap writes each .snap beside
// the file it tokenizes, so the samples are mirrored into a git-ignored folder with their committed
// snapshots from test/snap/, and samples/ stays clean. Fails when a sample has no snapshot or a
// snapshot no sample. `--update` accepts the grammar's current output (and drops orphan snapshots).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const samples = path.join(root, '..', '..', 'samples');
const committed = path.join(root, 'test', 'snap');
const work = path.join(root, '.snap-work');
const update = process.argv.includes('--update');

/** Paths relative to dir of the files under it whose names end with suffix, sorted. */
function list(dir, suffix) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true })
    .filter((file) => file.endsWith(suffix))
    .map((file) => file.split(path.sep).join('/'))
    .sort();
}

const sampleFiles = list(samples, '.kscn');
const snapFiles = list(committed, '.kscn.snap');
const missing = sampleFiles.filter((file) => !snapFiles.includes(`${file}.snap`));
const orphans = snapFiles.filter((snap) => !sampleFiles.includes(snap.slice(0, -'.snap'.length)));
if (!update && (missing.length || orphans.length)) {
  for (const file of missing) console.error(`samples/${file} has no snapshot in test/snap/`);
  for (const snap of orphans) console.error(`test/snap/${snap} has no sample`);
  console.error('Run `npm run snap:update` and commit test/snap/.');
  process.exit(1);
}

fs.rmSync(work, { recursive: true, force: true });
for (const file of sampleFiles) {
  fs.mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
  fs.copyFileSync(path.join(samples, file), path.join(work, file));
  if (!missing.includes(file)) fs.copyFileSync(path.join(committed, `${file}.snap`), path.join(work, `${file}.snap`));
}

const snap = require.resolve('vscode-tmgrammar-test/dist/snapshot.js');
const args = [snap, ...(update ? ['--updateSnapshot'] : []), '.snap-work/**/*.kscn'];
const run = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);

if (update) {
  fs.rmSync(committed, { recursive: true, force: true });
  for (const file of sampleFiles) {
    fs.mkdirSync(path.dirname(path.join(committed, file)), { recursive: true });
    fs.copyFileSync(path.join(work, `${file}.snap`), path.join(committed, `${file}.snap`));
  }
  console.log(`${sampleFiles.length} snapshots written to test/snap/`);
}
