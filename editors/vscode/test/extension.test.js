// The client without VS Code: extension.js is loaded with stand-ins for the `vscode` module and the
// language client, which record what the extension asks of them. Checks the launch (`kscn.path`,
// `kscn.args`, then `lsp`), a restart when the settings change, that the commands the manifest
// contributes are the ones registered, and what a `kscn/run` result becomes: the trace in the "kscn"
// output channel, a verdict after each expectation until the next edit, a message with the exit code's
// meaning, and a counterexample opened as a new kscn document. The real editor is scripts/e2e's test.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { exitMeaning, statusText, verdictText, verdictsByRange } = require('../verdicts');

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));

/** A fresh world of stand-ins, and extension.js loaded against it. */
function load({ settings = { path: 'kscn', args: [] }, runResult, lenses = [] } = {}) {
  const world = {
    settings, clients: [], commands: new Map(), output: [], shown: [], messages: [], status: [],
    opened: [], decorations: new Map(), listeners: { edit: [], config: [], editors: [] }, requests: [],
    answer: undefined,
  };
  class Position { constructor(line, character) { this.line = line; this.character = character; } }
  class Range {
    constructor(start, end) { this.start = start; this.end = end; }
  }
  const uriOf = (text) => ({ text, toString: () => text });
  const editor = {
    document: { uri: uriOf('file:///w/a.kscn'), languageId: 'kscn' },
    selection: { active: new Position(5, 0) },
    setDecorations(type, options) { world.decorations.set(type.name, options); },
  };
  world.editor = editor;
  const message = (level) => (text, ...actions) => {
    world.messages.push({ level, text, actions });
    return Promise.resolve(world.answer);
  };
  const vscode = {
    Position, Range,
    ThemeColor: class { constructor(id) { this.id = id; } },
    MarkdownString: class { appendText(text) { this.value = text; return this; } },
    ProgressLocation: { Notification: 15 },
    Uri: { parse: uriOf },
    window: {
      visibleTextEditors: [editor],
      activeTextEditor: editor,
      createOutputChannel: (name) => ({
        name,
        append: (text) => world.output.push(text),
        appendLine: (text) => world.output.push(`${text}\n`),
        show: () => world.shown.push(name),
        dispose() {},
      }),
      createTextEditorDecorationType: (options) => ({
        name: options.after.color.id, options, dispose() {},
      }),
      withProgress: (options, task) => task({ report() {} }, { isCancellationRequested: false }),
      showInformationMessage: message('info'),
      showWarningMessage: message('warning'),
      showErrorMessage: message('error'),
      setStatusBarMessage: (text) => world.status.push(text),
      showTextDocument: async (document) => world.opened.push(document),
      onDidChangeVisibleTextEditors: (listener) => { world.listeners.editors.push(listener); return { dispose() {} }; },
    },
    workspace: {
      getConfiguration: () => ({ get: (key, fallback) => world.settings[key] ?? fallback }),
      onDidChangeTextDocument: (listener) => { world.listeners.edit.push(listener); return { dispose() {} }; },
      onDidChangeConfiguration: (listener) => { world.listeners.config.push(listener); return { dispose() {} }; },
      openTextDocument: async (options) => options,
      asRelativePath: (uri) => uri.toString().replace('file:///w/', ''),
    },
    commands: {
      registerCommand: (name, handler) => { world.commands.set(name, handler); return { dispose() {} }; },
      executeCommand: async (name, uri) => {
        assert.equal(name, 'vscode.executeCodeLensProvider');
        assert.equal(uri.toString(), 'file:///w/a.kscn');
        return lenses;
      },
    },
  };
  class LanguageClient {
    constructor(id, name, serverOptions, clientOptions) {
      Object.assign(this, { id, name, serverOptions, clientOptions, running: false, stopped: false });
      world.clients.push(this);
    }
    async start() { this.running = true; }
    async stop() { this.running = false; this.stopped = true; }
    isRunning() { return this.running; }
    async sendRequest(method, params) {
      world.requests.push({ method, params });
      return structuredClone(runResult);
    }
    get protocol2CodeConverter() {
      return { asRange: (r) => new Range(new Position(r.start.line, r.start.character), new Position(r.end.line, r.end.character)) };
    }
  }
  const stubs = { vscode, 'vscode-languageclient/node': { LanguageClient } };
  const originalLoad = Module._load;
  Module._load = function (request, ...rest) {
    return request in stubs ? stubs[request] : originalLoad.call(this, request, ...rest);
  };
  try {
    const file = require.resolve('../extension');
    delete require.cache[file];
    world.extension = require(file);
  } finally {
    Module._load = originalLoad;
  }
  world.context = { subscriptions: [] };
  return world;
}

