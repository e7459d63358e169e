#!/usr/bin/env node
// Draws docs/vscode-highlighting.png: samples highlighted by the extension's TextMate grammar in VS
// Code's Dark+ theme. shiki runs the grammar on Oniguruma, the regex engine VS Code uses, and writes
// HTML; headless Chromium takes the picture. Only for regenerating the picture (not run by the tests
// or CI); it needs Debian's chromium (`apt-get install -y chromium`) or CHROMIUM=/path/to/chromium.
// Usage: npm run screenshot [-- SAMPLE.kscn...]   (paths relative to the repository; two columns)
import { createHighlighter } from 'shiki';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const extension = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const repository = path.join(extension, '..', '..');
const output = path.join(repository, 'docs', 'vscode-highlighting.png');
// Between them: a kernel matrix, repeat, preempted at, until, clone and fork, explore blocks,
// vmalloc in kernel context, mmap flags, files, findings, sizes and every kind of expectation.
const defaults = [
  'samples/ioperm/andy-stale-tss-bits.kscn',
  'samples/ioperm/preempted-in-ioperm.kscn',
  'samples/ioperm/threads-and-processes.kscn',
  'samples/ioperm/copy-costs-1000-switches.kscn',
  'samples/pgd/late-wmb.kscn',
  'samples/ptshare/creation-race.kscn',
];
const files = process.argv.slice(2).length ? process.argv.slice(2) : defaults;

// Fixed metrics, so that the window can be sized before Chromium lays the page out. Columns are as
// wide as their longest line in ch; the window allows 0.61 em a character (DejaVu Sans Mono has 0.602).
const font = { family: 'DejaVu Sans Mono', size: 13, lineHeight: 18, charWidth: 13 * 0.61 };
const pad = { code: 12, title: 28, gap: 16 };

const grammar = JSON.parse(fs.readFileSync(path.join(extension, 'syntaxes', 'kscn.tmLanguage.json'), 'utf8'));
const highlighter = await createHighlighter({ themes: ['dark-plus'], langs: [{ ...grammar, name: 'kscn' }] });

const half = Math.ceil(files.length / 2);
const columns = [files.slice(0, half), files.slice(half)].filter((column) => column.length);
const panels = columns.map((column) => column.map((file) => {
  const code = fs.readFileSync(path.join(repository, file), 'utf8').replace(/\n$/, '');
  const lines = code.split('\n');
  return {
    file,
    lines: lines.length,
    chars: Math.max(file.length, ...lines.map((line) => line.length)),
    html: highlighter.codeToHtml(code, { lang: 'kscn', theme: 'dark-plus' }),
  };
}));
const columnChars = panels.map((column) => Math.max(...column.map((panel) => panel.chars)));
const columnHeight = (column) => column.reduce((sum, panel) => sum + pad.title + 2 * pad.code + panel.lines * font.lineHeight, 0)
  + (column.length - 1) * pad.gap;
const width = Math.ceil(columnChars.reduce((sum, chars) => sum + chars * font.charWidth + 2 * pad.code, 0) + (panels.length + 1) * pad.gap);
const height = Math.max(...panels.map(columnHeight)) + 2 * pad.gap;

const escape = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const page = `<!doctype html>
<meta charset="utf-8">
<style>
  body { margin: 0; padding: ${pad.gap}px; background: #181818; display: flex; gap: ${pad.gap}px; align-items: flex-start; }
  .column { display: flex; flex-direction: column; gap: ${pad.gap}px; font: ${font.size}px '${font.family}', monospace; }
  .title { height: ${pad.title}px; line-height: ${pad.title}px; padding: 0 ${pad.code}px; background: #252526; color: #cccccc;
           font: 12px sans-serif; border-top: 1px solid #0078d4; box-sizing: border-box; }
  pre.shiki { margin: 0; padding: ${pad.code}px; font: ${font.size}px/${font.lineHeight}px '${font.family}', monospace; }
</style>
${panels.map((column, i) => `<div class="column" style="width: calc(${columnChars[i]}ch + ${2 * pad.code}px)">
${column.map((panel) => `<div><div class="title">${escape(panel.file)}</div>${panel.html}</div>`).join('\n')}
</div>`).join('\n')}
`;

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'kscn-screenshot-'));
try {
  const html = path.join(scratch, 'samples.html');
  fs.writeFileSync(html, page);
  // The flags keep Chromium from reaching for the network, which this machine does not have.
  const chromium = spawnSync(process.env.CHROMIUM || 'chromium', [
    '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--force-device-scale-factor=1',
    '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--user-data-dir=${path.join(scratch, 'profile')}`, `--window-size=${width},${height}`, `--screenshot=${output}`,
    pathToFileURL(html).href,
  ], { encoding: 'utf8' });
  if (chromium.error || chromium.status !== 0) {
    throw new Error(`chromium failed (${chromium.error?.message ?? `exit ${chromium.status}`}): install it with 'apt-get install -y chromium' or set CHROMIUM\n${chromium.stderr ?? ''}`);
  }
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
console.log(`${path.relative(repository, output)}: ${width}x${height}, ${files.join(', ')}`);
