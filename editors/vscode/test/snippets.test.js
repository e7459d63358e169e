// Each snippet, expanded with its default placeholders (and first choices), must be valid kscn:
// the scenario on its own, the others inside a scenario that declares what they use.
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

/** The text VS Code inserts when every placeholder keeps its default. */
function expand(body) {
  return body.join('\n')
    .replace(/\$\{\d+\|((?:\\,|[^,|])*)[,|][^}]*\}/g, (_, first) => first.replace(/\\,/g, ','))
    .replace(/\$\{\d+:([^}]*)\}/g, '$1')
    .replace(/\$\d+/g, '')
    .replace(/\t/g, '  ');
}

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
