// Syntax of ScenarioLang (.kscn). The parse tree is turned into our own AST by
// compiler/ScenarioLang.Compiler/Syntax/SyntaxTreeBuilder.cs; nothing past that file sees ANTLR types.
parser grammar KscnParser;

options { tokenVocab = KscnLexer; }

compilationUnit
    : scenario* EOF
    ;

// A known-failure mark first in the body is the whole scenario's: it fails (somewhere) under those variants.
scenario
    : SCENARIO name=STRING LBRACE knownFailure? statement* RBRACE
    ;

statement
    : KERNEL mechanism=WORD ASSIGN variants=variantChoice        # kernelStatement
    | MEMORY model=WORD                                          # memoryStatement
    | CPUS count=INT                                             # cpusStatement
    | TASK name=WORD (LBRACK members=INT RBRACK)? privilege=(ROOT | USER)   # taskStatement
    | SHARED name=WORD (ASSIGN initial=INT)?                       # sharedStatement
    | FILE name=WORD ASSIGN size=quantity filesystem=WORD?        # fileStatement
    | CPU cpuBody                                                # cpuStatement
    | EXPECT expectation knownFailure?                           # expectStatement
    | REPEAT count=INT LBRACE statement* RBRACE                  # repeatStatement
    | FOR EACH group=WORD LBRACE statement* RBRACE               # forEachStatement
    | EXPLORE LBRACE statement* RBRACE                           # exploreStatement
    ;

// One variant, or a matrix the scenario runs once per variant of: a list, or * for every variant.
variantChoice
    : STAR                                                       # everyVariant
    | names+=(WORD | OFF) (COMMA names+=(WORD | OFF))*           # listedVariants
    ;

// What follows a CPU is decided here, after the CPU, so an error names 'switch' or a task. In an explore block,
// 'cpu0 B preempts A: …' is a step of B, which the explorer lets preempt A wherever A can be preempted.
cpuBody
    : SWITCH switchTarget                                        # switchBody
    | CONTINUE pause?                                            # continueBody
    | DRAIN count=INT?                                           # drainBody
    | task=(WORD | KERNEL) (PREEMPTS preempted=WORD)? COLON action stepModifier? (ARROW result (PIPE result)*)? knownFailure?   # stepBody
    ;

// Where a step stops short: preempted inside the syscall, failing at an injected fault, or paused
// (its CPU does nothing more until 'continue', while other CPUs go on).
stepModifier
    : kind=(PREEMPTED | FAILING) AT point=WORD
    | pause
    ;

// A point, with the iteration of its loop for points inside one: until copy_pgd[402].
pause
    : UNTIL point=WORD (LBRACK index=(INT | WORD) RBRACK)?
    ;

switchTarget
    : WORD
    | IDLE
    ;

// Every step has one shape, bound against the kernel catalog by its name: a call, with its arguments in parentheses
// or bare (fork), or an instruction with its operand (outb 0x80, load x, store x = 1).
action
    : name=WORD (argumentList | operand)?
    ;

operand
    : port=INT
    | location=WORD (ASSIGN written=INT)?
    ;

argumentList
    : LPAREN (argument (COMMA argument)*)? RPAREN
    ;

// A name, or names joined by '|', is a set of mmap flags or (alone) a file; '-1' is mmap's "no file".
argument
    : quantity
    | ON
    | OFF
    | WORD (PIPE WORD)*
    | MINUS INT
    ;

quantity
    : INT unit=(KIB | MIB | GIB)?
    ;

result
    : INT        # numberResult
    | WORD       # nameResult
    | fault=(GP | PF)  # faultResult
    | OK         # okResult
    ;

// After an expectation (an expect, or a step's '-> result'): the variants under which it is known to fail, as a
// regression test of a documented bug. A bare variant after the first is of the mechanism named before it:
// 'known failure under ptshare=rfc-v2, locked'.
knownFailure
    : KNOWN FAILURE UNDER knownVariant (COMMA knownVariant)*
    ;

knownVariant
    : (mechanism=WORD ASSIGN)? variant=(WORD | OFF)
    ;

// Over the executions of an explore block: always, never or sometimes; several conditions must all hold.
expectation
    : quantifier=(ALWAYS | NEVER | SOMETIMES)? condition (AND condition)*
    ;

// The alternatives share the subject; deciding after it keeps errors at the operator. A finding the object checker
// reports (leak ptshare_data) is a condition of its own, judged when the scenario ends.
condition
    : subject expectationBody                                            # subjectCondition
    | finding=(LEAK | USE_AFTER_FREE | DOUBLE_FREE | REFCOUNT_MISUSE | WARN | OOPS) objectKind=WORD   # findingCondition
    ;

expectationBody
    : op=(EQEQ | NEQ | LT | LE | GT | GE) value                  # comparisonBody
    | IS NOT? (subject | NONE)                                   # identityBody
    ;

// The index is a vmalloc area, pgd(C)[V], or an address, vma(A)[0x40000000].shared_pt.
subject
    : target=(WORD | TASK) (LPAREN subjectArgument RPAREN)? (LBRACK index=(WORD | INT) RBRACK)? (DOT field=WORD)?
    ;

subjectArgument
    : WORD
    | CPU
    ;

// A bare name is a constant (valid-map, true) or, where the left side is a number, a register or shared word; a name
// with an argument, index or field is another subject: tss(cpu0).prev_sequence == bitmap(A).sequence.
value
    : quantity
    | subject
    | ON
    | OFF
    ;
