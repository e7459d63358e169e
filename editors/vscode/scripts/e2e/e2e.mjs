#!/usr/bin/env node
// The extension in a real VS Code: code-server (VS Code's web build, from npm) with the packaged .vsix
// installed, driven by playwright-core in Debian's headless Chromium as a person would drive it. It opens
// a sample and checks highlighting (token colours in the DOM), a diagnostic with its code (squiggle and
// Problems panel), a completion list with step names, a code-lens run (the trace in the "kscn" output
// channel, a verdict after the expectation) and the scenario snippet typed with a task name of its own.
// Screenshots of each go to .e2e-work/screenshots/, or with --update-docs to docs/images/ of the
// repository (the README's pictures). Started by scripts/e2e/run.sh, which installs and builds what
// it needs: node scripts/e2e/e2e.mjs --vsix FILE --kscn-dll FILE [--update-docs]
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const extensionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const repository = path.resolve(extensionDir, '..', '..');
const e2eRequire = createRequire(path.join(extensionDir, 'e2e', 'package.json'));
const { chromium } = e2eRequire('playwright-core');
const codeServer = path.join(extensionDir, 'e2e', 'node_modules', '.bin', 'code-server');

const { values: options } = parseArgs({
  options: { vsix: { type: 'string' }, 'kscn-dll': { type: 'string' }, 'update-docs': { type: 'boolean', default: false } },
});
assert.ok(options.vsix && options['kscn-dll'], 'usage: e2e.mjs --vsix FILE --kscn-dll FILE [--update-docs]');
const screenshots = options['update-docs']
  ? path.join(repository, 'docs', 'images')
  : path.join(extensionDir, '.e2e-work', 'screenshots');
fs.mkdirSync(screenshots, { recursive: true });

const sample = 'andy-stale-tss-bits.kscn';
// Waits are for a person's pace on a loaded 2-core machine: code-server's first page load, a `dotnet`
// start of kscn's language server, a kscn run. Nothing waits a fixed time; each wait ends on what it awaits.
const patience = Number(process.env.KSCN_E2E_PATIENCE ?? 60_000);

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'kscn-e2e-'));
const workspace = path.join(scratch, 'workspace');
const userData = path.join(scratch, 'user-data');
const extensions = path.join(scratch, 'extensions');
/** @type {import('node:child_process').ChildProcess | undefined} */
let server;
let browser;
let page;
let serverLog = '';

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    }).on('error', reject);
  });
}

/** code-server keeps its config and data under XDG folders: this run's own, not the user's. */
const serverEnv = {
  ...process.env,
  XDG_CONFIG_HOME: path.join(scratch, 'config'),
  XDG_DATA_HOME: path.join(scratch, 'data'),
  // The extension's kscn: no resident kscn server process outliving the test, no cache shared with
  // another checkout's kscn.
  KSCN_SERVER: '0',
  KSCN_CACHE_DIR: path.join(scratch, 'kscn-cache'),
};

async function screenshot(name) {
  await page.screenshot({ path: path.join(screenshots, `${name}.png`) });
}

