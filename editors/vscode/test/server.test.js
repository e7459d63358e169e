// Starts the kscn language server (`kscn lsp`, over stdio as VS Code does), opens .kscn documents and checks each
// feature at the protocol level: diagnostics equal to those of `kscn check --format json` on the same text, completion,
// hover, outline, go to definition, rename, quick fixes, code lenses and the kscn/run request. test/kscn.js gives the
// kscn command ($KSCN, or the repository's Debug build).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const { pathToFileURL } = require('node:url');
const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-languageserver-protocol/node');
const { kscnCommand, checkJson } = require('./kscn');

const timeoutMs = 60000;
const docsAnchor = /^file:\/\/.*\/docs\/language\.md#13-diagnostics$/;

// Four errors of the binder, one after two characters outside the BMP (two UTF-16 units each).
const withErrors = `scenario "errors" {
  cpus 2
  task A root
  /* \u{1D538}\u{1D539} */ cpu3 A: exec
  cpu0 B: exec
  cpu0 A: outb 0x80 -> 0
  cpu1 A: ioperm(0x80, 1, on) -> EFOO
}
`;
const valid = 'scenario "fine" {\n  task A root\n  cpu0 A: exec -> 0\n}\n';

/** A `kscn lsp` process with a client connection that records what the server sends. */
async function startServer() {
  const kscn = kscnCommand();
  const child = spawn(kscn.path, [...kscn.args, 'lsp'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => { stderr += chunk; });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const received = { diagnostics: [], messages: [] };
  const waiters = [];
  const notify = () => waiters.splice(0).forEach((wake) => wake());
  connection.onNotification('textDocument/publishDiagnostics', (params) => { received.diagnostics.push(params); notify(); });
  connection.onNotification('window/showMessage', (params) => { received.messages.push(params); notify(); });
  connection.listen();
  const initialized = await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  connection.sendNotification('initialized', {});

  /** Resolves when predicate(received) holds; fails after timeoutMs. */
  async function until(predicate, what) {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(received)) {
      const left = deadline - Date.now();
      if (left <= 0) assert.fail(`timed out waiting for ${what}; received ${JSON.stringify(received)}; stderr ${stderr}`);
      await new Promise((wake) => {
        const timer = setTimeout(wake, left);
        waiters.push(() => { clearTimeout(timer); wake(); });
      });
    }
  }
  /** Opens a document and waits for its first diagnostics. */
  async function open(uri, text) {
    connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'kscn', version: 1, text } });
    await until((r) => r.diagnostics.some((p) => p.uri === uri), `the diagnostics of ${uri}`);
  }
  async function stop() {
    await connection.sendRequest('shutdown');
    connection.sendNotification('exit');
    const code = await new Promise((done) => child.on('exit', done));
    connection.dispose();
    assert.equal(code, 0, 'exit after shutdown is exit code 0');
  }
  return { connection, received, until, open, stop, child, initialized, stderr: () => stderr };
}

/** A .kscn file in a fresh temporary folder, and its URI. */
function tempFile(text) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kscn-server-')), 'scenario.kscn');
  fs.writeFileSync(file, text);
  return { file, uri: pathToFileURL(file).href };
}

/** What the server should publish for kscn's JSON report, written out independently of the server. */
function expectedDiagnostics(report, href) {
  return report.diagnostics.map((d) => ({
    range: {
      start: { line: d.start.line - 1, character: d.start.column - 1 },
      end: { line: d.end.line - 1, character: d.end.column - 1 },
    },
    severity: d.severity === 'error' ? 1 : 2,
    code: d.code,
    codeDescription: { href },
    source: 'kscn',
    message: d.message,
  }));
}

/** The href the server links codes to, checked to be docs/language.md's diagnostics section. */
function hrefOf(published) {
  const href = published.diagnostics[0].codeDescription.href;
  assert.match(href, docsAnchor);
  return href;
}

/** The text a range covers, counting characters in UTF-16 code units as LSP does. */
function textOf(text, range) {
  const lines = text.split('\n');
  assert.equal(range.start.line, range.end.line, 'a one-line range');
  return lines[range.start.line].slice(range.start.character, range.end.character);
}

