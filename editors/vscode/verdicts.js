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
  return oneLine(`✗ fails${message?.trim() ? `: ${message}` : ''}`);
}

function oneLine(text) {
  const joined = text.replace(/\s+/g, ' ').trim();
  return joined.length > maxInline ? `${joined.slice(0, maxInline - 1)}…` : joined;
}

/**
 * One verdict per expectation: a run of all variants answers once per variant for the same range
 * (each message names its variant), and shows as one line, "✓ holds in all 7 variants" or
 * "✗ fails in 2 of 7 variants: <first failure>", with every message in the hover.
 * @template {{ start: any, end: any }} R
 * @param {{ range: R, passed: boolean, message?: string }[]} expectations
 * @returns {{ range: R, passed: boolean, text: string, hover: string }[]}
 */
function verdictsByRange(expectations) {
  const groups = new Map();
  for (const e of expectations) {
    const key = JSON.stringify([e.range.start, e.range.end]);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(e);
  }
  return [...groups.values()].map((group) => {
    const failed = group.filter((e) => !e.passed);
    const hover = group.map((e) => e.message?.trim()).filter(Boolean).join('\n');
    if (group.length === 1) return { range: group[0].range, passed: group[0].passed, text: verdictText(group[0]), hover };
    const text = failed.length === 0
      ? `✓ holds in all ${group.length} variants`
      : oneLine(`✗ fails in ${failed.length} of ${group.length} variants: ${failed[0].message ?? ''}`);
    return { range: group[0].range, passed: failed.length === 0, text, hover };
  });
}

module.exports = { exitMeaning, verbTitle, statusText, verdictText, verdictsByRange };
