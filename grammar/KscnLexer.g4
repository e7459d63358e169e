// Tokens of ScenarioLang (.kscn). Keywords come before WORD so that they win on equal length.
lexer grammar KscnLexer;

// Structure
SCENARIO : 'scenario' ;
KERNEL   : 'kernel' ;
MEMORY   : 'memory' ;
CPUS     : 'cpus' ;
TASK     : 'task' ;
ROOT     : 'root' ;
USER     : 'user' ;
SWITCH   : 'switch' ;
IDLE     : 'idle' ;
EXPECT   : 'expect' ;
IS       : 'is' ;
NOT      : 'not' ;
NONE     : 'none' ;
ON       : 'on' ;
OFF      : 'off' ;
OK       : 'ok' ;
REPEAT   : 'repeat' ;
FOR      : 'for' ;
EACH     : 'each' ;
PREEMPTED : 'preempted' ;
PREEMPTS : 'preempts' ;
FAILING  : 'failing' ;
AT       : 'at' ;
SHARED   : 'shared' ;
EXPLORE  : 'explore' ;
ALWAYS   : 'always' ;
NEVER    : 'never' ;
SOMETIMES : 'sometimes' ;
AND      : 'and' ;
UNTIL    : 'until' ;
CONTINUE : 'continue' ;
DRAIN    : 'drain' ;
FILE     : 'file' ;
// 'known failure under ptshare=rfc-v2': where a claim is known to fail
KNOWN    : 'known' ;
FAILURE  : 'failure' ;
UNDER    : 'under' ;

// Steps (ioperm, outb, store…) are not keywords: each is a WORD the binder finds in the kernel catalog.

// What the kernel object checker finds (expect leak ptshare_data); hyphenated, so they must precede WORD to win
LEAK     : 'leak' ;
USE_AFTER_FREE : 'use-after-free' ;
DOUBLE_FREE : 'double-free' ;
REFCOUNT_MISUSE : 'refcount-misuse' ;
WARN     : 'warn' ;
OOPS     : 'oops' ;

// Size units (binary)
KIB      : 'KiB' ;
MIB      : 'MiB' ;
GIB      : 'GiB' ;

// Faults
GP       : '#GP' ;
PF       : '#PF' ;

// Punctuation and operators
ARROW    : '->' ;
LBRACE   : '{' ;
RBRACE   : '}' ;
LPAREN   : '(' ;
RPAREN   : ')' ;
LBRACK   : '[' ;
RBRACK   : ']' ;
COMMA    : ',' ;
STAR     : '*' ;
COLON    : ':' ;
DOT      : '.' ;
EQEQ     : '==' ;
NEQ      : '!=' ;
LE       : '<=' ;
GE       : '>=' ;
LT       : '<' ;
GT       : '>' ;
ASSIGN   : '=' ;
// '|' joins mmap flags and a step's alternative results; '-' is only the sign of mmap's -1 (no file): '->' and hyphenated names are longer matches
PIPE     : '|' ;
MINUS    : '-' ;

// A CPU is named by number: cpu0, cpu1, ...
CPU      : 'cpu' [0-9]+ ;

INT      : '0x' [0-9a-fA-F]+ | [0-9]+ ;

// Names; hyphenated and dotted parts allow variant names such as v2-06-16, pre-5.5 and valid-map.
WORD     : [a-zA-Z_] [a-zA-Z0-9_]* ( '-' [a-zA-Z0-9_.]+ )* ;

STRING   : '"' ( '\\' ["\\] | ~["\\\r\n] )* '"' ;
// A string that reaches the end of its line: a token of its own so the error names it.
UNTERMINATED_STRING : '"' ( '\\' ["\\] | ~["\\\r\n] )* ;

LINE_COMMENT  : '//' ~[\r\n]* -> skip ;
BLOCK_COMMENT : '/*' .*? '*/' -> skip ;
WS            : [ \t\r\n]+ -> skip ;

// Anything else becomes a token the parser rejects, so lexical errors flow through one path.
UNEXPECTED_CHAR : . ;
