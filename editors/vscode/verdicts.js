// What the editor says about a `kscn/run` result: the meaning of kscn's exit code and the inline text of
// each expectation's verdict. Kept apart from extension.js, which needs VS Code, so that node's test
// runner can check it (test/verdicts.test.js).
'use strict';

// kscn's exit codes (README, "Exit codes"); a code not listed here is shown as a number, not guessed.
const exitMeanings = new Map([
  [0, { text: 'every expectation holds', level: 'info' }],
  [1, { text: 'a violation was observed (an expectation failed or the object checker reported a finding)', level: 'error' }],
  [2, { text: 'the input or the request has errors', level: 'error' }],
  [3, { text: 'internal error, a bug of kscn', level: 'error' }],
  [4, { text: 'inconclusive: the search was cut short and saw no violation, so nothing is proved', level: 'warning' }],
]);

/** @param {number} exitCode @returns {{ text: string, level: 'info' | 'warning' | 'error' }} */
function exitMeaning(exitCode) {
  return exitMeanings.get(exitCode) ?? { text: `kscn exited with ${exitCode}`, level: 'error' };
}

/** The words of a command, for titles: "Run", "Explore", "Run all variants". */
function verbTitle(verb, allVariants) {
  const title = verb === 'explore' ? 'Explore' : 'Run';
  return allVariants ? `${title} all variants` : title;
}

/** The status line of a finished run: `Run "name": all expectations hold (exit 0)`. */
function statusText({ verb, allVariants, scenario, exitCode }) {
  return `${verbTitle(verb, allVariants)} "${scenario}": ${exitMeaning(exitCode).text} (exit ${exitCode})`;
}

// A decoration's text is one line: a message that spans several is joined, and cut where it would
// push the rest of the editor's line far out of sight.
const maxInline = 160;

/** The text shown after an expectation's line: "✓ holds" or "✗ fails: message". */
function verdictText({ passed, message }) {
  if (passed) return '✓ holds';
  const oneLine = (message ?? '').replace(/\s+/g, ' ').trim();
  const text = oneLine ? `✗ fails: ${oneLine}` : '✗ fails';
  return text.length > maxInline ? `${text.slice(0, maxInline - 1)}…` : text;
}

module.exports = { exitMeaning, verbTitle, statusText, verdictText };
