// Starts the language server over stdio as VS Code does, opens .kscn documents and compares the
// diagnostics it publishes with those of `kscn check --format json` run directly on the same file.
// KSCN_LANGUAGE_SERVER runs another copy of the server: scripts/test-vsix.sh points it into the packaged .vsix.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { pathToFileURL } = require('node:url');
const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-languageserver-protocol/node');
const { kscnCommand, checkJson } = require('./kscn');

const serverPath = process.env.KSCN_LANGUAGE_SERVER || path.join(__dirname, '..', 'server', 'server.js');
const timeoutMs = 30000;

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

/** A server process with a client connection that records what the server sends. */
async function startServer(initializationOptions) {
  const child = spawn(process.execPath, [serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const received = { diagnostics: [], messages: [] };
  const waiters = [];
  const notify = () => waiters.splice(0).forEach((wake) => wake());
  connection.onNotification('textDocument/publishDiagnostics', (params) => { received.diagnostics.push(params); notify(); });
  connection.onNotification('window/showMessage', (params) => { received.messages.push(params); notify(); });
  connection.listen();
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions });
  connection.sendNotification('initialized', {});

  /** Resolves when predicate(received) holds; fails after timeoutMs. */
  async function until(predicate, what) {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(received)) {
      const left = deadline - Date.now();
      if (left <= 0) assert.fail(`timed out waiting for ${what}; received ${JSON.stringify(received)}`);
      await new Promise((wake) => {
        const timer = setTimeout(wake, left);
        waiters.push(() => { clearTimeout(timer); wake(); });
      });
    }
  }
  async function stop() {
    await connection.sendRequest('shutdown');
    connection.sendNotification('exit');
    await new Promise((done) => child.on('exit', done));
    connection.dispose();
  }
  return { connection, received, until, stop };
}

/** A .kscn file in a fresh temporary folder, and its URI. */
function tempFile(text) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kscn-server-')), 'scenario.kscn');
  fs.writeFileSync(file, text);
  return { file, uri: pathToFileURL(file).href };
}

/** What the server should publish for kscn's JSON report, written out independently of the server. */
function expectedDiagnostics(report) {
  return report.diagnostics.map((d) => ({
    range: {
      start: { line: d.start.line - 1, character: d.start.column - 1 },
      end: { line: d.end.line - 1, character: d.end.column - 1 },
    },
    severity: d.severity === 'error' ? 1 : 2,
    code: d.code,
    source: 'kscn',
    message: d.message,
  }));
}

/** The text a range covers, counting characters in UTF-16 code units as LSP does. */
function textOf(text, range) {
  const lines = text.split('\n');
  assert.equal(range.start.line, range.end.line, 'a one-line range');
  return lines[range.start.line].slice(range.start.character, range.end.character);
}

test('an opened document gets the diagnostics kscn check reports for the file', async () => {
  const { file, uri } = tempFile(withErrors);
  const direct = checkJson({ file });
  assert.equal(direct.errors, 4, 'the document has the four errors this test is about');
  const server = await startServer(kscnCommand());
  try {
    server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'kscn', version: 1, text: withErrors } });
    await server.until((r) => r.diagnostics.some((p) => p.uri === uri), 'diagnostics');
    const published = server.received.diagnostics.find((p) => p.uri === uri);
    assert.deepEqual(published.diagnostics, expectedDiagnostics(direct));
    assert.deepEqual(published.diagnostics.map((d) => d.code), ['KSC0201', 'KSC0108', 'KSC0208', 'KSC0203']);
    assert.deepEqual(published.diagnostics.map((d) => textOf(withErrors, d.range)), ['cpu3', 'B', '0', 'A']);
    assert.deepEqual(server.received.messages, []);
  } finally {
    await server.stop();
  }
});

test('a change is checked as unsaved text, and fixing the errors clears them', async () => {
  const { file, uri } = tempFile(valid);
  const server = await startServer(kscnCommand());
  try {
    server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'kscn', version: 1, text: valid } });
    await server.until((r) => r.diagnostics.length === 1, 'the first diagnostics');
    assert.deepEqual(server.received.diagnostics[0].diagnostics, []);

    // The file on disk stays valid: the errors can only come from the text sent to kscn.
    server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: withErrors }],
    });
    await server.until((r) => r.diagnostics.at(-1).diagnostics.length > 0, 'diagnostics of the changed text');
    const expected = expectedDiagnostics(checkJson({ stdinPath: file, text: withErrors }));
    assert.deepEqual(server.received.diagnostics.at(-1).diagnostics, expected);

    server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 3 },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 8, character: 0 } }, text: valid }],
    });
    await server.until((r) => r.diagnostics.at(-1).diagnostics.length === 0, 'the errors to clear');
  } finally {
    await server.stop();
  }
});

test('a buffer that was never saved is checked under its name', async () => {
  const uri = 'untitled:Untitled-1';
  const server = await startServer(kscnCommand());
  try {
    server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'kscn', version: 1, text: withErrors } });
    await server.until((r) => r.diagnostics.length > 0, 'diagnostics');
    const expected = expectedDiagnostics(checkJson({ stdinPath: 'Untitled-1', text: withErrors }));
    assert.deepEqual(server.received.diagnostics[0], { uri, version: 1, diagnostics: expected });
  } finally {
    await server.stop();
  }
});

test('a kscn that cannot be started is reported once, and the server goes on', async () => {
  const { uri } = tempFile(valid);
  const missing = path.join(os.tmpdir(), 'no-such-kscn', 'kscn');
  const server = await startServer({ path: missing, args: [] });
  try {
    server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'kscn', version: 1, text: valid } });
    server.connection.sendNotification('textDocument/didSave', { textDocument: { uri } });
    await server.until((r) => r.messages.length > 0, 'a message');
    // Another check of the document fails the same way and must not repeat the message.
    server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: withErrors }] });
    await new Promise((wake) => setTimeout(wake, 1500));
    assert.equal(server.received.messages.length, 1);
    assert.equal(server.received.messages[0].type, 1, 'an error message');
    assert.match(server.received.messages[0].message, /cannot start .*no-such-kscn.*kscn\.path/);
    assert.deepEqual(server.received.diagnostics, []);
  } finally {
    await server.stop();
  }
});
