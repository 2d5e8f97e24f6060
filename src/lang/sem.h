/*
 * sem.h - the checker and SIL emitter of the Sing compiler (one pass over
 * each function that type-checks, tracks ownership and typestate, and
 * emits SIL at the same time).
 *
 * Files: types.c (declarations, type resolution, the SIL type table),
 * contract.c (contract normalisation, well-formedness, bounds), emit.c
 * (function builder: locals, labels, reachability), own.c (linear
 * variables: states, joins, leaks), expr.c and stmt.c (code), manifest.c.
 *
 * Invariant: whatever this module emits follows docs/sil.md's rules
 * (typed locals, one-forward-pass layout with no unreachable instruction,
 * linear locals in the same state at every join, empty at return) whenever
 * no error was reported; when one was, the package is thrown away, so the
 * emitter may then produce anything but must not crash.  It must never
 * write a package itself (lang.c does).  Exported names carry the prefix
 * sg_ (sg_gen_*, sg_fn_*, sg_own_*, ...): all rooms link into one binary.
 */
#ifndef LANG_SEM_H
#define LANG_SEM_H

#include "ast.h"
#include "../sil/sil.h"

#define TY_BAD UINT32_MAX    /* an erroneous type: checks involving it pass silently */
/* `any.Exp`, `any.Imp`: the opaque endpoint (SIL_TK_ANYEP); no contract may take the name. */
#define SG_ANY_CONTRACT "any"

/* Where a written type is used: decides how T[] and names are read. */
enum tctx { TC_LOCAL, TC_GCFIELD, TC_XFIELD, TC_MSGARG, TC_CELL };

struct sstruct {
	struct ast_struct *a;
	uint32_t type;
};

struct scontract {
	struct ast_contract *a;
	uint32_t idx;            /* SIL contract index */
	int ok;                  /* normalised without errors */
	struct scontract *base;  /* `contract D : B`: B (declared before D), else NULL */
};

struct sfunc {
	struct ast_func *a;
	uint32_t idx;
	uint32_t *ptypes;
	uint32_t ret;
	int ok;
};

/* Ownership state of a linear variable. */
enum ostate { O_EMPTY, O_OWNED, O_BORROWED, O_CLOSED };

struct var {
	char *name;
	struct pos pos;
	uint32_t type, local;
	int linear, borrowed;    /* borrowed: a `borrow` parameter */
	uint8_t st;              /* enum ostate (linear only) */
	int32_t eps;             /* endpoint: current contract state */
	int bcount;              /* live temporary borrows rooted here */
	int bad;                 /* its value had an error: say nothing more about it */
};

struct snap {                /* the linear states of vars[0..n) */
	uint32_t n;
	uint8_t *st;
	int32_t *eps;
};

struct join {                /* a point where paths meet */
	int has;
	struct snap s;
	struct pos pos;
	uint32_t nvars;          /* only these variables must agree */
};

struct loop {
	struct loop *outer;
	uint32_t nvars;
	uint32_t brk, cont;      /* labels */
	struct join jbrk, jcont;
};

struct bor {                 /* a live xborrow temporary */
	uint32_t local;
	int root;                /* variable it borrows from, or -1 */
};

struct fn {
	struct sfunc *sf;
	uint32_t *locals;
	uint32_t nlocals, lcap;
	struct sil_insn *insns;
	uint32_t ninsns, icap;
	int32_t *labels;
	uint8_t *jumped;
	uint32_t nlabels, labcap;
	int reachable;
	int dead_reported;       /* "unreachable code" said once per block */
	struct var *vars;
	uint32_t nvars, vcap;
	struct bor *bors;
	uint32_t nbors, bcap;
	struct loop *loop;
};

struct sem {
	struct diag *d;
	struct arena *ar;
	struct sil_pkg *pkg;
	struct ast_file **files;
	uint32_t nfiles;
	struct sstruct *structs;
	uint32_t nstructs;
	struct scontract *contracts;
	uint32_t ncontracts;
	struct sfunc *funcs;
	uint32_t nfuncs;
	struct ast_manifest *manifest;
	uint32_t manifest_file;
	struct fn *fn;           /* function being compiled */
	int dma_used;            /* dma_new/dma_addr appear: the manifest must claim hardware */
	struct pos dma_pos;      /* the first of them */
};

/* A value computed into a local. */
struct val {
	uint32_t type;           /* TY_BAD after an error; SIL_T_VOID for none */
	uint32_t r;              /* the local */
	int var;                 /* the variable whose local this is, or -1 */
	int32_t eps;             /* endpoint: its state */
};

/* ---- types.c ---- */
void sg_sem_declare(struct sem *S);
uint32_t sg_sem_type(struct sem *S, struct ast_type *t, enum tctx ctx);
uint32_t sg_sem_intern(struct sem *S, const struct sil_type *t);
uint32_t sg_sem_array_of(struct sem *S, uint32_t kind, uint32_t elem);
const struct sil_type *sg_sem_tt(struct sem *S, uint32_t t);   /* NULL if builtin/bad */
int sg_sem_kind(struct sem *S, uint32_t t);                     /* 0 if builtin/bad */
int sg_sem_linear(struct sem *S, uint32_t t);
int sg_ty_int(uint32_t t);
int sg_ty_num(uint32_t t);
int sg_ty_scalar(uint32_t t);
int sg_ty_signed(uint32_t t);
int sg_ty_gcref(struct sem *S, uint32_t t);
const char *sg_sem_tname(struct sem *S, uint32_t t, char *buf);  /* buf >= 160 */
int sg_sem_same(struct sem *S, uint32_t a, uint32_t b);  /* endpoints: states aside */
/* Endpoint type `from` of a contract extending to's, same side, safe in
 * to's declared state (src/sil/extend.h); or any endpoint going to an
 * opaque one (any.Exp) of its side. */