/** The position of the nth occurrence of `word` in `text`, plus `into` characters. */
function positionOf(text, word, into = 0, nth = 0) {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(word, at + 1);
    assert.ok(at >= 0, `'${word}' occurs in the text`);
  }
  at += into;
  const before = text.slice(0, at).split('\n');
  return { line: before.length - 1, character: before.at(-1).length };
}

/** Applies a WorkspaceEdit's edits of one document to its text. */
function applyEdits(text, edits) {
  const offset = (p) => text.split('\n').slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start))
    .reduce((t, e) => t.slice(0, offset(e.range.start)) + e.newText + t.slice(offset(e.range.end)), text);
}

test('an opened document gets the diagnostics kscn check reports for the file, linked to the reference', async () => {
  const { file, uri } = tempFile(withErrors);
  const direct = checkJson({ file });
  assert.equal(direct.errors, 4, 'the document has the four errors this test is about');
  const server = await startServer();
  try {
    await server.open(uri, withErrors);
    const published = server.received.diagnostics.find((p) => p.uri === uri);
    assert.deepEqual(published.diagnostics, expectedDiagnostics(direct, hrefOf(published)));
    assert.deepEqual(published.diagnostics.map((d) => d.code), ['KSC0201', 'KSC0108', 'KSC0208', 'KSC0203']);
    assert.deepEqual(published.diagnostics.map((d) => textOf(withErrors, d.range)), ['cpu3', 'B', '0', 'A']);
    assert.ok(fs.existsSync(new URL(hrefOf(published)).pathname), 'the link names the reference that exists');
    assert.deepEqual(server.received.messages, []);
  } finally {
    await server.stop();
  }
});

test('a change is checked as unsaved text, and fixing the errors clears them', async () => {
  const { file, uri } = tempFile(valid);
  const server = await startServer();
  try {
    await server.open(uri, valid);
    assert.deepEqual(server.received.diagnostics[0].diagnostics, []);

    // The file on disk stays valid: the errors can only come from the text sent.
    server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: withErrors }],
    });
    await server.until((r) => r.diagnostics.at(-1).diagnostics.length > 0, 'diagnostics of the changed text');
    const last = server.received.diagnostics.at(-1);
    assert.equal(last.version, 2);
    assert.deepEqual(last.diagnostics, expectedDiagnostics(checkJson({ stdinPath: file, text: withErrors }), hrefOf(last)));

    server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 3 },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 8, character: 0 } }, text: valid }],
    });
    await server.until((r) => r.diagnostics.at(-1).diagnostics.length === 0, 'the errors to clear');
  } finally {
    await server.stop();
  }
});

test('incremental changes are applied in order, in UTF-16 units', async () => {
  const { uri } = tempFile(valid);
  const server = await startServer();
  try {
    await server.open(uri, valid);
    // Two edits in one notification: the task's name, then (in the edited text) the step's.
    server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [
        { range: { start: { line: 1, character: 7 }, end: { line: 1, character: 8 } }, text: '\u{1D538}B' },
        { range: { start: { line: 2, character: 10 }, end: { line: 2, character: 14 } }, text: 'fork' },
      ],
    });
    await server.until((r) => r.diagnostics.at(-1).version === 2, 'diagnostics of version 2');
    const codes = server.received.diagnostics.at(-1).diagnostics.map((d) => d.code);
    assert.ok(codes.length > 0, 'the edited text has errors');
  } finally {
    await server.stop();
  }
});

test('a buffer that was never saved is checked under its name', async () => {
  const uri = 'untitled:Untitled-1';
  const server = await startServer();
  try {
    await server.open(uri, withErrors);
    const published = server.received.diagnostics[0];
    const expected = expectedDiagnostics(checkJson({ stdinPath: 'Untitled-1', text: withErrors }), hrefOf(published));
    assert.deepEqual(published, { uri, version: 1, diagnostics: expected });
  } finally {
    await server.stop();
  }
});

