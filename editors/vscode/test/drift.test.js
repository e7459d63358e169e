// The TextMate grammar must not drift from the ANTLR one: every keyword and operator of
// grammar/KscnLexer.g4, and the CPU, number, string and comment tokens, is tokenized in a realistic
// line and must get a scope of its own, not just source.kscn, the fallback for names or invalid.
// A new lexer rule fails here until it has a context below and a highlighting rule.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { loadGrammar, tokenize } = require('./textmate');

const lexerPath = path.join(__dirname, '..', '..', '..', 'grammar', 'KscnLexer.g4');
const tmGrammar = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'syntaxes', 'kscn.tmLanguage.json'), 'utf8'));

// Rules that need no scope of their own: names are coloured by context (or as plain variables),
// and the rest are errors or whitespace.
const exempt = new Set(['WORD', 'UNTERMINATED_STRING', 'WS', 'UNEXPECTED_CHAR']);

// For each lexer rule, lines inside a scenario with the token between « ».
const contexts = {
  SCENARIO: '}\n«scenario» "another" {',
  KERNEL: '«kernel» ioperm = merged',
  MEMORY: '«memory» tso',
  CPUS: '«cpus» 2',
  TASK: '«task» A root',
  ROOT: 'task A «root»',
  USER: 'task U «user»',
  SWITCH: 'cpu0 «switch» B',
  IDLE: 'cpu0 switch «idle»',
  EXPECT: '«expect» bitmap(A).max == 24',
  IS: 'expect bitmap(C) «is» bitmap(P)',
  NOT: 'expect bitmap(C) is «not» none',
  NONE: 'expect bitmap(C) is not «none»',
  ON: 'cpu0 A: ioperm(0x80, 1, «on») -> 0',
  OFF: ['cpu0 A: ioperm(0x80, 1, «off») -> 0', 'kernel ptshare = «off»'],
  OK: 'cpu0 A: outb 0x80 -> «ok»',
  REPEAT: '«repeat» 1000 {\n  cpu0 switch S\n}',
  FOR: '«for» each W {\n  cpu0 switch W\n}',
  EACH: 'for «each» W {\n  cpu0 switch W\n}',
  PREEMPTED: 'cpu0 A: ioperm(0x80, 1, on) «preempted» at installed -> 0',
  PREEMPTS: 'explore {\n  cpu0 A: ioperm(0x80, 1, on) -> 0\n  cpu0 B «preempts» A: outb 0x80 -> #GP\n}',
  FAILING: 'cpu0 P: fork «failing» at alloc_pid -> ENOMEM',
  AT: 'cpu0 P: fork failing «at» alloc_pid -> ENOMEM',
  SHARED: '«shared» x = 1',
  EXPLORE: '«explore» {\n  cpu0 kernel: store x = 1\n}',
  ALWAYS: 'expect «always» r0 == 1',
  NEVER: 'expect «never» leak ptshare_data',
  SOMETIMES: 'expect «sometimes» r0 == 0 and r1 == 0',
  AND: 'expect sometimes r0 == 0 «and» r1 == 0',
  UNTIL: 'cpu0 kernel: store x = 1 «until» return',
  CONTINUE: 'cpu0 «continue»',
  DRAIN: 'cpu0 «drain» 2',
  FILE: '«file» db = 4 MiB',
  KNOWN: 'expect never leak ptshare_data «known» failure under ptshare=rfc-v2',
  FAILURE: 'expect never leak ptshare_data known «failure» under ptshare=rfc-v2',
  UNDER: 'expect never leak ptshare_data known failure «under» ptshare=rfc-v2',
  LEAK: 'expect never «leak» ptshare_data',
  USE_AFTER_FREE: 'expect never «use-after-free» mm',
  DOUBLE_FREE: 'expect never «double-free» io_bitmap',
  REFCOUNT_MISUSE: 'expect never «refcount-misuse» io_bitmap',
  WARN: 'expect never «warn» io_bitmap',
  OOPS: 'expect never «oops» pgd',
  KIB: ['expect bitmap(A).max <= 8 «KiB»', 'expect bitmap(A).max <= 8«KiB»'],
  MIB: 'file db = 4 «MiB»',
  GIB: 'cpu0 A: mmap(0x40000000, 1 «GiB», PROT_READ, MAP_SHARED, db, 0)',
  GP: 'cpu0 B: outb 0x3f8 -> «#GP»',
  PF: 'cpu0 kernel: touch V -> «#PF»',
  ARROW: 'cpu0 A: exec «->» 0',
  LBRACE: 'repeat 2 «{»\n  cpu0 switch S\n}',
  RBRACE: 'repeat 2 {\n  cpu0 switch S\n«}»',
  LPAREN: 'cpu0 A: iopl«(»3) -> 0',
  RPAREN: 'cpu0 A: iopl(3«)» -> 0',
  LBRACK: 'expect pgd(C)«[»V] is none',
  RBRACK: 'expect pgd(C)[V«]» is none',
  COMMA: ['cpu0 A: ioperm(0x80«,» 1, on)', 'kernel ioperm = pre-5.5«,» merged'],
  STAR: 'kernel ioperm = «*»',
  COLON: 'cpu0 A«:» exec',
  DOT: 'expect bitmap(A)«.»max == 24',
  EQEQ: 'expect r0 «==» 1',
  NEQ: 'expect task(A).tif_io_bitmap «!=» on',
  LE: 'expect r0 «<=» 1',
  GE: 'expect r0 «>=» 1',
  LT: 'expect r0 «<» 1',
  GT: 'expect r0 «>» 1',
  ASSIGN: 'shared x «=» 1',
  PIPE: 'cpu0 A: mmap(0x40000000, 4 MiB, PROT_READ «|» PROT_WRITE, MAP_SHARED, db, 0)',
  MINUS: 'cpu0 A: mmap(0x7f0000000000, 2 MiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, «-»1, 0)',
  CPU: ['«cpu0» switch B', 'cpu0 A: exec  «cpu12» B: exec', 'expect tss(«cpu1»).prev_max == 0'],
  INT: ['cpus «2»', 'cpu0 A: outb «0x3f8» -> ok', 'expect r0 == «0xFFFF»'],
  STRING: '}\nscenario «"another \\"one\\""» {',
  LINE_COMMENT: 'cpus 1  «// a comment»',
  BLOCK_COMMENT: 'cpus 1 «/* a comment */» task A root',
};