int sg_sem_upcast(struct sem *S, uint32_t from, uint32_t to);
struct sstruct *sg_sem_struct(struct sem *S, const char *name);
struct scontract *sg_sem_contract(struct sem *S, const char *name);
struct sfunc *sg_sem_func(struct sem *S, const char *name);
uint32_t sg_sem_kstr(struct sem *S, const char *s, uint32_t len);
uint32_t sg_sem_kf64(struct sem *S, double v);

/* ---- contract.c ---- */
void sg_contract_states(struct sem *S, struct scontract *c);   /* names, transitions */
void sg_contract_messages(struct sem *S, struct scontract *c); /* argument types */
void sg_contract_check(struct sem *S, struct scontract *c);    /* cycles, bounds */
int sg_contract_state(struct sem *S, uint32_t c, const char *name);  /* -1 if none */
int sg_contract_msg(struct sem *S, uint32_t c, const char *name);    /* -1 if none */
/* Transition from state st by message m, or -1. */
int sg_contract_next(struct sem *S, uint32_t c, int32_t st, uint32_t m);

/* ---- emit.c ---- */
void sg_fn_begin(struct sem *S, struct fn *f, struct sfunc *sf);
void sg_fn_end(struct sem *S);
uint32_t sg_fn_local(struct sem *S, uint32_t type);
struct sil_insn *sg_fn_emit(struct sem *S, int op);
void sg_fn_op(struct sem *S, int op, int64_t a, int64_t b, int64_t c);
uint32_t sg_fn_label(struct sem *S);
void sg_fn_jump(struct sem *S, int op, int64_t cond, uint32_t label);
void sg_fn_place(struct sem *S, uint32_t label);
uint32_t *sg_fn_list(struct sem *S, const uint32_t *v, uint32_t n);

/* ---- own.c ---- */
int sg_var_add(struct sem *S, const char *name, struct pos at, uint32_t type, uint32_t local);
int sg_var_find(struct sem *S, const char *name);
void sg_var_pop(struct sem *S, uint32_t n, struct pos at, const char *why);
void sg_own_leaks(struct sem *S, uint32_t from, struct pos at, const char *where);
void sg_own_snap(struct sem *S, struct snap *s);
void sg_own_restore(struct sem *S, const struct snap *s);
void sg_join_init(struct sem *S, struct join *j, struct pos at);
void sg_join_add(struct sem *S, struct join *j);
void sg_join_apply(struct sem *S, struct join *j);
void sg_own_compare(struct sem *S, const struct snap *a, uint32_t n, struct pos at);
const char *sg_own_describe(struct sem *S, int v, uint8_t st, int32_t eps, char *buf);
void sg_bor_push(struct sem *S, uint32_t local, int root);
void sg_bor_end(struct sem *S, uint32_t mark);

/* ---- expr.c ---- */
struct val sg_gen_expr(struct sem *S, struct ast_expr *e, uint32_t want);
/* A value for a slot of type `slot` (parameter, field, message argument,
 * return, variable): checks the type, moves linear values, checks an
 * endpoint's state. */
struct val sg_gen_into(struct sem *S, struct ast_expr *e, uint32_t slot, const char *what);
/* sg_gen_into for an owned call or message argument: an endpoint of a
 * contract extending the slot's may go up to it (sg_sem_upcast). */
struct val sg_gen_arg(struct sem *S, struct ast_expr *e, uint32_t slot, const char *what);
/* The same for a variable: an endpoint may arrive in any state (locals'
 * states are tracked, not declared). */
struct val sg_gen_value(struct sem *S, struct ast_expr *e, uint32_t slot, const char *what);
/* A receiver (the object of a field, index, length or method): variables
 * are used in place, linear fields are borrowed until sg_bor_end. */
struct val sg_gen_obj(struct sem *S, struct ast_expr *e);
uint32_t sg_gen_cond(struct sem *S, struct ast_expr *e);
struct val sg_gen_call(struct sem *S, struct ast_expr *e, int spawn);
struct val sg_gen_method(struct sem *S, struct ast_expr *e, uint32_t want);
/* obj[idx] with obj from sg_gen_obj: the element type, or TY_BAD. */
uint32_t sg_gen_index_parts(struct sem *S, struct ast_expr *e, struct val *obj, struct val *idx);
struct val sg_val_bad(void);
void sg_gen_store_var(struct sem *S, int v, struct val x, struct pos at);

/* ---- stmt.c ---- */
void sg_gen_func(struct sem *S, struct sfunc *sf);
void sg_gen_block(struct sem *S, struct ast_stmt *b);
void sg_gen_receive(struct sem *S, struct ast_stmt *s);

/* ---- manifest.c ---- */
void sg_sem_manifest(struct sem *S);

#endif