test('a bad message and an unknown method are answered with errors, and the server goes on', async () => {
  const server = await startServer();
  try {
    await assert.rejects(server.connection.sendRequest('kscn/noSuchMethod', {}), (e) => e.code === -32601);
    await assert.rejects(server.connection.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///not/open.kscn' }, position: { line: 0, character: 0 } }), (e) => e.code === -32602);
    server.child.stdin.write('Content-Length: 5\r\n\r\n{oops');
    const { uri } = tempFile(valid);
    await server.open(uri, valid);
    assert.match(server.stderr(), /kscn lsp: bad message/);
    assert.deepEqual(server.initialized.capabilities.textDocumentSync, { openClose: true, change: 2, save: { includeText: false } });
  } finally {
    await server.stop();
  }
});

const sample = `scenario "sample" {
  cpus 2
  task A root
  task B user
  file db = 2 MiB
  cpu0 A: fork -> C
  cpu0 A: mmap(0x40000000, 2 MiB, PROT_READ, MAP_SHARED, db, 0) -> 0x40000000
  cpu1 B: exec
  cpu0 switch C
  expect bitmap(A) is none
}
`;

test('completion proposes steps with their parameters, variants, properties, flags, tasks and pause points', async () => {
  const text = `scenario "c" {\n  task A root\n  file db = 2 MiB\n  \n}\n`;
  const { uri } = tempFile(text);
  const server = await startServer();
  try {
    await server.open(uri, text);
    const complete = async (line) => {
      server.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: Date.now() % 1e9 },
        contentChanges: [{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 100 } }, text: line }],
      });
      const list = await server.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 3, character: line.length } });
      return list.items;
    };
    const steps = await complete('  cpu0 A: ');
    const ioperm = steps.find((i) => i.label === 'ioperm');
    assert.equal(ioperm.detail, 'ioperm(from, num, on | off)');
    assert.equal(ioperm.insertTextFormat, 2, 'a snippet');
    assert.equal(ioperm.textEdit.newText, 'ioperm(${1:from}, ${2:num}, ${3:on})');
    assert.match(ioperm.documentation.value, /ksys_ioperm/);
    assert.ok(steps.some((i) => i.label === 'fork') && steps.some((i) => i.label === 'mmap'));

    const variants = (await complete('  kernel ioperm = ')).map((i) => i.label);
    assert.ok(variants.includes('merged') && variants.includes('pre-5.5') && variants.at(-1) === '*', variants.join(' '));

    const fields = (await complete('  expect tss(cpu0).')).map((i) => i.label);
    assert.ok(fields.includes('prev_max') && fields.includes('io_bitmap_base'), fields.join(' '));

    const flags = (await complete('  cpu0 A: mmap(0x40000000, 2 MiB, PROT_READ, ')).map((i) => i.label);
    assert.ok(flags.includes('MAP_SHARED') && flags.includes('MAP_SHARED_PT') && !flags.includes('PROT_READ'), flags.join(' '));

    assert.deepEqual((await complete('  cpu0 switch ')).map((i) => i.label), ['A', 'idle']);
    assert.ok((await complete('  cpu0 A: fork until ')).some((i) => i.label === 'copy_mm'));
    assert.ok((await complete('  expect never leak ')).some((i) => i.label === 'io_bitmap'));
    assert.deepEqual((await complete('  cpu0 A: cli -> ')).map((i) => i.label), ['ok', '#GP']);
  } finally {
    await server.stop();
  }
});

test('hover shows a step\'s signature and model, a variant\'s posting, and a diagnostic\'s linked code', async () => {
  const text = `scenario "h" {\n  kernel ioperm = merged\n  task A root\n  cpu0 A: ioperm(0x80, 1, on) -> 0\n  cpu0 Q: exec\n}\n`;
  const { uri } = tempFile(text);
  const server = await startServer();
  try {
    await server.open(uri, text);
    const hover = (word, into) => server.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: positionOf(text, word, into) });
    const step = await hover(': ioperm', 3);
    assert.equal(step.contents.kind, 'markdown');
    assert.match(step.contents.value, /ioperm\(from, num, on \| off\)/);
    assert.match(step.contents.value, /arch\/x86\/kernel\/ioport\.c: ksys_ioperm\(\)/);
    assert.equal(textOf(text, step.range), 'ioperm');
    const variant = await hover('merged', 1);
    assert.match(variant.contents.value, /ioperm = merged/);
    const diagnostic = await hover('Q: exec', 0);
    assert.match(diagnostic.contents.value, /\*\*\[KSC0108\]\(file:\/\/.*docs\/language\.md#13-diagnostics\)\*\*: no task named Q/);
  } finally {
    await server.stop();
  }
});

