/*
 * ast.h - the syntax tree of a Sing program, and the parser that builds it.
 *
 * The parser checks syntax only: names, types and ownership are the
 * checker's (sem.h).  Every node carries the position of its first token
 * and lives in the compiler's arena, so error recovery (which abandons
 * half-built nodes) never leaks.  Nesting depth is bounded (PARSE_MAXDEPTH)
 * so that no later recursive pass can overflow the stack.  Exported names
 * carry the prefix sg_ like all of src/lang.
 */
#ifndef LANG_AST_H
#define LANG_AST_H

#include "lex.h"

#define PARSE_MAXDEPTH 1000

/* ---- types as written ---- */
enum ast_tkind {
	AT_BUILTIN,   /* builtin: a SIL builtin index (void, bool, ints, f64, string) */
	AT_NAME,      /* a struct name */
	AT_ARRAY,     /* elem[] (GC; in an exheap struct, an exheap array) */
	AT_XARRAY,    /* exheap elem[] */
	AT_CELL,      /* cell<elem> */
	AT_ENDPOINT,  /* Contract.Imp / Contract.Exp, optional :STATE */
	AT_IOPORT,
	AT_ESET,      /* eset<Contract.Side:STATE> (elem is the endpoint type), or
	                 emap<Contract.Side:STATE, T> (val is T) */
};

struct ast_type {
	int kind;
	struct pos pos;
	uint32_t builtin;
	char *name;            /* AT_NAME: struct; AT_ENDPOINT: contract */
	int side;              /* AT_ENDPOINT: SIL_IMP / SIL_EXP */
	char *state;           /* AT_ENDPOINT: NULL = start state */
	struct pos state_pos;
	struct ast_type *elem;
	struct ast_type *val;  /* AT_ESET: an emap's value type, else NULL */
};

/* ---- expressions ---- */
enum ast_ekind {
	E_INT, E_FLOAT, E_STR, E_BOOL, E_NULL, E_NAME,
	E_UNARY,    /* op a */
	E_BINARY,   /* a op b (T_ANDAND and T_OROR short-circuit) */
	E_CALL,     /* name(args) */
	E_METHOD,   /* a.name(args): send, acquire, substr, in8, NewChannel ... */
	E_FIELD,    /* a.name */
	E_INDEX,    /* a[b] */
	E_CAST,     /* (type)a or a as type */
	E_NEW,      /* new [exheap] type [ {inits} ] or new [exheap] elem[a] */
	E_TAKE,     /* take a (a is a field) */
	E_COND,     /* a ? b : els */
	E_LOCAL,    /* compiler-made: a value already in SIL local `local` of type `ltype` */
};

struct ast_expr {
	int kind;
	struct pos pos;
	int op;                  /* E_UNARY, E_BINARY: the token kind */
	uint64_t ival;           /* E_INT; E_BOOL: 0/1 */
	int is_char;             /* E_INT from a character literal */
	double fval;
	char *str;               /* E_STR bytes; E_NAME, E_CALL, E_METHOD, E_FIELD: name */
	uint32_t slen;
	struct ast_expr *a, *b;
	struct ast_expr *els;    /* E_COND: the value if a is false */
	uint32_t local, ltype;   /* E_LOCAL */
	struct ast_expr **args;  /* E_CALL, E_METHOD args; E_NEW initialiser values */
	char **names;            /* E_NEW: initialised field names */
	struct pos *npos;
	uint32_t nargs;
	struct ast_type *type;   /* E_CAST target; E_NEW: what is allocated */
	int exheap;              /* E_NEW: new exheap ... */
};

/* ---- statements ---- */
enum ast_skind {
	S_BLOCK, S_VAR, S_VAR2, S_EXPR, S_ASSIGN, S_IF, S_WHILE, S_FOR,
	S_BREAK, S_CONTINUE, S_RETURN, S_DELETE, S_SPAWN, S_RECEIVE,
};

struct ast_case {
	struct pos pos;
	char *ep, *msg;          /* endpoint variable, message (or ChannelClosed) */
	char *bind;              /* `case e in set.Msg(...)`: e (ep is then the set), else NULL */
	struct pos bind_pos;
	char *vbind;             /* `case e, v in map.Msg(...)`: v (the endpoint's value), else NULL */
	struct pos vbind_pos;
	struct pos msg_pos;
	char **vars;
	struct pos *vpos;
	uint32_t nvars;
	struct ast_stmt *body;   /* an S_BLOCK of the case's statements */
};

