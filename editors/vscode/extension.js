// The VS Code side: starts kscn's own language server (`kscn lsp`, over stdio) for .kscn documents with
// the kscn.path and kscn.args settings, restarting it when they change, and runs scenarios from the
// code lenses the server puts over them (kscn.run, kscn.explore, kscn.runAllVariants): the server's
// `kscn/run` request runs kscn, the trace goes to the "kscn" output channel, each expectation's verdict
// shows after its line until the document is edited, and a counterexample opens as a new document.
'use strict';
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');
const { exitMeaning, verbTitle, statusText, verdictsByRange } = require('./verdicts');

/** @type {LanguageClient | undefined} */
let client;

function createClient() {
  const settings = vscode.workspace.getConfiguration('kscn');
  // No transport given: the client then talks over the process's stdin and stdout and adds no
  // `--stdio` argument, which kscn would reject as an unknown option.
  const server = { command: settings.get('path', 'kscn'), args: [...settings.get('args', []), 'lsp'] };
  return new LanguageClient('kscn', 'ScenarioLang (kscn)', { run: server, debug: server }, {
    documentSelector: [{ language: 'kscn' }],
  });
}

/**
 * The verdicts of the last run of each document, by URI, so that an editor opened on the document
 * again shows them too; an edit of the document drops them, since lines may have moved.
 */
class Verdicts {
  constructor() {
    const after = (color) => ({ after: { margin: '0 0 0 2em', color: new vscode.ThemeColor(color), fontStyle: 'italic' } });
    this.holds = vscode.window.createTextEditorDecorationType(after('testing.iconPassed'));
    this.fails = vscode.window.createTextEditorDecorationType(after('testing.iconFailed'));
    /** @type {Map<string, { holds: vscode.DecorationOptions[], fails: vscode.DecorationOptions[] }>} */
    this.byUri = new Map();
  }

  /** @param {vscode.Uri} uri @param {{ range: vscode.Range, passed: boolean, message?: string }[]} expectations */
  set(uri, expectations) {
    const verdicts = verdictsByRange(expectations);
    const decoration = (v) => ({
      // At the end of the expectation's last line: `after` content follows the range it decorates.
      range: new vscode.Range(v.range.end, v.range.end),
      hoverMessage: v.hover ? new vscode.MarkdownString().appendText(v.hover) : undefined,
      renderOptions: { after: { contentText: v.text } },
    });
    this.byUri.set(uri.toString(), {
      holds: verdicts.filter((v) => v.passed).map(decoration),
      fails: verdicts.filter((v) => !v.passed).map(decoration),
    });
    this.show(uri);
  }

  /** @param {vscode.Uri} uri */
  clear(uri) {
    if (this.byUri.delete(uri.toString())) this.show(uri);
  }

  /** Draws the verdicts of a document (none if it has none) in every editor that shows it. */
  show(uri) {
    const entry = this.byUri.get(uri.toString());
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() !== uri.toString()) continue;
      editor.setDecorations(this.holds, entry?.holds ?? []);
      editor.setDecorations(this.fails, entry?.fails ?? []);
    }
  }

  dispose() {
    this.holds.dispose();
    this.fails.dispose();
  }
}

/**
 * The scenario that a command from the palette means: the code lens of the same command nearest
 * above the cursor, so that which lines are scenarios is the server's business alone.
 * @returns {Promise<{ uri: string, scenario: string, line: number } | undefined>}
 */
async function scenarioAtCursor(command) {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'kscn') return undefined;
  /** @type {vscode.CodeLens[]} */
  const lenses = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', editor.document.uri) ?? [];
  const cursor = editor.selection.active.line;
  const above = lenses
    .filter((lens) => lens.command?.command === command && lens.range.start.line <= cursor)
    .sort((a, b) => b.range.start.line - a.range.start.line);
  return above[0]?.command?.arguments?.[0];
}

/**
 * Runs one scenario through the server's `kscn/run` and shows the result. Returns the result, so that
 * a caller (a test, another extension) can read it.
 */
async function runScenario({ verb, allVariants, command }, target, output, verdicts) {
  target ??= await scenarioAtCursor(command);
  if (!target) {
    vscode.window.showWarningMessage('kscn: put the cursor in a scenario of a .kscn file (or use the code lens over it).');
    return undefined;
  }
  if (!client?.isRunning()) {
    vscode.window.showErrorMessage('kscn: the language server is not running; check the kscn.path and kscn.args settings.');
    return undefined;
  }
  const uri = vscode.Uri.parse(target.uri);
  const title = `${verbTitle(verb, allVariants)} "${target.scenario}"`;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `kscn: ${title}…`, cancellable: true },
    (_, token) => client.sendRequest('kscn/run', { uri: target.uri, scenario: target.scenario, verb, allVariants }, token),
  ).catch((error) => {
    vscode.window.showErrorMessage(`kscn: ${title} failed: ${error.message ?? error}`);
    return undefined;
  });
  if (!result) return undefined;

  output.appendLine(`== ${title} (${vscode.workspace.asRelativePath(uri)}): exit ${result.exitCode}`);
  output.append(result.output.endsWith('\n') || result.output === '' ? result.output : `${result.output}\n`);
  output.show(true);

  const converter = client.protocol2CodeConverter;
  verdicts.set(uri, result.expectations.map((e) => ({ ...e, range: converter.asRange(e.range) })));

  const status = statusText({ verb, allVariants, scenario: target.scenario, exitCode: result.exitCode });
  vscode.window.setStatusBarMessage(`kscn: ${status}`, 15000);
  const actions = result.counterexample != null ? ['Open counterexample', 'Show output'] : ['Show output'];
  const show = {
    info: vscode.window.showInformationMessage,
    warning: vscode.window.showWarningMessage,
    error: vscode.window.showErrorMessage,
  }[exitMeaning(result.exitCode).level];
  // Not awaited: the notification stays until it is answered, and the run is over already.
  show(`kscn: ${status}`, ...actions).then(async (action) => {
    if (action === 'Show output') output.show();
    if (action === 'Open counterexample') {
      const document = await vscode.workspace.openTextDocument({ language: 'kscn', content: result.counterexample });
      await vscode.window.showTextDocument(document);
    }
  }).then(undefined, (error) => vscode.window.showErrorMessage(`kscn: ${title}: ${error.message ?? error}`));
  return result;
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  const output = vscode.window.createOutputChannel('kscn');
  const verdicts = new Verdicts();
  context.subscriptions.push(output, verdicts);

  for (const [command, verb, allVariants] of [
    ['kscn.run', 'run', false],
    ['kscn.explore', 'explore', false],
    ['kscn.runAllVariants', 'run', true],
  ]) {
    context.subscriptions.push(vscode.commands.registerCommand(command,
      (target) => runScenario({ verb, allVariants, command }, target, output, verdicts)));
  }

  context.subscriptions.push(
    vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.contentChanges.length) verdicts.clear(event.document.uri);
    }),
    vscode.window.onDidChangeVisibleTextEditors((editors) => {
      for (const editor of editors) verdicts.show(editor.document.uri);
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration('kscn')) return;
      await client?.stop().catch(() => undefined); // a server that never started has nothing to stop
      await startClient(output);
    }),
  );
  await startClient(output);
}

/**
 * A kscn that cannot be started (a wrong kscn.path) is reported by the client itself; the extension
 * stays active, so that highlighting, snippets and a corrected setting still work.
 */
async function startClient(output) {
  client = createClient();
  await client.start().catch((error) => output.appendLine(`kscn lsp did not start: ${error.message ?? error}`));
}

function deactivate() {
  return client?.stop();
}

module.exports = { activate, deactivate };