test('the outline has the scenarios with their tasks and explore blocks', async () => {
  const text = sample + '\nscenario "second" {\n  cpus 2\n  shared x\n  explore {\n    cpu0 kernel: store x = 1\n    cpu1 kernel: load x -> r0\n  }\n}\n';
  const { uri } = tempFile(text);
  const server = await startServer();
  try {
    await server.open(uri, text);
    const symbols = await server.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(symbols.map((s) => s.name), ['sample', 'second']);
    assert.deepEqual(symbols[0].children.map((c) => [c.name, c.kind]), [['A', 13], ['B', 13], ['C', 13]]);
    assert.deepEqual(symbols[1].children.map((c) => [c.name, c.kind]), [['explore', 24]]);
    assert.equal(textOf(text, symbols[0].selectionRange), '"sample"');
  } finally {
    await server.stop();
  }
});

test('go to definition finds a task, a forked child and a file', async () => {
  const { uri } = tempFile(sample);
  const server = await startServer();
  try {
    await server.open(uri, sample);
    const definition = (word, into) => server.connection.sendRequest('textDocument/definition', { textDocument: { uri }, position: positionOf(sample, word, into) });
    assert.deepEqual((await definition('switch C', 7)).range.start, positionOf(sample, '-> C', 3));
    assert.deepEqual((await definition('bitmap(A)', 7)).range.start, positionOf(sample, 'task A', 5));
    assert.deepEqual((await definition(', db, 0', 2)).range.start, positionOf(sample, 'file db', 5));
    assert.equal((await definition(', db, 0', 2)).uri, uri);
    assert.equal(await definition('0x40000000', 3), null);
  } finally {
    await server.stop();
  }
});

test('renaming a task edits every use, and a taken name is refused', async () => {
  const { uri } = tempFile(sample);
  const server = await startServer();
  try {
    await server.open(uri, sample);
    const at = positionOf(sample, 'cpu0 A: fork', 5);
    const prepared = await server.connection.sendRequest('textDocument/prepareRename', { textDocument: { uri }, position: at });
    assert.equal(prepared.placeholder, 'A');
    const edit = await server.connection.sendRequest('textDocument/rename', { textDocument: { uri }, position: at, newName: 'Parent' });
    assert.equal(applyEdits(sample, edit.changes[uri]), sample.replaceAll('task A', 'task Parent').replaceAll('cpu0 A:', 'cpu0 Parent:').replace('bitmap(A)', 'bitmap(Parent)'));
    await assert.rejects(server.connection.sendRequest('textDocument/rename', { textDocument: { uri }, position: at, newName: 'B' }), (e) => /already has a name B/.test(e.message));
    await assert.rejects(server.connection.sendRequest('textDocument/rename', { textDocument: { uri }, position: at, newName: 'not-a-task' }), (e) => /cannot name a task/.test(e.message));
  } finally {
    await server.stop();
  }
});

test('a did-you-mean diagnostic has a quick fix that replaces the name', async () => {
  const text = 'scenario "q" {\n  task A root\n  cpu0 A: iopem(0x80, 1, on) -> 0\n}\n';
  const { uri } = tempFile(text);
  const server = await startServer();
  try {
    await server.open(uri, text);
    const [diagnostic] = server.received.diagnostics.at(-1).diagnostics;
    assert.equal(diagnostic.code, 'KSC0316');
    const actions = await server.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } });
    assert.equal(actions.length, 1);
    assert.equal(actions[0].kind, 'quickfix');
    assert.equal(actions[0].title, "Change 'iopem' to 'ioperm'");
    assert.deepEqual(actions[0].diagnostics, [diagnostic]);
    assert.equal(applyEdits(text, actions[0].edit.changes[uri]), text.replace('iopem', 'ioperm'));
  } finally {
    await server.stop();
  }
});