// Steps are not lexer rules: each is a name the binder finds in the kernel catalog, which the grammar colours from
// two lists (calls and instructions) that a C# test keeps equal to the catalog. Each listed step, in a realistic line.
const stepContexts = {
  ioperm: ['cpu0 A: «ioperm»(0x80, 1, on) -> 0', 'kernel «ioperm» = merged'],
  iopl: 'cpu0 A: «iopl»(3) -> 0',
  fork: 'cpu0 A: «fork» -> C',
  exec: 'cpu0 A: «exec» -> 0',
  exit: 'cpu0 A: «exit»',
  clone: 'cpu0 A: «clone» -> T',
  setresuid: 'cpu0 A: «setresuid»(1, 1, 1) -> 0',
  mmap: 'cpu0 A: «mmap»(0x40000000, 4 MiB, PROT_READ, MAP_SHARED, db, 0)',
  munmap: 'cpu0 A: «munmap»(0x40000000, 4 MiB) -> 0',
  msharefs_info: 'cpu0 A: «msharefs_info» -> 549755813888',
  msharefs_open: 'cpu0 A: «msharefs_open»(shareme) -> 0',
  msharefs_ftruncate: 'cpu0 A: «msharefs_ftruncate»(shareme, 512 GiB) -> 0',
  msharefs_create_mapping: 'cpu0 A: «msharefs_create_mapping»(shareme, 0, 4 MiB, 0, PROT_READ, MAP_ANONYMOUS | MAP_SHARED | MAP_FIXED, -1) -> 0',
  msharefs_unmap: 'cpu0 A: «msharefs_unmap»(shareme, 0, 4 MiB) -> 0',
  msharefs_unlink: 'cpu0 A: «msharefs_unlink»(shareme) -> 0',
  vmalloc: 'cpu1 kernel: «vmalloc»(4 MiB) -> V',
  inb: 'cpu0 A: «inb» 0x80 -> ok',
  inw: 'cpu0 A: «inw» 0x80 -> ok',
  inl: 'cpu0 A: «inl» 0x80 -> #GP',
  outb: 'cpu0 A: «outb» 0x80 -> ok',
  outw: 'cpu0 A: «outw» 0x3fe -> ok',
  outl: 'cpu0 A: «outl» 0x3fe -> #GP',
  cli: 'cpu0 A: «cli» -> #GP',
  sti: 'cpu0 A: «sti» -> ok',
  pushf: 'cpu0 A: «pushf» -> 0x202',
  store: ['cpu0 kernel: «store» x = 1', 'cpu0 kernel: store x = 1 until «store»'],
  load: 'cpu1 kernel: «load» x -> r0',
  xchg: 'cpu0 kernel: «xchg» x = 1 -> r0',
  mfence: 'cpu0 kernel: «mfence»',
  touch: 'cpu0 kernel: «touch» V -> #PF',
  touch_in: 'cpu0 A: «touch_in»(V, SYSCALL_ENTRY | SMAP) -> #PF',
  read: 'cpu0 A: «read»(0x40000000, 4 MiB) -> ok',
  write: 'cpu0 A: «write»(0x10000) -> SIGSEGV',
};