const range = (line, from, to) => ({ start: { line, character: from }, end: { line, character: to } });
const failing = {
  exitCode: 1,
  output: 'scenario "s" [ioperm=merged]\n  cpu0 A: ioperm(0x80, 1, on) -> 0\nFAIL bitmap(A).max == 24\n',
  expectations: [
    { range: range(4, 2, 30), passed: true, message: '' },
    { range: range(5, 2, 26), passed: false, message: 'bitmap(A).max is 16,\n expected 24' },
  ],
  counterexample: 'scenario "counterexample" {\n  task A root\n}\n',
};

test('the verdicts and the exit codes read as the README says', () => {
  assert.equal(verdictText({ passed: true, message: 'ignored' }), '✓ holds');
  assert.equal(verdictText({ passed: false, message: 'x is 1,\n  expected 2' }), '✗ fails: x is 1, expected 2');
  assert.equal(verdictText({ passed: false }), '✗ fails');
  assert.ok(verdictText({ passed: false, message: 'y'.repeat(500) }).length <= 160);
  assert.deepEqual([0, 1, 2, 3, 4].map((code) => exitMeaning(code).level), ['info', 'error', 'error', 'error', 'warning']);
  assert.equal(exitMeaning(77).text, 'kscn exited with 77');
  assert.equal(statusText({ verb: 'explore', allVariants: false, scenario: 's', exitCode: 4 }),
    'Explore "s": inconclusive: the search was cut short and saw no violation, so nothing is proved (exit 4)');
  assert.equal(statusText({ verb: 'run', allVariants: true, scenario: 's', exitCode: 0 }),
    'Run all variants "s": every expectation holds (exit 0)');
});

test('a run of all variants shows one verdict per expectation, counting the variants', () => {
  const at = (line) => range(line, 2, 20);
  const verdicts = verdictsByRange([
    { range: at(3), passed: true, message: 'ioperm=merged: pass: cpu0 A: exec' },
    { range: at(4), passed: true, message: 'ioperm=merged: pass: expect x' },
    { range: at(3), passed: true, message: 'ioperm=v2-06-16: pass: cpu0 A: exec' },
    { range: at(4), passed: false, message: 'ioperm=v2-06-16: FAIL: expect x (got y)' },
    { range: at(3), passed: true, message: 'ioperm=pre-5.5: pass: cpu0 A: exec' },
    { range: at(4), passed: false, message: 'ioperm=pre-5.5: FAIL: expect x (got z)' },
  ]);
  assert.deepEqual(verdicts.map((v) => [v.range.start.line, v.passed, v.text]), [
    [3, true, '✓ holds in all 3 variants'],
    [4, false, '✗ fails in 2 of 3 variants: ioperm=v2-06-16: FAIL: expect x (got y)'],
  ]);
  assert.equal(verdicts[1].hover, 'ioperm=merged: pass: expect x\nioperm=v2-06-16: FAIL: expect x (got y)\nioperm=pre-5.5: FAIL: expect x (got z)');
  // A single run: one verdict per range as it came.
  assert.deepEqual(verdictsByRange([{ range: at(5), passed: false, message: 'no' }]).map((v) => v.text), ['✗ fails: no']);
});

test('the server is `kscn.path kscn.args… lsp`, restarted when a kscn setting changes', async () => {
  const world = load({ settings: { path: 'dotnet', args: ['/k/kscn.dll'] } });
  await world.extension.activate(world.context);
  assert.equal(world.clients.length, 1);
  assert.deepEqual(world.clients[0].serverOptions.run, { command: 'dotnet', args: ['/k/kscn.dll', 'lsp'] });
  assert.deepEqual(world.clients[0].clientOptions.documentSelector, [{ language: 'kscn' }]);
  assert.ok(world.clients[0].running);

  world.settings = { path: '/opt/kscn', args: [] };
  for (const listener of world.listeners.config) await listener({ affectsConfiguration: (section) => section === 'editor' });
  assert.equal(world.clients.length, 1, 'another section changed: no restart');
  for (const listener of world.listeners.config) await listener({ affectsConfiguration: (section) => section === 'kscn' });
  assert.equal(world.clients.length, 2);
  assert.ok(world.clients[0].stopped);
  assert.deepEqual(world.clients[1].serverOptions.run, { command: '/opt/kscn', args: ['lsp'] });
  assert.ok(world.clients[1].running);
});

