/*
 * opcodes.h - the one table of SIL instructions.
 *
 * Every tool expands this table: the writer and reader (encoding), the
 * assembler and disassembler (mnemonics), the verifier (operand kinds and
 * rules) and the backend (lowering).  Nothing else may define an opcode.
 *
 * SIL is a register machine over typed locals: every operand that names a
 * value names a local ("rN") whose type is fixed for the whole function, so
 * type checking is one pass and no stack has to be typed at branch targets.
 *
 * Operand kinds (one character each, in the order they are encoded):
 *   r  local index                           text: rN
 *   d  optional destination local            text: rN or _   (uleb 0 = none, n = local n-1)
 *   i  signed 64-bit immediate (sleb128)      text: -12, 0x1f, true, false
 *   k  constant-pool index                    text: kN
 *   t  type index                             text: tN or a builtin name (i32, string, ...)
 *   f  function index                         text: fN
 *   c  contract index                         text: cN
 *   m  message index in the endpoint's contract   text: mN
 *   n  field index in the object's struct     text: N (a plain number)
 *   l  label: an instruction index            text: LN or a symbolic .name
 *   *  a list of locals: uleb count, locals   text: (r1, r2)
 *   S  the receive-case table of `select`     text: { r1 m2 -> L10 (r5), r1 closed -> L20 }
 *
 * Flags: F_JUMP   may branch to its label operands
 *        F_NOFALL never falls through to the next instruction
 *        F_PRIV   a device-access operation (needs a hardware claim)
 *
 * X(ENUM, "mnemonic", "operand kinds", flags)
 */
#ifndef SIL_OPCODES_H
#define SIL_OPCODES_H

#define F_JUMP   1u
#define F_NOFALL 2u
#define F_PRIV   4u