/** The lexer's rules: name, and the literal for rules that are one quoted string. */
function lexerRules() {
  const rules = [];
  for (const line of fs.readFileSync(lexerPath, 'utf8').split('\n')) {
    const rule = /^([A-Z][A-Z0-9_]*)\s*:\s*(.*?)\s*;/.exec(line);
    if (rule) rules.push({ name: rule[1], literal: /^'([^']*)'$/.exec(rule[2])?.[1] });
  }
  return rules;
}

const fallbackScopes = [tmGrammar.repository.names.patterns.at(-1).name];
const invalidScope = tmGrammar.repository.invalid.name;

/** Why the token's scopes are no highlighting of its own, or null when they are. */
function bare(scopes) {
  const inner = scopes.at(-1);
  if (scopes.length === 1) return 'only the base scope';
  if (fallbackScopes.includes(inner)) return 'the fallback for names';
  if (inner === invalidScope) return 'invalid';
  return null;
}

test('the lexer has the rules this test knows', () => {
  const names = lexerRules().map((rule) => rule.name);
  assert.ok(names.length > 50, `read ${names.length} rules from ${lexerPath}`);
  const stale = Object.keys(contexts).filter((name) => !names.includes(name));
  assert.deepEqual(stale, [], 'contexts for rules the lexer no longer has');
});

/** The text between « and » in a context set in a scenario, and the tokens that cover it. */
function markedTokens(grammar, context) {
  const withMarks = `scenario "drift" {\n  ${context}\n}\n`;
  const start = withMarks.indexOf('«');
  const end = withMarks.indexOf('»') - 1;
  const text = withMarks.replace('«', '').replace('»', '');
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const covering = tokenize(grammar, text)
    .map((token) => ({ ...token, offset: lineStarts[token.line] + token.start }))
    .filter((token) => token.offset < end && token.offset + token.text.length > start);
  return { marked: text.slice(start, end), covering };
}

test('every keyword, operator and literal token of the lexer has a highlighting rule', async () => {
  const grammar = await loadGrammar();
  const failures = [];
  for (const rule of lexerRules().filter((r) => !exempt.has(r.name))) {
    const wanted = rule.literal === undefined ? rule.name : `'${rule.literal}'`;
    if (!contexts[rule.name]) {
      failures.push(`${rule.name} (${wanted}) has no context in test/drift.test.js: add one, and a rule in syntaxes/kscn.tmLanguage.json`);
      continue;
    }
    for (const context of [].concat(contexts[rule.name])) {
      const { marked, covering } = markedTokens(grammar, context);
      if (rule.literal !== undefined) assert.equal(marked, rule.literal, `context of ${rule.name}`);
      for (const token of covering) {
        const why = bare(token.scopes);
        if (why) failures.push(`${rule.name} (${wanted}) in "${context}": ${JSON.stringify(token.text)} gets ${why} (${token.scopes.join(' ')})`);
      }
    }
  }
  assert.deepEqual(failures, []);
});

/** The steps the grammar colours: the alternatives of its syscall and instruction patterns. */
function coloredSteps() {
  return tmGrammar.repository.keywords.patterns
    .filter((p) => p.name === 'entity.name.function.syscall.kscn' || p.name === 'support.function.instruction.kscn')
    .flatMap((p) => /\(\?:([^)]*)\)/.exec(p.match)[1].split('|'));
}

test('every step the grammar colours has a context, and gets a scope of its own there', async () => {
  const grammar = await loadGrammar();
  const steps = coloredSteps();
  assert.deepEqual(Object.keys(stepContexts).sort(), [...steps].sort(), 'step contexts and the grammar\'s step lists differ');
  const failures = [];
  for (const step of steps) {
    for (const context of [].concat(stepContexts[step])) {
      const { marked, covering } = markedTokens(grammar, context);
      assert.equal(marked, step, `context of ${step}`);
      for (const token of covering) {
        const why = bare(token.scopes);
        if (why) failures.push(`${step} in "${context}": ${JSON.stringify(token.text)} gets ${why} (${token.scopes.join(' ')})`);
      }
    }
  }
  assert.deepEqual(failures, []);
});