struct ast_stmt {
	int kind;
	struct pos pos;
	struct pos end;          /* S_BLOCK: the closing brace */
	struct ast_stmt **kids;  /* S_BLOCK statements */
	uint32_t nkids;
	char *name, *name2;      /* S_VAR, S_VAR2 */
	struct pos npos, npos2;
	struct ast_type *type;   /* S_VAR: NULL for `var` */
	struct ast_expr *e;      /* init, condition, value, S_EXPR, S_DELETE, S_SPAWN call */
	struct ast_expr *lhs;    /* S_ASSIGN */
	int op;                  /* S_ASSIGN: T_ASSIGN, T_PLUSEQ, ..., T_INC, T_DEC */
	struct ast_stmt *init, *step, *then, *els; /* S_FOR, S_IF; body in then */
	struct ast_case *cases;  /* S_RECEIVE */
	uint32_t ncases;
};

/* ---- declarations ---- */
struct ast_field {
	struct pos pos;
	char *name;
	struct ast_type *type;
	int borrow;              /* parameters only */
};

struct ast_struct {
	struct pos pos;
	char *name;
	int exheap;
	struct ast_field *fields;
	uint32_t nfields;
};

struct ast_msg {
	struct pos pos;
	char *name;
	int dir;                 /* SIL_IN / SIL_OUT */
	struct ast_field *args;
	uint32_t nargs;
};

struct ast_step {            /* one step of a transition: (A! or B! -> T) */
	char **msgs;
	struct pos *mpos;
	int *marks;              /* T_QUEST or T_BANG per message */
	char **targets;          /* per message: its own target state, or NULL */
	struct pos *tpos;
	uint32_t nmsgs;
	int closed;              /* every message has its own target */
};

struct ast_seq {             /* Step -> Step -> ... -> TARGET; (TARGET NULL if
                              * the last step is closed) */
	struct pos pos;
	struct ast_step *steps;
	uint32_t nsteps;
	char *target;
	struct pos tpos;
};

struct ast_state {
	struct pos pos;
	char *name;
	struct ast_seq *seqs;
	uint32_t nseqs;
};

struct ast_contract {
	struct pos pos;
	char *name;
	char *base;              /* `contract D : B`: B, else NULL */
	struct pos bpos;
	struct ast_msg *msgs;
	uint32_t nmsgs;
	struct ast_state *states;
	uint32_t nstates;
};

struct ast_func {
	struct pos pos;
	char *name;
	struct ast_type *ret;
	struct ast_field *params;
	uint32_t nparams;
	struct ast_stmt *body;
	int broken;              /* a syntax error in the body: not checked */
};

/* One manifest entry: kind is its keyword (name, version, kind, budget,
 * capability, endpoint, provides, depends, ioport, irq, memory). */
struct ast_mentry {
	struct pos pos;
	char *kw;
	char *str;               /* string value / path */
	char *ident;             /* kind's word, endpoint name, contract */
	struct pos ipos;
	struct ast_type *type;   /* endpoint type */
	uint64_t a, b;           /* budget; hardware base and length */
	int shared;
};

struct ast_manifest {
	struct pos pos;
	struct ast_mentry *entries;
	uint32_t nentries;
};

struct ast_import {
	struct pos pos;
	char *path;
};

struct ast_file {
	uint32_t file;
	struct ast_import *imports;
	uint32_t nimports;
	struct ast_struct *structs;
	uint32_t nstructs;
	struct ast_contract *contracts;
	uint32_t ncontracts;
	struct ast_func *funcs;
	uint32_t nfuncs;
	struct ast_manifest *manifest;   /* NULL if none */
	int fatal;               /* a syntax error outside function bodies */
};

/* Parse file `file` of d (errors reported through d). */
struct ast_file *sg_parse_file(struct diag *d, uint32_t file);

/* Arena-held growable arrays: capacity is implied by the count (4, then
 * powers of two), so nodes need no capacity fields.  APUSH(arena, v, n)
 * appends one zeroed element to v[0..n) and yields a pointer to it. */
void *sg_ast_grow(struct arena *a, void *arr, uint32_t n, size_t esz);
#define APUSH(ar, v, n) ((v) = sg_ast_grow((ar), (v), (n), sizeof *(v)), &(v)[(n)++])

#endif
