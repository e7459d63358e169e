// The kscn language server: on open, change (debounced) and save it runs
// `kscn check --format json --stdin-path PATH` on the editor's text and publishes the diagnostics.
// The kscn command comes from the client's initializationOptions ({ path, args }: the kscn.path
// and kscn.args settings); the client restarts the server when they change.
'use strict';
const { spawn } = require('node:child_process');
const { fileURLToPath } = require('node:url');
const {
  createConnection, TextDocuments, ProposedFeatures, TextDocumentSyncKind, DiagnosticSeverity,
  ShowMessageNotification, MessageType,
} = require('vscode-languageserver/node');
const { TextDocument } = require('vscode-languageserver-textdocument');

// Long enough that typing does not start a kscn process per key, short enough to feel live.
const CHANGE_DELAY_MS = 300;

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
/** @type {Map<string, NodeJS.Timeout>} */
const pending = new Map();
let kscn = { path: 'kscn', args: /** @type {string[]} */ ([]) };
/** The last problem shown to the user, so that a broken setup is reported once, not per keystroke. */
let shownProblem = '';

connection.onInitialize((params) => {
  const options = params.initializationOptions ?? {};
  kscn = {
    path: typeof options.path === 'string' && options.path.trim() ? options.path.trim() : 'kscn',
    args: Array.isArray(options.args) ? options.args.map(String) : [],
  };
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
    },
  };
});

// Fires when a document is opened too, so the first check waits CHANGE_DELAY_MS as well.
documents.onDidChangeContent((event) => schedule(event.document.uri, CHANGE_DELAY_MS));
documents.onDidSave((event) => schedule(event.document.uri, 0));
documents.onDidClose((event) => {
  clearTimeout(pending.get(event.document.uri));
  pending.delete(event.document.uri);
  connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
});

/** @param {string} uri @param {number} delay */
function schedule(uri, delay) {
  clearTimeout(pending.get(uri));
  pending.set(uri, setTimeout(() => {
    pending.delete(uri);
    check(uri);
  }, delay));
}

/** The path kscn reports and names in messages: the file's, or the name of an unsaved buffer. */
function pathOf(uri) {
  return uri.startsWith('file:') ? fileURLToPath(uri) : decodeURIComponent(uri.replace(/^[^:]*:/, '').split('/').pop() || 'untitled.kscn');
}

/** @param {string} uri */
async function check(uri) {
  const document = documents.get(uri);
  if (!document) return;
  const version = document.version;
  let diagnostics;
  try {
    diagnostics = await runKscn(pathOf(uri), document.getText());
  } catch (problem) {
    report(/** @type {Error} */ (problem).message);
    return;
  }
  shownProblem = '';
  // A result for text the user has changed since is stale: the check of the new text is on its way.
  if (documents.get(uri)?.version !== version) return;
  connection.sendDiagnostics({ uri, version, diagnostics });
}

/** @param {string} message */
function report(message) {
  if (message === shownProblem) return;
  shownProblem = message;
  // The notification, not window.showErrorMessage: that is a request, and a client that refuses it
  // would make the promise reject and the server die.
  connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Error, message });
}

/**
 * Runs kscn check on text as the file path; resolves to LSP diagnostics, rejects with a message for the user.
 * @param {string} path @param {string} text
 * @returns {Promise<import('vscode-languageserver').Diagnostic[]>}
 */
function runKscn(path, text) {
  const command = [kscn.path, ...kscn.args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(kscn.path, [...kscn.args, 'check', '--format', 'json', '--stdin-path', path], { stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => { stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk) => { stderr += chunk; });
    child.on('error', (error) => reject(new Error(
      `kscn: cannot start '${command}' (${error.message}). Set kscn.path (and kscn.args, e.g. dotnet with the path of kscn.dll) in the settings.`)));
    // A kscn that exits before reading its input closes the pipe; its exit code tells what happened.
    child.stdin.on('error', () => {});
    child.on('close', (code) => {
      let output;
      try {
        output = JSON.parse(stdout);
      } catch {
        reject(new Error(`kscn: '${command} check --format json' exited with ${code} without diagnostics: ${stderr.trim() || 'no message'}`));
        return;
      }
      resolve(output.diagnostics.map(toLsp));
    });
    child.stdin.end(text, 'utf8');
  });
}

/** kscn's lines and columns are 1-based, LSP's 0-based; both count columns in UTF-16 code units. */
function toLsp(diagnostic) {
  const position = (at) => ({ line: at.line - 1, character: at.column - 1 });
  return {
    range: { start: position(diagnostic.start), end: position(diagnostic.end) },
    severity: diagnostic.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: diagnostic.code,
    source: 'kscn',
    message: diagnostic.message,
  };
}

documents.listen(connection);
connection.listen();