// samples/litmus/sb.kscn's shape with the claim x86-TSO refutes: its exploration fails.
const litmus = fs.readFileSync(path.join(__dirname, 'fixtures', 'sb-forbidden.kscn'), 'utf8');

test('code lenses over each scenario: Run, Explore with an explore block, Run all variants with several variants', async () => {
  const { uri } = tempFile(litmus);
  const server = await startServer();
  try {
    await server.open(uri, litmus);
    const lenses = await server.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } });
    assert.deepEqual(lenses.map((l) => [l.command.title, l.command.command, l.command.arguments]), [
      ['Run', 'kscn.run', [{ uri, scenario: 'SB forbidden', line: 0 }]],
      ['Explore', 'kscn.explore', [{ uri, scenario: 'SB forbidden', line: 0 }]],
      ['Run', 'kscn.run', [{ uri, scenario: 'ioperm', line: 14 }]],
      ['Run all variants', 'kscn.runAllVariants', [{ uri, scenario: 'ioperm', line: 14 }]],
    ]);
    assert.equal(textOf(litmus, lenses[0].range), 'scenario');
  } finally {
    await server.stop();
  }
});

/** kscn run or explore on a file, as a whole process. */
function kscnRun(verb, file, ...more) {
  const kscn = kscnCommand();
  return spawnSync(kscn.path, [...kscn.args, verb, ...more, file], { encoding: 'utf8', env: { ...process.env, KSCN_SERVER: '0' } });
}

test('kscn/run runs a scenario that passes and prints what kscn run prints', async () => {
  const { file, uri } = tempFile(litmus);
  const server = await startServer();
  try {
    await server.open(uri, litmus);
    const result = await server.connection.sendRequest('kscn/run', { uri, scenario: 'ioperm', verb: 'run', allVariants: false });
    assert.equal(result.exitCode, 0);
    const direct = kscnRun('run', file);
    // kscn run prints both scenarios; the request, the one asked for.
    assert.ok(direct.stdout.includes(result.output), `${result.output}\nis part of\n${direct.stdout}`);
    assert.match(result.output, /^scenario "ioperm"\n/);
    assert.deepEqual(result.expectations.map((e) => [e.range.start.line, e.passed]), [[16, true], [17, true]]);
    assert.equal(result.counterexample, null);

    const all = await server.connection.sendRequest('kscn/run', { uri, scenario: 'ioperm', verb: 'run', allVariants: true });
    // ioperm=* as a matrix, the same as kscn run --variant ioperm=* prints for the file's last scenario.
    const matrix = kscnRun('run', file, '--variant', 'ioperm=*');
    assert.match(all.output, /^scenario "ioperm"\n.*\n  variant /);
    assert.ok(matrix.stdout.endsWith(all.output), `${all.output}\nends\n${matrix.stdout}`);
    assert.equal(all.exitCode, matrix.status, 'the exit code of the run of that matrix');
    assert.ok(all.expectations.length > 2 && all.expectations.every((e) => /^ioperm=/.test(e.message)), 'one verdict per variant, named');
  } finally {
    await server.stop();
  }
});

test('kscn/run explores a scenario that fails, with its verdicts and the counterexample explore --save writes', async () => {
  const { file, uri } = tempFile(litmus);
  const server = await startServer();
  try {
    await server.open(uri, litmus);
    const result = await server.connection.sendRequest('kscn/run', { uri, scenario: 'SB forbidden', verb: 'explore', allVariants: false });
    assert.equal(result.exitCode, 1);
    const saved = path.join(path.dirname(file), 'replay.kscn');
    const direct = kscnRun('explore', file, '--save', saved);
    assert.equal(direct.status, 1);
    assert.ok(direct.stdout.startsWith(result.output.split('kscn: explored')[0]), 'the output is what kscn explore prints of that scenario');
    assert.equal(result.counterexample, fs.readFileSync(saved, 'utf8'));
    const never = result.expectations.find((e) => e.range.start.line === 11);
    assert.equal(never.passed, false);
    assert.match(never.message, /FAIL/);
  } finally {
    await server.stop();
  }
});
