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
    : KERNEL mechanism=mechanismName ASSIGN variants=variantChoice # kernelStatement
    | MEMORY model=WORD                                          # memoryStatement
    | CPUS count=INT                                             # cpusStatement
    | TASK name=WORD (LBRACK members=INT RBRACK)? privilege=(ROOT | USER)   # taskStatement
    | SHARED name=WORD (ASSIGN initial=INT)?                       # sharedStatement
    | FILE name=WORD ASSIGN size=quantity filesystem=WORD?        # fileStatement
    | CPU cpuBody                                                # cpuStatement
    | EXPECT expectation                                         # expectStatement
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
    | task=(WORD | KERNEL) (PREEMPTS preempted=WORD)? COLON action stepModifier? (ARROW result (PIPE result)*)?   # stepBody
    ;

// Where a step stops short: preempted inside the syscall, failing at an injected fault, or paused
// (its CPU does nothing more until 'continue', while other CPUs go on).
stepModifier
    : kind=(PREEMPTED | FAILING) AT point=WORD
    | pause
    ;

// A point, with the iteration of its loop for points inside one: until copy_pgd[402].
// The points of the memory instructions are named after them, so their keywords name points too.
pause
    : UNTIL point=(WORD | STORE | LOAD | XCHG | MFENCE | TOUCH) (LBRACK index=(INT | WORD) RBRACK)?
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
    : syscall=(IOPERM | IOPL | FORK | CLONE | EXEC | EXIT | SETRESUID | VMALLOC | MMAP | MUNMAP | READ | WRITE) argumentList?   # syscallAction
    | instruction=(INB | INW | INL | OUTB | OUTW | OUTL) port=INT     # portAction
    | instruction=(CLI | STI | PUSHF)                                # flagsAction
    | instruction=(STORE | XCHG) location=WORD ASSIGN written=INT    # writeAction
    | instruction=(LOAD | TOUCH) location=WORD                       # readAction
    | MFENCE                                                         # fenceAction
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

// Over the executions of an explore block: always, never or sometimes; several conditions must all hold.
expectation
    : quantifier=(ALWAYS | NEVER | SOMETIMES)? condition (AND condition)*
    ;

// The alternatives share the subject; deciding after it keeps errors at the operator. A finding the object checker
// reports (leak ptshare_data) is a condition of its own, judged when the scenario ends.
condition
    : subject expectationBody                                            # subjectCondition
    | finding=(LEAK | USE_AFTER_FREE | DOUBLE_FREE | REFCOUNT_MISUSE) objectKind=WORD   # findingCondition
    ;

expectationBody
    : op=(EQEQ | NEQ | LT | LE | GT | GE) value                  # comparisonBody
    | IS NOT? (subject | NONE)                                   # identityBody
    ;

// The index is a vmalloc area, pgd(C)[V], or an address, vma(A)[0x40000000].shared_pt.
subject
    : target=(WORD | TASK) (LPAREN subjectArgument RPAREN)? (LBRACK index=(WORD | INT) RBRACK)? (DOT field=(WORD | IOPL))?
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
