// The VS Code side: starts the kscn language server (server/server.js) for .kscn documents with the
// kscn.path and kscn.args settings. The server reads them once, at start, so a change restarts it.
'use strict';
const path = require('node:path');
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

/** @type {LanguageClient | undefined} */
let client;

/** @param {vscode.ExtensionContext} context */
function createClient(context) {
  const settings = vscode.workspace.getConfiguration('kscn');
  const server = { module: context.asAbsolutePath(path.join('server', 'server.js')), transport: TransportKind.ipc };
  return new LanguageClient('kscn', 'ScenarioLang (kscn)', { run: server, debug: server }, {
    documentSelector: [{ language: 'kscn' }],
    initializationOptions: { path: settings.get('path'), args: settings.get('args') },
  });
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  client = createClient(context);
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration(async (event) => {
    if (!event.affectsConfiguration('kscn')) return;
    await client?.stop();
    client = createClient(context);
    await client.start();
  }));
  await client.start();
}

function deactivate() {
  return client?.stop();
}

module.exports = { activate, deactivate };
