#!/usr/bin/env node
// Checks an unpacked .vsix (its extension/ folder) as VS Code would use it: every file the manifest
// names is there and parses, extension.js loads with only the dependencies vsce packed beside it (the
// folder lies outside the repository, so nothing resolves from the repository's node_modules), and
// nothing of development went in. `vscode` itself is the editor's, so a stand-in answers for it.
// Usage: node scripts/check-vsix.js UNPACKED/extension
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');

const root = path.resolve(process.argv[2] ?? assert.fail('usage: check-vsix.js UNPACKED/extension'));
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const json = (file) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));

const { languages, grammars, snippets } = manifest.contributes;
for (const language of languages) json(language.configuration);
for (const grammar of grammars) assert.equal(json(grammar.path).scopeName, grammar.scopeName, grammar.path);
for (const snippet of snippets) assert.ok(Object.keys(json(snippet.path)).length > 0, snippet.path);
// vsce stores the README as readme.md.
assert.ok(fs.readdirSync(root).some((file) => file.toLowerCase() === 'readme.md'), 'README.md');

for (const unwanted of ['test', 'scripts', 'e2e', 'server', '.e2e-work', '.snap-work', 'node_modules/shiki',
  'node_modules/@vscode/vsce', 'node_modules/vscode-languageserver', 'node_modules/code-server', 'node_modules/playwright-core']) {
  assert.ok(!fs.existsSync(path.join(root, unwanted)), `the .vsix holds ${unwanted}`);
}

// Loading is enough to resolve every require: extension.js and the language client require all they
// use at load. The stand-in's members are classes whose members are classes, and so on.
const standIn = () => new Proxy(class {}, { get: (target, name) => (name in target ? target[name] : standIn()) });
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === 'vscode' ? new Proxy({}, { get: () => standIn() }) : load.call(this, request, ...rest);
};
const extension = require(path.join(root, manifest.main));
assert.equal(typeof extension.activate, 'function');
assert.equal(typeof extension.deactivate, 'function');
const packed = fs.readdirSync(path.join(root, 'node_modules')).sort();
console.log(`the .vsix's extension loads; grammar, snippets and language configuration parse; dependencies: ${packed.join(', ')}`);