test('the commands registered are the ones the manifest contributes, each with its palette entry', async () => {
  const world = load();
  await world.extension.activate(world.context);
  const contributed = manifest.contributes.commands.map((c) => c.command).sort();
  assert.deepEqual([...world.commands.keys()].sort(), contributed);
  assert.deepEqual(contributed, ['kscn.explore', 'kscn.run', 'kscn.runAllVariants']);
  assert.deepEqual(manifest.contributes.menus.commandPalette.map((m) => m.command).sort(), contributed);
});

test('a code lens run: kscn/run, the trace, verdicts after the lines, the exit code, the counterexample', async () => {
  const world = load({ runResult: failing });
  await world.extension.activate(world.context);
  world.answer = 'Open counterexample';
  const result = await world.commands.get('kscn.explore')({ uri: 'file:///w/a.kscn', scenario: 's', line: 0 });
  assert.deepEqual(result, failing);
  assert.deepEqual(world.requests, [{ method: 'kscn/run', params: { uri: 'file:///w/a.kscn', scenario: 's', verb: 'explore', allVariants: false } }]);

  assert.equal(world.output.join(''), `== Explore "s" (a.kscn): exit 1\n${failing.output}`);
  assert.deepEqual(world.shown, ['kscn']);

  const drawn = (type) => world.decorations.get(type).map((d) => [d.range.start.line, d.range.start.character, d.renderOptions.after.contentText]);
  assert.deepEqual(drawn('testing.iconPassed'), [[4, 30, '✓ holds']]);
  assert.deepEqual(drawn('testing.iconFailed'), [[5, 26, '✗ fails: bitmap(A).max is 16, expected 24']]);

  assert.deepEqual(world.messages, [{
    level: 'error',
    text: 'kscn: Explore "s": a violation was observed (an expectation failed or the object checker reported a finding) (exit 1)',
    actions: ['Open counterexample', 'Show output'],
  }]);
  assert.equal(world.status.length, 1);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(world.opened, [{ language: 'kscn', content: failing.counterexample }]);

  // An edit of another document leaves the verdicts; one of this document clears them.
  for (const listener of world.listeners.edit) listener({ document: { uri: { toString: () => 'file:///w/b.kscn' } }, contentChanges: [{}] });
  assert.equal(world.decorations.get('testing.iconFailed').length, 1);
  for (const listener of world.listeners.edit) listener({ document: world.editor.document, contentChanges: [{}] });
  assert.deepEqual(world.decorations.get('testing.iconPassed'), []);
  assert.deepEqual(world.decorations.get('testing.iconFailed'), []);
});

test('a run that holds offers no counterexample; from the palette it takes the lens above the cursor', async () => {
  const holds = { exitCode: 0, output: 'ok\n', expectations: [{ range: range(3, 2, 10), passed: true, message: '' }], counterexample: null };
  const lens = (line, command, scenario) => ({
    range: new (class { constructor() { this.start = { line }; } })(),
    command: { command, arguments: [{ uri: 'file:///w/a.kscn', scenario, line }] },
  });
  // The cursor is on line 5: "second" (line 4) is the scenario it is in, not "third" below it.
  const world = load({ runResult: holds, lenses: [lens(0, 'kscn.run', 'first'), lens(4, 'kscn.explore', 'other'), lens(4, 'kscn.run', 'second'), lens(9, 'kscn.run', 'third')] });
  await world.extension.activate(world.context);
  await world.commands.get('kscn.run')();
  assert.deepEqual(world.requests.map((r) => r.params.scenario), ['second']);
  assert.deepEqual(world.messages, [{ level: 'info', text: 'kscn: Run "second": every expectation holds (exit 0)', actions: ['Show output'] }]);
  assert.deepEqual(world.opened, []);
});