before(async () => {
  fs.mkdirSync(workspace, { recursive: true });
  fs.copyFileSync(path.join(repository, 'samples', 'ioperm', sample), path.join(workspace, sample));
  fs.writeFileSync(path.join(workspace, 'new.kscn'), '');
  // samples/litmus/sb.kscn's shape with the claim x86-TSO refutes: its exploration fails.
  fs.copyFileSync(path.join(extensionDir, 'test', 'fixtures', 'sb-forbidden.kscn'), path.join(workspace, 'sb-forbidden.kscn'));
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({
    'kscn.path': 'dotnet',
    'kscn.args': [options['kscn-dll']],
    'workbench.colorTheme': 'Default Dark Modern',
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'chat.disableAIFeatures': true,
    'editor.minimap.enabled': false,
    // Edits stay in the editor, so that File: Revert File brings the sample back between the checks.
    'files.autoSave': 'off',
    'editor.fontSize': 14,
    'window.menuBarVisibility': 'compact',
  }, null, 2));

  const install = spawnSync(codeServer, [
    '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', options.vsix, '--force',
  ], { env: serverEnv, encoding: 'utf8' });
  assert.equal(install.status, 0, `code-server --install-extension failed:\n${install.stdout}${install.stderr}`);
  const listed = spawnSync(codeServer, ['--user-data-dir', userData, '--extensions-dir', extensions, '--list-extensions', '--show-versions'],
    { env: serverEnv, encoding: 'utf8' });
  assert.match(listed.stdout, /^scenariolang\.kscn@\d+\.\d+\.\d+$/m, listed.stdout + listed.stderr);

  const port = await freePort();
  server = spawn(codeServer, [
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', '--config', path.join(scratch, 'config.yaml'),
    '--user-data-dir', userData, '--extensions-dir', extensions, workspace,
  ], { env: serverEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not listen within ${patience} ms:\n${serverLog}`)), patience);
    const read = (chunk) => {
      serverLog += chunk;
      if (/HTTP server listening on/.test(serverLog)) { clearTimeout(timer); resolve(); }
    };
    server.stdout.on('data', read);
    server.stderr.on('data', read);
    server.on('exit', (code) => { clearTimeout(timer); reject(new Error(`code-server exited with ${code}:\n${serverLog}`)); });
  });

  // The flags keep Chromium off the network this machine does not have (background updates, QUIC, sync).
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  page.setDefaultTimeout(patience);
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  await page.locator('.monaco-workbench').waitFor();
  await openFile(sample);
  // The editor as wide as the window, so that the verdicts after long lines show in the screenshots.
  await runCommand('View: Close Primary Side Bar');
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** A test that leaves a screenshot of the page as it was when it failed, beside the others. */
function step(name, body) {
  test(name, async () => {
    try {
      await body();
    } catch (error) {
      const file = `failed-${name.split(':')[0].replace(/\W+/g, '-')}`;
      await page?.screenshot({ path: path.join(extensionDir, '.e2e-work', `${file}.png`) }).catch(() => undefined);
      // CI keeps the log, not the screenshot: what the page showed goes there.
      console.error(`e2e: "${name}" failed; the page then:\n${await pageState().catch((reason) => `(not read: ${reason})`)}`);
      throw error;
    }
  });
}

/** The editor tabs, the notifications shown and the end of code-server's log, for a failure's message. */
async function pageState() {
  const texts = (selector) => page.locator(selector).evaluateAll((elements) => elements
    .map((element) => `${element.classList.contains('active') ? '* ' : ''}${element.textContent.replace(/\s+/g, ' ').trim()}`));
  return [
    `tabs: ${JSON.stringify(await texts('.tab'))}`,
    `toasts: ${JSON.stringify(await texts('.notifications-toasts .notification-toast'))}`,
    `status bar: ${JSON.stringify(await texts('.statusbar-item'))}`,
    `code-server's log, last lines:\n${serverLog.split('\n').slice(-20).join('\n')}`,
  ].join('\n');
}

/**
 * The verdicts shown after the editor's line that contains `text`: `after` decorations are CSS
 * content on spans at the end of the line.
 */
async function verdictsAfter(text) {
  const line = editor().locator('.view-line', { hasText: text }).first();
  return (await line.evaluate((element) => [...element.querySelectorAll('span')]
    .map((span) => getComputedStyle(span, '::after').content)
    .filter((content) => content && content !== 'none' && content !== 'normal'))).join(' ');
}

/** Asks `condition` again every 200 ms until it holds, for at most `patience`. */
async function poll(condition, what) {
  const deadline = Date.now() + patience;
  while (!(await condition())) {
    assert.ok(Date.now() < deadline, `waited ${patience} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const editor = () => page.locator('.editor-group-container.active .monaco-editor').first();

async function openFile(name) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.fill(name);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().waitFor();
  await input.press('Enter');
  await page.locator('.tab.active', { hasText: name }).waitFor();
  await editor().locator('.view-line').first().waitFor();
}

async function runCommand(title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.fill(`>${title}`);
  // A click on the row, not Enter: Enter takes whichever row is focused while the list still filters.
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Earlier runs' messages out of the screenshots, and of the next check's way. */
async function clearNotifications() {
  // A run's progress message ("kscn: Run …") first, so that it cannot outlive the clearing.
  await page.locator('.notifications-toasts .notification-toast', { hasText: '…' }).first().waitFor({ state: 'detached' });
  await runCommand('Notifications: Clear All Notifications');
  await page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'detached' });
}

/** The panel (Problems, Output) out of the way; the command exists only while the panel shows. */
async function hidePanel() {
  if (await page.locator('.part.panel').isVisible()) await runCommand('View: Hide Panel');
}

/** The editor's text as shown, line by line (VS Code renders spaces as non-breaking ones). */
async function shownLines() {
  return (await editor().locator('.view-lines .view-line').evaluateAll((lines) => lines
    .map((line) => ({ top: parseFloat(line.style.top), text: line.textContent.replace(/\u00a0/g, ' ') }))
    .sort((a, b) => a.top - b.top)
    .map((line) => line.text)));
}

/** Puts the cursor at the end of the first line that contains `text`, by Go to Line. */
async function gotoLineWith(text) {
  const lines = fs.readFileSync(path.join(workspace, sample), 'utf8').split('\n');
  const index = lines.findIndex((line) => line.includes(text));
  assert.ok(index >= 0, `no line with ${text}`);
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.fill(`:${index + 1}`);
  // Enter only once the widget offers that line, then wait for it to close, or the keys go astray.
  await page.locator('.quick-input-widget', { hasText: new RegExp(`line ${index + 1}\\b`, 'i') }).waitFor();
  await input.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await page.keyboard.press('End');
}

step('highlighting: keywords, task names, numbers and results get colours of their own', async () => {
  const tokens = await editor().locator('.view-lines span[class^="mtk"], .view-lines span[class*=" mtk"]').evaluateAll((spans) =>
    spans.map((span) => ({ text: span.textContent.replace(/\u00a0/g, ' ').trim(), color: getComputedStyle(span).color })));
  if (process.env.KSCN_E2E_DEBUG) console.log(JSON.stringify(tokens));
  const colour = (text) => tokens.find((token) => token.text === text)?.color;
  for (const text of ['scenario', 'cpus', 'task', 'expect', '#GP', '0x3f8', '24']) {
    assert.ok(colour(text), `no token "${text}" among ${JSON.stringify(tokens.slice(0, 40))}`);
  }
  // A comment, a keyword, a string, a number and plain punctuation: five different colours.
  const comment = tokens.find((t) => t.text.startsWith('// Seed 001'))?.color;
  const string = tokens.find((t) => t.text.startsWith('"stale TSS'))?.color;
  const found = { comment, keyword: colour('scenario'), string, number: colour('0x3f8'), plain: colour('{') };
  assert.equal(new Set(Object.values(found)).size, 5, JSON.stringify(found));
  await screenshot('vscode-highlighting');
});

step('a diagnostic: an undeclared task is squiggled and listed in Problems with its code', async () => {
  await gotoLineWith('cpu0 B: outb 0x80 -> ok');
  await page.keyboard.press('Enter');
  await page.keyboard.type('cpu0 Q: exec');
  await editor().locator('.squiggly-error').first().waitFor();
  await runCommand('View: Focus Problems (Errors, Warnings, Infos)');
  const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'no task named Q' }).first();
  await problem.waitFor();
  assert.match(await problem.textContent(), /KSC0108/);
  await editor().locator('.view-line', { hasText: 'cpu0 Q: exec' }).click();
  await page.keyboard.press('End');
  await page.mouse.move(0, 0);
  await screenshot('vscode-diagnostic');
  // A fixed error clears: back to the file as saved, and the squiggle goes.
  await runCommand('File: Revert File');
  await editor().locator('.squiggly-error').first().waitFor({ state: 'detached' });
});

step('completion: after `cpu0 A:` the list offers the steps', async () => {
  await gotoLineWith('cpu0 A: outb 0x3f8 -> ok');
  await page.keyboard.press('Enter');
  await page.keyboard.type('cpu0 A: ');
  await page.keyboard.press('Control+Space');
  const rows = page.locator('.suggest-widget.visible .monaco-list-row');
  await rows.first().waitFor();
  const labels = await rows.evaluateAll((all) => all.map((row) => row.getAttribute('aria-label') ?? row.textContent));
  for (const step of ['exec', 'ioperm']) {
    assert.ok(labels.some((label) => label.startsWith(step)), `no ${step} in ${JSON.stringify(labels)}`);
  }
  // For the picture: narrowed to `iop`, with the details of the chosen step beside the list.
  await page.keyboard.type('iop');
  await page.locator('.suggest-widget.visible .monaco-list-row', { hasText: 'ioperm' }).first().waitFor();
  await page.keyboard.press('Control+Space');
  await page.locator('.suggest-details-container .suggest-details').first().waitFor();
  await screenshot('vscode-completion');
  await page.keyboard.press('Escape');
  await runCommand('File: Revert File');
});

step('a code-lens run: the trace in the kscn output channel and a verdict after the expectation', async () => {
  const lens = editor().locator('.codelens-decoration a', { hasText: /^Run$/ }).first();
  await clearNotifications();
  await lens.click();
  const outputView = page.locator('.panel .output-view .view-lines');
  await outputView.filter({ hasText: 'PASS: 7 expectations hold' }).waitFor();
  await poll(async () => (await verdictsAfter('expect bitmap(B).max')).includes('✓ holds'), 'a "✓ holds" after the expectation');
  await page.locator('.notifications-toasts', { hasText: 'every expectation holds (exit 0)' }).waitFor();
  await page.locator('.notifications-toasts .notification-toast', { hasText: '…' }).first().waitFor({ state: 'detached' });
  await screenshot('vscode-run');
});

step('Run all variants: a failing variant shows as a failed verdict, with exit 1', async () => {
  await clearNotifications();
  await editor().locator('.codelens-decoration a', { hasText: /^Run all variants$/ }).first().click();
  await page.locator('.notifications-toasts', { hasText: 'a violation was observed' }).waitFor();
  await poll(async () => /✗ fails in 1 of \d+ variants: ioperm=v2-06-16/.test(await verdictsAfter('cpu0 B: outb 0x3f8 -> #GP')),
    'a "✗ fails" after the step that leaks under v2-06-16');
  assert.match(await verdictsAfter('cpu0 A: outb 0x3f8 -> ok'), /✓ holds in all \d+ variants/);
  await page.locator('.notifications-toasts .notification-toast', { hasText: '…' }).first().waitFor({ state: 'detached' });
  await screenshot('vscode-run-all-variants');
});

step('Explore: the counterexample of a failed exploration opens as a new kscn document', async () => {
  await hidePanel();
  await openFile('sb-forbidden.kscn');
  await clearNotifications();
  await editor().locator('.codelens-decoration a', { hasText: /^Explore$/ }).first().click();
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Explore "SB forbidden": a violation was observed' });
  await toast.waitFor();
  assert.match(await toast.textContent(), /\(exit 1\)/);
  await poll(async () => (await verdictsAfter('expect never')).includes('✗ fails'), 'a "✗ fails" after expect never');
  // The run's progress message leaves as the verdict's arrives: the toasts settle before a button is pressed.
  await page.locator('.notifications-toasts .notification-toast', { hasText: '…' }).first().waitFor({ state: 'detached' });
  await toast.getByRole('button', { name: 'Open counterexample' }).click();
  // VS Code closes a notification once its action has run.
  await toast.waitFor({ state: 'detached' });
  // An untitled tab is named by its first line, with Untitled-N beside it.
  await page.locator('.tab.active', { hasText: /Untitled-\d/ }).waitFor();
  const lines = await shownLines();
  assert.ok(lines.some((line) => line.startsWith('scenario ')), JSON.stringify(lines));
  await page.locator('.statusbar', { hasText: 'ScenarioLang' }).waitFor();
  await screenshot('vscode-counterexample');
});

step('the scenario snippet: the task name typed once is the task everywhere', async () => {
  await hidePanel();
  await openFile('new.kscn');
  await page.keyboard.type('scenario');
  const snippet = page.locator('.suggest-widget.visible .monaco-list-row', { hasText: 'scenario' }).filter({ has: page.locator('.codicon-symbol-snippet') }).first();
  await snippet.waitFor();
  await snippet.click();
  await page.keyboard.type('writer keeps its bitmap');
  for (let stop = 2; stop <= 5; stop += 1) await page.keyboard.press('Tab');
  await page.keyboard.type('Writer', { delay: 30 });
  // The editor takes keys in turn with its suggestions and the snippet's mirrors: the name must be in before Escape
  // (a CI run once saw 'Write' everywhere, the last key still pending when the snippet was left).
  await poll(async () => (await shownLines()).includes('  task Writer root'), 'the task name typed into the snippet');
  await page.keyboard.press('Escape'); // leaves the snippet
  await page.keyboard.press('Escape'); // and the mirrors' selections
  const lines = await shownLines();
  assert.ok(lines.includes('  task Writer root'), JSON.stringify(lines));
  assert.ok(lines.includes('  expect bitmap(Writer).max == 24'), JSON.stringify(lines));
  assert.ok(lines.includes('  cpu0 Writer: ioperm(0x80, 1, on) -> 0'), JSON.stringify(lines));
  await runCommand('File: Save');
  await poll(async () => fs.readFileSync(path.join(workspace, 'new.kscn'), 'utf8').includes('Writer'), 'new.kscn saved');
  // What the editor wrote, 2-space indents and all, is valid kscn.
  const saved = fs.readFileSync(path.join(workspace, 'new.kscn'), 'utf8');
  const check = spawnSync('dotnet', [options['kscn-dll'], 'check', path.join(workspace, 'new.kscn')], { env: serverEnv, encoding: 'utf8' });
  assert.equal(check.status, 0, `${saved}\n${check.stdout}${check.stderr}`);
  assert.equal(await editor().locator('.squiggly-error').count(), 0);
  await screenshot('vscode-snippet');
});
