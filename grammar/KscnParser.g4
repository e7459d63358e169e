// Syntax of ScenarioLang (.kscn). The parse tree is turned into our own AST by
// compiler/ScenarioLang.Compiler/Syntax/SyntaxTreeBuilder.cs; nothing past that file sees ANTLR types.
parser grammar KscnParser;

options { tokenVocab = KscnLexer; }

compilationUnit
    : scenario* EOF
    ;

scenario
    : SCENARIO name=STRING LBRACE statement* RBRACE
    ;

statement
    : KERNEL mechanism=mechanismName ASSIGN variant=WORD          # kernelStatement
    | MEMORY model=WORD                                          # memoryStatement
    | CPUS count=INT                                             # cpusStatement
    | TASK name=WORD privilege=(ROOT | USER)                     # taskStatement
    | CPU cpuBody                                                # cpuStatement
    | EXPECT expectation                                         # expectStatement
    | REPEAT count=INT LBRACE statement* RBRACE                  # repeatStatement
    ;

// What follows a CPU is decided here, after the CPU, so an error names 'switch' or a task.
cpuBody
    : SWITCH switchTarget                                        # switchBody
    | task=WORD COLON action stepModifier? (ARROW result)?       # stepBody
    ;

// Where a step stops short: preempted inside the syscall, or failing at an injected fault.
stepModifier
    : kind=(PREEMPTED | FAILING) AT point=WORD
    ;

mechanismName
    : WORD
    | IOPERM
    ;

switchTarget
    : WORD
    | IDLE
    ;

action
    : syscall=(IOPERM | IOPL | FORK | CLONE | EXEC | EXIT | SETRESUID) argumentList?   # syscallAction
    | instruction=(INB | INW | INL | OUTB | OUTW | OUTL) port=INT     # portAction
    | instruction=(CLI | STI | PUSHF)                                # flagsAction
    ;

argumentList
    : LPAREN (argument (COMMA argument)*)? RPAREN
    ;

argument
    : quantity
    | ON
    | OFF
    ;

quantity
    : INT unit=(KIB | MIB | GIB)?
    ;

result
    : INT        # numberResult
    | WORD       # nameResult
    | GP         # faultResult
    | OK         # okResult
    ;

// The alternatives share the subject; deciding after it keeps errors at the operator.
expectation
    : subject expectationBody
    ;

expectationBody
    : op=(EQEQ | NEQ | LT | LE | GT | GE) value                  # comparisonBody
    | IS NOT? (subject | NONE)                                   # identityBody
    ;

subject
    : target=(WORD | TASK) (LPAREN subjectArgument RPAREN)? (DOT field=(WORD | IOPL))?
    ;

subjectArgument
    : WORD
    | CPU
    ;

value
    : quantity
    | WORD
    | ON
    | OFF
    ;