#define SIL_OPCODES(X) \
	/* ---- data movement and constants ---- */                           \
	X(NOP,      "nop",      "",    0)                                      \
	X(CONST,    "const",    "ri",  0)  /* r(int|bool) = imm, wrapped    */ \
	X(FCONST,   "fconst",   "rk",  0)  /* r(f64) = f64 constant k        */ \
	X(SCONST,   "sconst",   "rk",  0)  /* r(string) = string constant k  */ \
	X(NULL,     "null",     "r",   0)  /* r(GC reference) = null         */ \
	X(MOV,      "mov",      "rr",  0)  /* dst = src; moves a linear src  */ \
	/* ---- arithmetic: all three locals have one numeric type ---- */      \
	X(ADD,      "add",      "rrr", 0)                                      \
	X(SUB,      "sub",      "rrr", 0)                                      \
	X(MUL,      "mul",      "rrr", 0)                                      \
	X(DIV,      "div",      "rrr", 0)  /* int: panics on 0; MIN/-1 wraps */ \
	X(REM,      "rem",      "rrr", 0)  /* int only; panics on 0          */ \
	X(AND,      "and",      "rrr", 0)  /* int, or bool (logical)         */ \
	X(OR,       "or",       "rrr", 0)                                      \
	X(XOR,      "xor",      "rrr", 0)                                      \
	X(SHL,      "shl",      "rrr", 0)  /* int; count taken mod width     */ \
	X(SHR,      "shr",      "rrr", 0)  /* arithmetic if signed           */ \
	X(NEG,      "neg",      "rr",  0)  /* int or f64                     */ \
	X(NOT,      "not",      "rr",  0)  /* int: bitwise; bool: logical    */ \
	X(CONV,     "conv",     "rr",  0)  /* numeric to numeric; f64->int saturates, NaN->0 */ \
	/* ---- comparison: dst is bool; operands share a type ---- */         \
	X(EQ,       "eq",       "rrr", 0)  /* scalars; strings by content; GC refs by identity */ \
	X(NE,       "ne",       "rrr", 0)                                      \
	X(LT,       "lt",       "rrr", 0)  /* numeric only                   */ \
	X(LE,       "le",       "rrr", 0)                                      \
	X(GT,       "gt",       "rrr", 0)                                      \
	X(GE,       "ge",       "rrr", 0)                                      \
	/* ---- control ---- */                                                \
	X(JMP,      "jmp",      "l",   F_JUMP | F_NOFALL)                      \
	X(JT,       "jt",       "rl",  F_JUMP)  /* jump if bool r is true    */ \
	X(JF,       "jf",       "rl",  F_JUMP)  /* jump if bool r is false   */ \
	X(CALL,     "call",     "df*", 0)                                      \
	X(RET,      "ret",      "",    F_NOFALL)  /* void return             */ \
	X(RETV,     "retv",     "r",   F_NOFALL)  /* return r (moved if linear) */ \
	X(PANIC,    "panic",    "r",   F_NOFALL)  /* stop the SIP; r: string */ \
	/* ---- GC heap: structs, arrays, strings, cells ---- */               \
	X(NEW,      "new",      "r",   0)  /* r = new struct or cell of r's type */ \
	X(NEWARR,   "newarr",   "rr",  0)  /* r = new array of r's type, length = int local */ \
	X(LDFLD,    "ldfld",    "rrn", 0)  /* dst = obj.n (non-linear field) */ \
	X(STFLD,    "stfld",    "rnr", 0)  /* obj.n = src (non-linear field) */ \
	X(LDELEM,   "ldelem",   "rrr", 0)  /* dst = arr[idx]; arr, xarray or string (u8) */ \
	X(STELEM,   "stelem",   "rrr", 0)  /* arr[idx] = src; array or xarray */ \
	X(LEN,      "len",      "rr",  0)  /* dst(i32) = length of array, xarray or string */ \
	X(STRCAT,   "strcat",   "rrr", 0)  /* dst = a ++ b (strings)         */ \
	X(TOSTR,    "tostr",    "rr",  0)  /* dst(string) = decimal text of int, f64 or bool */ \
	X(SUBSTR,   "substr",   "rrrr",0)  /* dst = s[from, from+len), checked */ \
	X(STRBYTES, "strbytes", "rr",  0)  /* dst (empty, exheap u8[]) = new exheap copy of string's bytes */ \
	X(BYTESTR,  "bytestr",  "rr",  0)  /* dst(string) = new GC copy of an exheap u8[]'s bytes; src read only */ \
	X(ACQUIRE,  "acquire",  "rr",  0)  /* dst = take the value out of a cell; panics if empty */ \
	X(RELEASE,  "release",  "rr",  0)  /* put src into a cell; panics if full */ \
	/* ---- exchange heap: linear values ---- */                           \
	X(XNEW,     "xnew",     "r",   0)  /* r = new exheap struct of r's type; linear fields empty */ \
	X(XNEWARR,  "xnewarr",  "rr",  0)  /* r = new exheap array, length = int local */ \
	X(DELETE,   "delete",   "r",   0)  /* free an owned exheap value, close an endpoint */ \
	X(XTAKE,    "xtake",    "rrn", 0)  /* dst = obj.n (linear field), field left empty; panics if empty */ \
	X(XPUT,     "xput",     "rnr", 0)  /* obj.n = src (linear), panics if not empty */ \
	X(XBORROW,  "xborrow",  "rrn", 0)  /* dst borrows obj.n (linear field); panics if empty */ \
	X(UNBORROW, "unborrow", "r",   0)  /* end a borrow made by xborrow   */ \
	X(XSPLIT,   "xsplit",   "rrr", 0)  /* dst = arr[idx..]; arr keeps arr[..idx] (shared region) */ \
	/* ---- channels ---- */                                               \
	X(CHNEW,    "chnew",    "rr",  0)  /* imp, exp = new channel of their contract, start state */ \
	X(SEND,     "send",     "rm*", 0)  /* send message m with args on endpoint r */ \
	X(SELECT,   "select",   "S",   F_JUMP | F_NOFALL) /* switch receive */ \
	/* ---- system ---- */                                                 \
	X(PRINT,    "print",    "r",   0)  /* write a string to the console  */ \
	X(CLOCK,    "clock",    "r",   0)  /* r(i64) = monotonic nanoseconds */ \
	X(YIELD,    "yield",    "",    0)  /* let other threads run          */ \
	X(SPAWN,    "spawn",    "f*",  0)  /* start a thread of this SIP running f(args) */ \
	X(IOIN,     "io.in",    "rrr", F_PRIV) /* dst(u8|u16|u32) = port[off] */ \
	X(IOOUT,    "io.out",   "rrr", F_PRIV) /* port[off] = src(u8|u16|u32) */ \
	X(DMANEW,   "dma.new",  "rr",  F_PRIV) /* dst (empty, exheap u8[]) = new zeroed, page-aligned, device-reachable array of len */ \
	X(DMAADDR,  "dma.addr", "rr",  F_PRIV) /* dst(u64) = device address of element 0 of an exheap array (read like len) */ \
	/* ---- f64 functions: every operand f64 (src/backend/fmath.h) ---- */ \
	X(FSQRT,    "f.sqrt",   "rr",  0)  /* dst = sqrt(src), correctly rounded */ \
	X(FFLOOR,   "f.floor",  "rr",  0)                                      \
	X(FCEIL,    "f.ceil",   "rr",  0)                                      \
	X(FTRUNC,   "f.trunc",  "rr",  0)                                      \
	X(FROUND,   "f.round",  "rr",  0)  /* half away from zero           */ \
	X(FABS,     "f.abs",    "rr",  0)                                      \
	X(FSIN,     "f.sin",    "rr",  0)                                      \
	X(FCOS,     "f.cos",    "rr",  0)                                      \
	X(FEXP,     "f.exp",    "rr",  0)                                      \
	X(FLOG,     "f.log",    "rr",  0)  /* natural log; <0 NaN, 0 -inf   */ \
	X(FMIN,     "f.min",    "rrr", 0)  /* NaN if either is NaN; -0 < +0 */ \
	X(FMAX,     "f.max",    "rrr", 0)                                      \
	X(FPOW,     "f.pow",    "rrr", 0)  /* dst = a ** b (C99 special cases) */ \
	/* ---- endpoint sets (a select case on a set binds the endpoint first) ---- */ \
	X(ESNEW,    "esnew",    "r",   0)  /* r (empty, eset) = new empty endpoint set */ \
	X(ESADD,    "esadd",    "rr",  0)  /* move endpoint r2 (owned, in the set's state) into set r1 */ \
	X(EMADD,    "emadd",    "rrr", 0)  /* the same into map r1, with r3 (the map's value type) */ \
	X(ESSIZE,   "essize",   "rr",  0)  /* dst(i32) = number of endpoints in set src (read only) */ \
	/* ---- the directory's primitive (docs/system.md "The name service as a SIP") ---- */ \
	X(NSCONN,   "ns.connect", "rrr", 0) /* dst(i32) = kernel hands client r3 (any.Exp, moved) to provider r2 (any.Imp, read) */

enum sil_op {
#define X(e, name, ops, fl) OP_##e,
	SIL_OPCODES(X)
#undef X
	OP__COUNT
};

struct sil_opinfo {
	const char *name;     /* mnemonic in the text form */
	const char *operands; /* operand kinds, see above */
	unsigned flags;       /* F_JUMP, F_NOFALL, F_PRIV */
};

/* sil_ops[op] describes opcode op; defined in opcodes.c. */
extern const struct sil_opinfo sil_ops[OP__COUNT];

#endif
