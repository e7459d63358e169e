// Each snippet, expanded with its default placeholders (and first choices), must be valid kscn:
// the scenario on its own, the others inside a scenario that declares what they use. And what a user
// types over a placeholder must reach every place that placeholder stands for (its mirrors, also
// those nested in another placeholder), or the expansion names something nobody declared.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { checkJson } = require('./kscn');

const snippets = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'snippets', 'kscn.json'), 'utf8'));

// Where each snippet is typed: {} marks the spot.
const surroundings = {
  Scenario: '{}',
  Step: 'scenario "s" {\n  task A root\n  {}\n}',
  Switch: 'scenario "s" {\n  task A root\n  task B root\n  cpu0 A: exec\n  {}\n}',
  Explore: 'scenario "s" {\n  cpus 2\n  shared x\n  {}\n}',
  Repeat: 'scenario "s" {\n  task A root\n  task B root\n  cpu0 switch A\n  {}\n}',
};

/**
 * Parses VS Code's snippet syntax (the part our snippets use): text with `\` escapes, tab stops `$1`
 * and `${1}`, placeholders `${1:default}` whose default may hold further tab stops, and choices
 * `${1|a,b|}`.
 * @returns {Array<string | { stop: number, children?: any[], choices?: string[] }>}
 */
function parse(source) {
  let at = 0;
  function nodes(endAt) {
    const out = [];
    let text = '';
    const flush = () => { if (text) out.push(text); text = ''; };
    while (at < source.length && source[at] !== endAt) {
      const c = source[at];
      if (c === '\\' && at + 1 < source.length) { text += source[at + 1]; at += 2; continue; }
      let m;
      if (c === '$' && (m = /^\$(\d+)/.exec(source.slice(at)))) {
        flush(); out.push({ stop: Number(m[1]) }); at += m[0].length; continue;
      }
      if (c === '$' && (m = /^\$\{(\d+)\}/.exec(source.slice(at)))) {
        flush(); out.push({ stop: Number(m[1]) }); at += m[0].length; continue;
      }
      if (c === '$' && (m = /^\$\{(\d+)\|((?:\\.|[^|\\])*)\|\}/.exec(source.slice(at)))) {
        flush();
        const choices = m[2].split(/(?<!\\),/).map((choice) => choice.replace(/\\(.)/g, '$1'));
        out.push({ stop: Number(m[1]), choices }); at += m[0].length; continue;
      }
      if (c === '$' && (m = /^\$\{(\d+):/.exec(source.slice(at)))) {
        flush(); at += m[0].length;
        const children = nodes('}');
        assert.equal(source[at], '}', `placeholder \${${m[1]}:… is not closed in ${source}`);
        at += 1;
        out.push({ stop: Number(m[1]), children }); continue;
      }
      text += c; at += 1;
    }
    flush();
    return out;
  }
  const parsed = nodes(undefined);
  assert.equal(at, source.length, `unexpected "${source[at]}" in ${source}`);
  return parsed;
}

/**
 * The text VS Code leaves when the user types `typed[n]` over tab stop n and keeps the default
 * elsewhere. Every occurrence of a tab stop shows the same text: the one typed, else the default of
 * its first occurrence that has one (a placeholder's text, a choice's first option).
 */
function expand(body, typed = {}) {
  const tree = parse(body.join('\n'));
  const definitions = new Map();
  (function collect(nodes) {
    for (const node of nodes) {
      if (typeof node === 'string') continue;
      if ((node.children || node.choices) && !definitions.has(node.stop)) definitions.set(node.stop, node);
      if (node.children) collect(node.children);
    }
  })(tree);
  const render = (nodes) => nodes.map((node) => {
    if (typeof node === 'string') return node;
    if (node.stop in typed) return typed[node.stop];
    const definition = definitions.get(node.stop);
    if (definition?.children) return render(definition.children);
    return definition?.choices?.[0] ?? '';
  }).join('');
  // The editor indents a snippet's tabs as it indents .kscn files: 2 spaces (package.json).
  return render(tree).replace(/\t/g, '  ');
}

test('the expander follows mirrors into nested placeholders and keeps escapes', () => {
  assert.equal(expand(['${1:a} $1 ${2:x($1)} ${3|p\\, q,r|} \\$1 $0'], { 1: 'Z' }), 'Z Z x(Z) p, q $1 ');
  assert.equal(expand(['${1:a} ${2:x($1)}'], { 2: 'typed' }), 'a typed');
});

test('every snippet has a place to be checked in', () => {
  assert.deepEqual(Object.keys(snippets).sort(), Object.keys(surroundings).sort());
});

for (const [name, snippet] of Object.entries(snippets)) {
  test(`the ${name} snippet expands to valid kscn`, () => {
    const text = surroundings[name].replace('{}', expand(snippet.body));
    const report = checkJson({ stdinPath: `${name}.kscn`, text });
    assert.deepEqual(report.diagnostics, [], text);
    assert.equal(report.scenarios, 1, text);
  });
}

// The defect: typing a task name over the scenario snippet's `A` left `expect bitmap(A)` behind,
// an undeclared task (KSC0108).
test('the Scenario snippet with a task name of its own is valid kscn', () => {
  const text = expand(snippets.Scenario.body, { 1: 'the writer keeps its bitmap', 5: 'Writer' });
  assert.match(text, /task Writer root/, text);
  assert.match(text, /expect bitmap\(Writer\)\.max == 24/, text);
  assert.doesNotMatch(text, /\bA\b/, text);
  const report = checkJson({ stdinPath: 'Scenario.kscn', text });
  assert.deepEqual(report.diagnostics, [], text);
  assert.equal(report.scenarios, 1, text);
});

test('.kscn files indent by 2 spaces, as the samples and snippets do', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
  assert.deepEqual(manifest.contributes.configurationDefaults['[kscn]'], {
    'editor.tabSize': 2,
    'editor.insertSpaces': true,
    'editor.detectIndentation': false,
  });
});
